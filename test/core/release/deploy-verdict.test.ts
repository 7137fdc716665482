// The rollout verdict for every outcome, from realistic DescribeServices/DescribeTasks answers mapped by the adapter.
import { describe, expect, it } from 'vitest';
import type { Service, Task } from '@aws-sdk/client-ecs';
import { toObservedService, toServiceEvents, toStoppedTask } from '../../../src/aws/ecs.js';
import {
  cleanEventMessage,
  judgeRollout,
  remember,
  servingTaskDefinition,
  worstOutcome,
} from '../../../src/core/release/deploy-verdict.js';
import type { Observation, Verdict, VerdictMemory } from '../../../src/core/release/deploy-verdict.js';
import {
  at,
  crash,
  deployment,
  event,
  healthCheck,
  newTd,
  oldTd,
  oom,
  pullError,
  scaledIn,
  service,
  stoppedTask,
  serviceName,
} from '../../fixtures/ecs-payloads.js';

const settings = { timeoutMs: 600_000, maxFailedTasks: 3 };

function observation(
  raw: Service,
  options: { now?: number; stopped?: Task[]; lastFullyRunning?: number } = {},
): Observation {
  return {
    ourTaskDefinition: newTd,
    service: toObservedService(raw),
    newEvents: toServiceEvents(raw),
    stoppedTasks: (options.stopped ?? []).map(toStoppedTask),
    startedAt: at(0),
    now: at(options.now ?? 30),
    ...(options.lastFullyRunning === undefined ? {} : { lastFullyRunningAt: at(options.lastFullyRunning) }),
    settings,
  };
}

function observe(
  raw: Service,
  options: { now?: number; stopped?: Task[]; lastFullyRunning?: number; memory?: VerdictMemory } = {},
): Verdict {
  const seen = observation(raw, options);
  return judgeRollout({ ...seen, memory: remember(options.memory, seen) });
}

/** Judges a sequence of polls the way the watcher does (memory carried over); the verdict after each one. */
function watch(polls: { raw: Service; now: number }[]): Verdict['kind'][] {
  let memory: VerdictMemory | undefined;
  return polls.map(({ raw, now }) => {
    const seen = observation(raw, { now });
    memory = remember(memory, seen);
    return judgeRollout({ ...seen, memory }).kind;
  });
}

const rolling = (running: number, pending: number, oldRunning: number) => [
  deployment({ taskDefinition: newTd, runningCount: running, pendingCount: pending }),
  deployment({
    taskDefinition: oldTd,
    status: 'ACTIVE',
    runningCount: oldRunning,
    rolloutState: 'COMPLETED',
  }),
];

