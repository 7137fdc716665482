// The exec pre-flight verdict and task/container choice, on facts as ECS and IAM report them. moto reports neither
// enableExecuteCommand nor managedAgents nor runtimeIds, so these facts are written out here; the end-to-end checks
// against the emulator are in test/integration/session.test.ts.
import { describe, expect, it } from 'vitest';
import type { TaskContainer, TaskFacts } from '../../../src/aws/ecs-exec.js';
import { execProblems, pickContainer, pickTask } from '../../../src/deploy/session/exec.js';
import type { ExecFacts } from '../../../src/deploy/session/exec.js';

const where = { app: 'shop', environment: 'staging' };

function container(name: string, agent?: { lastStatus: string; reason?: string }): TaskContainer {
  return {
    name,
    lastStatus: 'RUNNING',
    runtimeId: `${name}-runtime`,
    agents: agent === undefined ? [] : [{ name: 'ExecuteCommandAgent', ...agent }],
  };
}

function task(id: string, overrides: Partial<TaskFacts> = {}): TaskFacts {
  return {
    taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/cluster-staging/${id}`,
    taskId: id,
    lastStatus: 'RUNNING',
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/WebFamily:3',
    enableExecuteCommand: true,
    containers: [container('WebContainer', { lastStatus: 'RUNNING' })],
    ...overrides,
  };
}

function facts(overrides: Partial<ExecFacts> = {}): ExecFacts {
  const chosen = overrides.task ?? task('t1');
  return {
    service: { component: 'Web', serviceName: 'shop-staging-Web-1A2B' },
    ecsService: { serviceName: 'shop-staging-Web-1A2B', status: 'ACTIVE', enableExecuteCommand: true },
    task: chosen,
    container: chosen.containers[0] ?? container('WebContainer'),
    taskRole: 'arn:aws:iam::123456789012:role/shop-staging-WebRole-XYZ',
    permissions: { kind: 'allowed' },
    ...overrides,
  };
}

describe('execProblems', () => {
  it('finds nothing missing when everything is in place', () => {
    expect(execProblems(facts(), where)).toEqual([]);
  });

  it('names exec disabled on the service, with the config switch and a forced deploy as the fix', () => {
    const problems = execProblems(
      facts({
        ecsService: { serviceName: 'shop-staging-Web-1A2B', status: 'ACTIVE', enableExecuteCommand: false },
        task: task('t1', { enableExecuteCommand: false, containers: [container('WebContainer')] }),
      }),
      where,
    );
    expect(problems).toEqual([
      {
        what: 'ECS Exec is not enabled on service Web (shop-staging-Web-1A2B).',
        fix:
          'Set "enable_execute_command": true under services.Web with `cloudlift update_service -e staging --name shop`, ' +
          'then start new tasks with `cloudlift deploy_service -e staging --name shop --force`.',
      },
    ]);
  });

  it('names tasks started before exec was enabled', () => {
    const problems = execProblems(
      facts({ task: task('old1', { enableExecuteCommand: false, containers: [container('WebContainer')] }) }),
      where,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.what).toBe(
      'Task old1 was started before ECS Exec was enabled; only tasks started afterwards have it.',
    );
    expect(problems[0]?.fix).toContain('cloudlift deploy_service -e staging --name shop --force');
  });

  it('names the missing ssmmessages permissions of the task role', () => {
    const problems = execProblems(
      facts({
        permissions: {
          kind: 'denied',
          actions: ['ssmmessages:CreateControlChannel', 'ssmmessages:OpenDataChannel'],
        },
      }),
      where,
    );
    expect(problems.map((problem) => problem.what)).toEqual([
      'The task role shop-staging-WebRole-XYZ is not allowed ssmmessages:CreateControlChannel, ssmmessages:OpenDataChannel.',
    ]);
  });

  it('does not count "could not check" as a problem', () => {
    expect(execProblems(facts({ permissions: { kind: 'unknown', reason: 'AccessDenied' } }), where)).toEqual(
      [],
    );
  });

  it('names a missing task role', () => {
    const problems = execProblems(facts({ taskRole: undefined, permissions: undefined }), where);
    expect(problems[0]?.what).toBe('Task t1 has no IAM task role, and the ECS Exec agent needs one.');
  });

  it.each([
    [{ lastStatus: 'PENDING' }, 'The ECS Exec agent in container WebContainer is still starting (PENDING).'],
    [
      { lastStatus: 'STOPPED', reason: 'InternalError' },
      'The ECS Exec agent in container WebContainer is STOPPED: InternalError.',
    ],
    [undefined, 'Container WebContainer of task t1 has no ECS Exec agent.'],
  ])('names the agent state %j', (agent, what) => {
    const chosen = task('t1', { containers: [container('WebContainer', agent)] });
    expect(execProblems(facts({ task: chosen }), where).map((problem) => problem.what)).toEqual([what]);
  });

  it('lists several problems in the order they should be fixed', () => {
    const chosen = task('t1', { containers: [container('WebContainer', { lastStatus: 'STOPPED' })] });
    const problems = execProblems(
      facts({ task: chosen, permissions: { kind: 'denied', actions: ['ssmmessages:OpenDataChannel'] } }),
      where,
    );
    expect(problems.map((problem) => problem.what.split(' ').slice(0, 3).join(' '))).toEqual([
      'The task role',
      'The ECS Exec',
    ]);
  });
});

describe('pickTask', () => {
  const main = (): string => 'WebContainer';
  const older = task('older', { startedAt: new Date('2025-01-01T00:00:00Z') });
  const newerNotReady = task('newer', {
    startedAt: new Date('2025-01-02T00:00:00Z'),
    enableExecuteCommand: false,
  });

  it('prefers a task that passes the checks, newest first', () => {
    expect(pickTask([older, newerNotReady], undefined, main).taskId).toBe('older');
    const newest = task('newest', { startedAt: new Date('2025-01-03T00:00:00Z') });
    expect(pickTask([older, newerNotReady, newest], undefined, main).taskId).toBe('newest');
  });

  it('takes the newest when none is ready, so the pre-flight explains that one', () => {
    const alsoNotReady = task('oldest', {
      enableExecuteCommand: false,
      startedAt: new Date('2024-12-01T00:00:00Z'),
    });
    expect(pickTask([alsoNotReady, newerNotReady], undefined, main).taskId).toBe('newer');
  });

  it('finds --task by id or ARN, and lists the running ones otherwise', () => {
    expect(pickTask([older, newerNotReady], 'newer', main).taskId).toBe('newer');
    expect(pickTask([older, newerNotReady], older.taskArn, main).taskId).toBe('older');
    expect(() => pickTask([older, newerNotReady], 'gone', main)).toThrow(
      expect.objectContaining({ hint: 'Running tasks: older, newer.' }),
    );
  });
});

describe('pickContainer', () => {
  const withSidecar = task('t1', {
    containers: [container('fluentbit-firelens-sidecar'), container('WebContainer')],
  });

  it("defaults to the service's main container <Svc>Container", () => {
    expect(pickContainer(withSidecar, undefined, 'Web').name).toBe('WebContainer');
  });

  it('falls back to the first container', () => {
    expect(pickContainer(withSidecar, undefined, 'Worker').name).toBe('fluentbit-firelens-sidecar');
  });

  it('checks --container against the task', () => {
    expect(pickContainer(withSidecar, 'fluentbit-firelens-sidecar', 'Web').name).toBe(
      'fluentbit-firelens-sidecar',
    );
    expect(() => pickContainer(withSidecar, 'db', 'Web')).toThrow('Task t1 has no container "db"');
  });
});
