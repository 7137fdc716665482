// The rollout watcher in-process: an in-memory ECS (scripted DescribeServices answers) and a virtual clock, so the
// polling, the stopped-task reporting, the crash logs and Ctrl-C are checked without sleeping. CloudWatch Logs is
// mocked with aws-sdk-client-mock because the testbed cannot produce container logs for its simulated tasks.
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Service, Task } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { EcsApi } from '../../../src/aws/ecs.js';
import { toObservedService, toServiceEvents, toStoppedTask } from '../../../src/aws/ecs.js';
import { rollOut } from '../../../src/deploy/release/rollout.js';
import { RolloutView } from '../../../src/ui/rollout.js';
import { FakeClock } from '../../support/clock.js';
import { makeTestContext, newCapture } from '../../support/context.js';
import {
  crash,
  deployment,
  event,
  newTd,
  oldTd,
  service,
  serviceName,
  stoppedTask,
  t0,
} from '../../fixtures/ecs-payloads.js';

const logs = mockClient(CloudWatchLogsClient);
afterEach(() => logs.reset());

/** An EcsApi answering DescribeServices from a script (one answer per poll, the last one repeats). */
function scriptedEcs(answers: Service[], stopped: Task[][] = []) {
  const calls = { describe: 0, update: [] as unknown[], listStopped: 0 };
  const api: EcsApi = {
    region: 'us-east-1',
    describeService: () => {
      const raw = answers[Math.min(calls.describe, answers.length - 1)] ?? service([]);
      calls.describe += 1;
      return Promise.resolve({ service: toObservedService(raw), events: toServiceEvents(raw) });
    },
    updateService: (input) => {
      calls.update.push(input);
      return Promise.resolve();
    },
    listTaskArns: () => {
      const batch = stopped[Math.min(calls.listStopped, stopped.length - 1)] ?? [];
      calls.listStopped += 1;
      return Promise.resolve(batch.map((task) => task.taskArn ?? ''));
    },
    describeStoppedTasks: (_cluster, arns) => {
      const known = new Map(stopped.flat().map((task) => [task.taskArn ?? '', task]));
      return Promise.resolve(
        arns.flatMap((arn) => (known.has(arn) ? [toStoppedTask(known.get(arn) ?? {})] : [])),
      );
    },
    describeTasks: () => Promise.resolve([]),
    describeTaskDefinition: () => Promise.reject(new Error('not used')),
    registerTaskDefinition: () => Promise.reject(new Error('not used')),
    listTaskDefinitions: () => Promise.resolve([]),
  };
  return { api, calls };
}

const containers = [
  {
    name: 'WebContainer',
    image: 'x',
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': 'staging-logs',
        'awslogs-stream-prefix': 'Web',
        'awslogs-region': 'us-east-1',
      },
    },
  },
];

function setup(answers: Service[], stopped: Task[][] = []) {
  const capture = newCapture();
  const clock = new FakeClock(t0);
  const controller = new AbortController();
  const ctx = makeTestContext({ capture, clock, signal: controller.signal });
  const { api, calls } = scriptedEcs(answers, stopped);
  const run = () =>
    rollOut(ctx, {
      ecs: api,
      cluster: 'cluster-staging',
      name: 'Web',
      ecsServiceName: serviceName,
      taskDefinition: newTd,
      desiredCount: 1,
      eventsBefore: [],
      containers,
      settings: { timeoutMs: 600_000, maxFailedTasks: 2 },
      view: new RolloutView(ctx.ui, ['Web']),
    });
  return { capture, clock, controller, calls, run };
}

const starting = service([
  deployment({ taskDefinition: newTd, desiredCount: 1, pendingCount: 1 }),
  deployment({
    taskDefinition: oldTd,
    status: 'ACTIVE',
    desiredCount: 1,
    runningCount: 1,
    rolloutState: 'COMPLETED',
  }),
]);