describe('judgeRollout', () => {
  it('is in progress while the new deployment starts tasks, with a progress summary', () => {
    const verdict = observe(
      service(rolling(1, 1, 2), [
        event(5, `(service ${serviceName}) has started 2 tasks: (task 1a2b) (task 3c4d).`),
      ]),
    );
    expect(verdict.kind).toBe('in-progress');
    expect(verdict.progress.text).toBe('1/2 running, 1 pending, 2 old still running');
    expect(verdict.progress.rolloutState).toBe('IN_PROGRESS');
  });

  it('succeeds only when the PRIMARY runs our task definition, is COMPLETED and running == desired', () => {
    const done = service(
      [
        deployment({
          taskDefinition: newTd,
          runningCount: 2,
          rolloutState: 'COMPLETED',
          rolloutStateReason: 'ECS deployment ecs-svc/5716512345678901234 completed.',
        }),
      ],
      [event(40, `(service ${serviceName}) has reached a steady state.`)],
    );
    expect(observe(done).kind).toBe('succeeded');
  });

  it('is not a success while the counts match but ECS has not marked the rollout COMPLETED', () => {
    const raw = service([deployment({ taskDefinition: newTd, runningCount: 2 })]);
    expect(observe(raw).kind).toBe('in-progress');
  });

  it('is not a success when the old deployment is gone but tasks are still pending', () => {
    const raw = service([
      deployment({ taskDefinition: newTd, runningCount: 1, pendingCount: 1, rolloutState: 'COMPLETED' }),
    ]);
    expect(observe(raw).kind).toBe('in-progress');
  });

  it('uses the original rule (one deployment, all running) for services without a rollout state', () => {
    const raw = service([
      deployment({
        taskDefinition: newTd,
        runningCount: 2,
        rolloutState: undefined,
        rolloutStateReason: undefined,
      }),
    ]);
    expect(observe(raw).kind).toBe('succeeded');
    const two = service([
      deployment({ taskDefinition: newTd, runningCount: 2, rolloutState: undefined }),
      deployment({ taskDefinition: oldTd, status: 'ACTIVE', runningCount: 1, rolloutState: undefined }),
    ]);
    expect(observe(two).kind).toBe('in-progress');
  });

  it('reports a circuit-breaker rollback when our revision is no longer PRIMARY', () => {
    const raw = service(
      [
        deployment({
          taskDefinition: oldTd,
          runningCount: 2,
          rolloutState: 'IN_PROGRESS',
          id: 'ecs-svc/999',
        }),
        deployment({
          taskDefinition: newTd,
          status: 'ACTIVE',
          failedTasks: 10,
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        }),
      ],
      [
        event(
          90,
          `(service ${serviceName}) (deployment ecs-svc/5716512345678901234) deployment failed: tasks failed to start.`,
        ),
      ],
    );
    const verdict = observe(raw);
    expect(verdict.kind).toBe('rolled-back');
    if (verdict.kind === 'rolled-back') {
      expect(verdict.byCircuitBreaker).toBe(true);
      expect(verdict.runningTaskDefinition).toBe(oldTd);
      expect(verdict.reason).toContain('circuit breaker: tasks failed to start');
      // People read the reason (and the summary table cuts it): family:revision, not the whole ARN.
      expect(verdict.reason).toMatch(/^ECS rolled back to WebFamily:6: /);
    }
  });

  it('says so when another deployment (not a rollback) replaced ours', () => {
    const other = newTd.replace(':7', ':8');
    const raw = service([
      deployment({ taskDefinition: other }),
      deployment({ taskDefinition: newTd, status: 'ACTIVE', runningCount: 1 }),
    ]);
    const verdict = observe(raw);
    expect(verdict.kind).toBe('rolled-back');
    if (verdict.kind === 'rolled-back') {
      expect(verdict.byCircuitBreaker).toBe(false);
      expect(verdict.reason).toBe('another deployment (WebFamily:8) replaced ours while we were waiting');
    }
  });

  it('fails fast after --max-failed-tasks crashes of the new revision, with each reason', () => {
    const stopped = [
      stoppedTask('aaa111', newTd, 10, crash),
      stoppedTask('bbb222', newTd, 20, oom),
      stoppedTask('ccc333', newTd, 30, crash),
      stoppedTask('old999', oldTd, 25, scaledIn),
    ];
    const verdict = observe(service(rolling(0, 1, 2)), { stopped, now: 31 });
    expect(verdict.kind).toBe('failed');
    if (verdict.kind === 'failed') {
      expect(verdict.reason).toContain('3 tasks of the new version failed in a row');
      expect(verdict.failures.map((f) => [f.taskId, f.category, f.exitCode])).toEqual([
        ['aaa111', 'exit', 1],
        ['bbb222', 'oom', 137],
        ['ccc333', 'exit', 1],
      ]);
    }
  });

  it('does not count tasks of a re-used revision (rollback) that stopped before this rollout began', () => {
    // A rollback to WebFamily:7, whose tasks crashed an hour ago in another rollout (ECS still lists them).
    const raw = service([
      deployment({ taskDefinition: newTd, runningCount: 0, pendingCount: 1, createdAt: at(100) }),
      deployment({ taskDefinition: oldTd, status: 'ACTIVE', runningCount: 2, rolloutState: 'COMPLETED' }),
    ]);
    const earlier = [
      stoppedTask('aaa111', newTd, 10, crash),
      stoppedTask('bbb222', newTd, 20, crash),
      stoppedTask('ccc333', newTd, 30, crash),
    ];
    expect(observe(raw, { stopped: earlier, now: 105 }).kind).toBe('in-progress');
    // Crashes in this rollout still count, and only they are listed.
    const now = [
      ...earlier,
      stoppedTask('ddd444', newTd, 102, crash),
      stoppedTask('eee555', newTd, 103, oom),
    ];
    const later = [...now, stoppedTask('fff666', newTd, 104, crash)];
    expect(observe(raw, { stopped: now, now: 105 }).kind).toBe('in-progress');
    const verdict = observe(raw, { stopped: later, now: 105 });
    expect(verdict.kind).toBe('failed');
    if (verdict.kind === 'failed') {
      expect(verdict.failures.map((f) => f.taskId)).toEqual(['ddd444', 'eee555', 'fff666']);
    }
  });

  it('keeps waiting below the threshold and does not count scale-in stops', () => {
    const stopped = [stoppedTask('aaa111', newTd, 10, pullError), stoppedTask('ddd444', newTd, 12, scaledIn)];
    expect(observe(service(rolling(1, 0, 2)), { stopped }).kind).toBe('in-progress');
  });

  it('starts the failure streak again once every task of the new revision was running', () => {
    const stopped = [
      stoppedTask('aaa111', newTd, 10, healthCheck),
      stoppedTask('bbb222', newTd, 20, healthCheck),
      stoppedTask('ccc333', newTd, 40, healthCheck),
    ];
    expect(observe(service(rolling(1, 1, 0)), { stopped, lastFullyRunning: 30, now: 45 }).kind).toBe(
      'in-progress',
    );
    expect(observe(service(rolling(1, 1, 0)), { stopped, now: 45 }).kind).toBe('failed');
  });

  it('fails when ECS marks our deployment FAILED without rolling back', () => {
    const raw = service([
      deployment({
        taskDefinition: newTd,
        failedTasks: 3,
        rolloutState: 'FAILED',
        rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
      }),
    ]);
    const verdict = observe(raw);
    expect(verdict.kind).toBe('failed');
    if (verdict.kind === 'failed') {
      expect(verdict.reason).toBe(
        'ECS marked the deployment failed: ECS deployment circuit breaker: tasks failed to start.',
      );
    }
  });

  const cannotPlace = event(
    3,
    `(service ${serviceName}) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 5a1b2c3d) has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`,
  );

  it('reports unplaceable when ECS cannot place a task and nothing of ours runs (the original exited 0 here)', () => {
    const raw = service(rolling(0, 0, 2), [cannotPlace]);
    // seen since 3 s in one earlier poll; still so at 30 s: two observations, longer than the grace
    const verdict = observe(raw, {
      memory: { seenOursAsPrimary: true, unplaceableSince: at(3), unplaceableObservations: 1 },
    });
    expect(verdict.kind).toBe('unplaceable');
    if (verdict.kind === 'unplaceable') {
      expect(verdict.reason).toMatch(/^hello-staging-Web-8xYq3nE2Lk0P was unable to place a task/);
      expect(verdict.reason).toContain('container-instance 5a1b2c3d');
    }
  });

  it('does not call one unable-to-place event unplaceable: it must last two polls and the grace period', () => {
    const stuck = service(rolling(0, 0, 2), [cannotPlace]);
    const placed = service(rolling(0, 1, 2), [cannotPlace]);
    expect(observe(stuck, { now: 4 }).kind).toBe('in-progress'); // the very first observation
    // a transient event: the next poll shows a pending task, so the condition starts again from scratch
    expect(
      watch([
        { raw: stuck, now: 4 },
        { raw: placed, now: 5 },
        { raw: stuck, now: 12 },
        { raw: stuck, now: 13 },
      ]),
    ).toEqual(['in-progress', 'in-progress', 'in-progress', 'in-progress']);
    // lasting: two polls are not enough before the grace (10 s) is over, then it is the verdict
    expect(
      watch([
        { raw: stuck, now: 4 },
        { raw: stuck, now: 5 },
        { raw: stuck, now: 13 },
        { raw: stuck, now: 14 },
      ]),
    ).toEqual(['in-progress', 'in-progress', 'in-progress', 'unplaceable']);
  });

  it('waits while ECS does not show our new deployment yet, and calls it replaced after the grace period', () => {
    const notYet = service([
      deployment({ taskDefinition: oldTd, runningCount: 2, rolloutState: 'COMPLETED' }),
    ]);
    const started = service(rolling(0, 2, 2));
    expect(observe(notYet, { now: 1 }).kind).toBe('in-progress');
    expect(
      watch([
        { raw: notYet, now: 1 },
        { raw: started, now: 2 },
      ]),
    ).toEqual(['in-progress', 'in-progress']);
    expect(observe(notYet, { now: 10 }).kind).toBe('rolled-back');
    // once ours was PRIMARY, losing it is conclusive at once
    expect(
      watch([
        { raw: started, now: 1 },
        { raw: notYet, now: 2 },
      ]),
    ).toEqual(['in-progress', 'rolled-back']);
  });

  it('keeps waiting on an unable-to-place event while some new tasks are starting', () => {
    const raw = service(rolling(1, 0, 1), [
      event(
        3,
        `(service ${serviceName}) was unable to place a task because no container instance met all of its requirements.`,
      ),
    ]);
    expect(observe(raw).kind).toBe('in-progress');
  });

  it('times out after --timeout while still rolling', () => {
    const verdict = observe(service(rolling(1, 1, 2)), { now: 600 });
    expect(verdict.kind).toBe('timed-out');
    expect(verdict.progress.text).toBe('1/2 running, 1 pending, 2 old still running');
    expect(observe(service(rolling(1, 1, 2)), { now: 599 }).kind).toBe('in-progress');
  });

  it('fails when the service is being deleted', () => {
    expect(observe(service(rolling(0, 0, 0), [], { status: 'DRAINING' })).kind).toBe('failed');
  });
});