describe('rollOut', () => {
  it('updates the service, streams new events and succeeds when ECS says COMPLETED', async () => {
    const done = service(
      [deployment({ taskDefinition: newTd, desiredCount: 1, runningCount: 1, rolloutState: 'COMPLETED' })],
      [event(2, `(service ${serviceName}) has reached a steady state.`)],
    );
    const { capture, calls, clock, run } = setup([starting, starting, done]);
    const outcome = await run();
    expect(outcome.kind).toBe('succeeded');
    expect(calls.update).toEqual([
      { cluster: 'cluster-staging', service: serviceName, taskDefinition: newTd, desiredCount: 1 },
    ]);
    expect(capture.stderr).toContain(`Web │ ${serviceName} has reached a steady state.`);
    expect(capture.stderr).toContain('Web │ ✔ deployed: 1/1 running');
    expect(clock.sleeps).toEqual([1000, 1000]); // polled every second at first
  });

  it('waits when the first look after UpdateService still shows the old revision or one unable-to-place event', async () => {
    const oldOnly = service([
      deployment({ taskDefinition: oldTd, desiredCount: 1, runningCount: 1, rolloutState: 'COMPLETED' }),
    ]);
    const noRoomYet = service(
      [
        deployment({ taskDefinition: newTd, desiredCount: 1 }),
        deployment({ taskDefinition: oldTd, status: 'ACTIVE', desiredCount: 1, runningCount: 1 }),
      ],
      [
        event(
          1,
          `(service ${serviceName}) was unable to place a task because no container instance met all of its requirements.`,
        ),
      ],
    );
    const done = service([
      deployment({ taskDefinition: newTd, desiredCount: 1, runningCount: 1, rolloutState: 'COMPLETED' }),
    ]);
    const { capture, run } = setup([oldOnly, noRoomYet, starting, done]);
    const outcome = await run();
    expect(outcome.kind).toBe('succeeded');
    expect(capture.stderr).not.toContain('ROLLED BACK');
    expect(capture.stderr).not.toContain('CANNOT PLACE');
  });

  it('shows each crashed task, stops at --max-failed-tasks, and prints the last log lines of the container', async () => {
    const first = stoppedTask('aaa111', newTd, 3, crash);
    const second = stoppedTask('bbb222', newTd, 6, crash);
    logs.on(GetLogEventsCommand).resolves({
      events: [
        { timestamp: t0.getTime() + 5000, message: 'listening on :80' },
        { timestamp: t0.getTime() + 5500, message: 'Error: DATABASE_URL is not set\n' },
      ],
    });
    const { capture, run } = setup([starting], [[], [first], [first, second]]);
    const outcome = await run();
    expect(outcome.kind).toBe('failed');
    expect(
      capture.stderr.match(/✘ task \w+ stopped: container WebContainer exited with code 1/g),
    ).toHaveLength(2);
    expect(logs.commandCalls(GetLogEventsCommand)[0]?.args[0].input).toMatchObject({
      logGroupName: 'staging-logs',
      logStreamName: 'Web/WebContainer/bbb222',
      startFromHead: false,
    });
    const verdictAt = capture.stderr.indexOf('FAILED: 2 tasks of the new version failed in a row');
    const logsAt = capture.stderr.indexOf('Web │   Error: DATABASE_URL is not set');
    expect(verdictAt).toBeGreaterThan(0);
    expect(logsAt).toBeGreaterThan(verdictAt);
  });

  it('shows why the new tasks failed and their last log lines when the circuit breaker rolls back', async () => {
    const crashed = stoppedTask('ccc333', newTd, 4, crash);
    const rolledBack = service([
      deployment({ taskDefinition: oldTd, desiredCount: 1, runningCount: 1, id: 'ecs-svc/999' }),
      deployment({
        taskDefinition: newTd,
        status: 'ACTIVE',
        desiredCount: 1,
        failedTasks: 1,
        rolloutState: 'FAILED',
        rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      }),
    ]);
    logs.on(GetLogEventsCommand).resolves({
      events: [{ timestamp: t0.getTime() + 3500, message: 'panic: config file missing' }],
    });
    const { capture, run } = setup([starting, rolledBack], [[], [crashed]]);
    const outcome = await run();
    expect(outcome).toMatchObject({
      kind: 'rolled-back',
      failures: [{ taskId: 'ccc333', category: 'exit' }],
    });
    expect(logs.commandCalls(GetLogEventsCommand)[0]?.args[0].input).toMatchObject({
      logStreamName: 'Web/WebContainer/ccc333',
    });
    const verdictAt = capture.stderr.indexOf('Web │ ✘ ROLLED BACK: ECS rolled back to');
    expect(verdictAt).toBeGreaterThan(0);
    expect(capture.stderr.indexOf('Web │   The app exited: read its logs')).toBeGreaterThan(verdictAt);
    expect(capture.stderr.indexOf('Web │   panic: config file missing')).toBeGreaterThan(verdictAt);
  });

  it('says so when the crashed container left no log stream', async () => {
    const failures = [stoppedTask('aaa111', newTd, 3, crash), stoppedTask('bbb222', newTd, 6, crash)];
    logs.on(GetLogEventsCommand).rejects(
      Object.assign(new Error('The specified log stream does not exist.'), {
        name: 'ResourceNotFoundException',
      }),
    );
    const { capture, run } = setup([starting], [failures]);
    expect((await run()).kind).toBe('failed');
    expect(capture.stderr).toContain('no log stream staging-logs Web/WebContainer/bbb222');
  });

  it('stops waiting on Ctrl-C and reports the rollout as still going', async () => {
    const { capture, clock, controller, run } = setup([starting]);
    clock.onSleep = (count) => {
      if (count === 3) {
        controller.abort(new Error('Interrupted'));
      }
    };
    const outcome = await run();
    expect(outcome).toMatchObject({
      kind: 'interrupted',
      progress: { text: '0/1 running, 1 pending, 1 old still running' },
    });
    expect(capture.stderr).toContain('still rolling (stopped waiting)');
  });

  it('times out by the virtual clock', async () => {
    const { run, clock } = setup([starting]);
    const outcome = await run();
    expect(outcome.kind).toBe('timed-out');
    expect(clock.now().getTime() - t0.getTime()).toBeGreaterThanOrEqual(600_000);
  });
});