describe('cleanEventMessage', () => {
  it('drops the parentheses the way the original did', () => {
    expect(cleanEventMessage('(service web) has reached a steady state.')).toBe(
      'web has reached a steady state.',
    );
    expect(cleanEventMessage('(service web) has started 1 tasks: (task abc).')).toBe(
      'web has started 1 tasks: task abc.',
    );
  });
});

describe('worstOutcome', () => {
  it('orders outcomes so the exit code follows the most severe one', () => {
    expect(worstOutcome(['succeeded', 'timed-out', 'failed'])).toBe('failed');
    expect(worstOutcome(['succeeded', 'unchanged'])).toBe('succeeded');
    expect(worstOutcome(['unplaceable', 'rolled-back'])).toBe('rolled-back');
    expect(worstOutcome([])).toBe('unchanged');
  });
});

describe('servingTaskDefinition', () => {
  it('is what the tasks run, not the PRIMARY that has not started any (e.g. cannot place or crashing)', () => {
    const stuck = service([
      deployment({ taskDefinition: newTd, desiredCount: 1 }),
      deployment({ taskDefinition: oldTd, status: 'ACTIVE', desiredCount: 1, runningCount: 1 }),
    ]);
    expect(servingTaskDefinition(toObservedService(stuck))).toBe(oldTd);
  });

  it('is the PRIMARY once it runs as many tasks, and when nothing runs at all', () => {
    const halfway = service([
      deployment({ taskDefinition: newTd, desiredCount: 2, runningCount: 1 }),
      deployment({ taskDefinition: oldTd, status: 'ACTIVE', desiredCount: 2, runningCount: 1 }),
    ]);
    expect(servingTaskDefinition(toObservedService(halfway))).toBe(newTd);
    const idle = service([deployment({ taskDefinition: newTd, desiredCount: 0 })]);
    expect(servingTaskDefinition(toObservedService(idle))).toBe(newTd);
  });
});
