import { describe, expect, it } from 'vitest';
import {
  buildStatus,
  classifyDrift,
  componentStatus,
  releaseOf,
  statusLines,
} from '../../../src/core/operate/status.js';
import type { ComponentObservation, DriftedResource } from '../../../src/core/operate/status.js';
import type { ObservedDeployment, ObservedService } from '../../../src/core/release/deploy-verdict.js';
import type { Release } from '../../../src/core/release/releases.js';

const td = (revision: number): string =>
  `arn:aws:ecs:us-east-1:123456789012:task-definition/WebFamily:${revision}`;
const task = (id: string): string => `arn:aws:ecs:us-east-1:123456789012:task/cluster-staging/${id}`;

function deployment(revision: number, extra: Partial<ObservedDeployment> = {}): ObservedDeployment {
  return {
    id: `ecs-svc/${revision}`,
    status: 'PRIMARY',
    taskDefinition: td(revision),
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    failedTasks: 0,
    rolloutState: 'COMPLETED',
    ...extra,
  };
}

function service(extra: Partial<ObservedService> = {}): ObservedService {
  return {
    serviceName: 'shop-staging-Web-1',
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    taskDefinition: td(7),
    deployments: [deployment(7)],
    ...extra,
  };
}

function observation(extra: Partial<ComponentObservation> = {}): ComponentObservation {
  return {
    component: 'Web',
    ecsService: 'shop-staging-Web-1',
    service: service(),
    events: [],
    stoppedTasks: [],
    ...extra,
  };
}

function release(number: number, revision: number, outcome: Release['outcome'] = 'succeeded'): Release {
  return {
    app: 'shop',
    environment: 'staging',
    number,
    kind: 'deploy',
    outcome,
    startedAt: '2026-11-26T10:00:00Z',
    actor: 'arn:aws:iam::1:user/alice',
    services: [{ component: 'Web', ecsService: 'shop-staging-Web-1', taskDefinition: td(revision) }],
  };
}

describe('health', () => {
  it('is healthy when every desired task runs after a completed rollout', () => {
    expect(componentStatus(observation(), []).health).toBe('healthy');
  });

  it('is deploying while two deployments exist or the rollout is in progress', () => {
    const twoDeployments = service({
      deployments: [deployment(8, { runningCount: 1 }), deployment(7, { status: 'ACTIVE' })],
    });
    expect(componentStatus(observation({ service: twoDeployments }), []).health).toBe('deploying');
    const inProgress = service({ deployments: [deployment(7, { rolloutState: 'IN_PROGRESS' })] });
    expect(componentStatus(observation({ service: inProgress }), []).health).toBe('deploying');
  });

  it('is failed when ECS marked the rollout failed, degraded when tasks are missing', () => {
    const failed = service({
      deployments: [deployment(7, { rolloutState: 'FAILED', rolloutStateReason: 'circuit breaker' })],
    });
    const status = componentStatus(observation({ service: failed }), []);
    expect(status).toMatchObject({
      health: 'failed',
      rolloutState: 'FAILED',
      rolloutReason: 'circuit breaker',
    });
    expect(componentStatus(observation({ service: service({ runningCount: 1 }) }), []).health).toBe(
      'degraded',
    );
  });

  it('tells scaled to zero and missing services apart', () => {
    const zero = service({
      desiredCount: 0,
      runningCount: 0,
      deployments: [deployment(7, { desiredCount: 0, runningCount: 0 })],
    });
    expect(componentStatus(observation({ service: zero }), []).health).toBe('scaled-to-zero');
    const { service: _omit, ...withoutService } = observation();
    expect(componentStatus(withoutService, []).health).toBe('missing');
  });
});

describe('releaseOf', () => {
  it('finds the newest successful release that rolled out the task definition', () => {
    const ledger = [release(1, 7), release(2, 8), release(3, 7, 'failed'), release(4, 7)];
    expect(releaseOf(ledger, 'Web', td(7))).toBe(4);
    expect(releaseOf([release(3, 9, 'failed')], 'Web', td(9))).toBe(3);
    expect(releaseOf(ledger, 'Worker', td(7))).toBeUndefined();
  });
});

describe('events and stopped tasks', () => {
  it('shows the newest five events without the (service x) wrapper', () => {
    const events = Array.from({ length: 7 }, (_, index) => ({
      id: `e${index}`,
      createdAt: new Date(Date.UTC(2026, 10, 26, 10, index)),
      message: `(service shop-staging-Web-1) event ${index}`,
    }));
    const status = componentStatus(observation({ events }), []);
    expect(status.events.map((event) => event.message)).toEqual([
      'shop-staging-Web-1 event 6',
      'shop-staging-Web-1 event 5',
      'shop-staging-Web-1 event 4',
      'shop-staging-Web-1 event 3',
      'shop-staging-Web-1 event 2',
    ]);
  });

  it('explains failed tasks and marks tasks stopped on purpose', () => {
    const status = componentStatus(
      observation({
        stoppedTasks: [
          {
            taskArn: task('aaaa1111bbbb'),
            taskDefinitionArn: td(8),
            stoppedAt: new Date('2026-11-26T10:05:00Z'),
            stopCode: 'EssentialContainerExited',
            stoppedReason: 'Essential container in task exited',
            containers: [{ name: 'WebContainer', exitCode: 1 }],
          },
          {
            taskArn: task('cccc2222dddd'),
            taskDefinitionArn: td(6),
            stoppedAt: new Date('2026-11-26T10:01:00Z'),
            stopCode: 'ServiceSchedulerInitiated',
            stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/7)',
            containers: [{ name: 'WebContainer', exitCode: 0 }],
          },
        ],
      }),
      [],
    );
    expect(status.stoppedTasks).toEqual([
      {
        taskId: 'aaaa1111bbbb',
        taskDefinition: 'WebFamily:8',
        stoppedAt: '2026-11-26T10:05:00.000Z',
        summary: 'container WebContainer exited with code 1',
        reason: 'Essential container in task exited',
        isFailure: true,
      },
      {
        taskId: 'cccc2222dddd',
        taskDefinition: 'WebFamily:6',
        stoppedAt: '2026-11-26T10:01:00.000Z',
        summary: 'stopped on purpose',
        reason: 'Scaling activity initiated by (deployment ecs-svc/7)',
        isFailure: false,
      },
    ]);
  });
});

describe('classifyDrift', () => {
  const serviceDrift = (paths: string[]): DriftedResource => ({
    logicalId: 'Web',
    resourceType: 'AWS::ECS::Service',
    status: 'MODIFIED',
    differences: paths.map((path) => ({ path, expected: 'a', actual: 'b', kind: 'NOT_EQUAL' })),
  });

  it('ignores the task definition every deploy changes on purpose', () => {
    expect(classifyDrift([serviceDrift(['/TaskDefinition'])])).toEqual({ state: 'in-sync' });
  });

  it('keeps real drift such as a desired count changed in the console, and deleted resources', () => {
    const deleted: DriftedResource = {
      logicalId: 'WebRole',
      resourceType: 'AWS::IAM::Role',
      status: 'DELETED',
      differences: [],
    };
    const drift = classifyDrift([serviceDrift(['/TaskDefinition', '/DesiredCount']), deleted]);
    expect(drift).toEqual({
      state: 'drifted',
      ignored: ['Web.TaskDefinition'],
      resources: [{ ...serviceDrift(['/DesiredCount']) }, deleted],
    });
  });
});

describe('statusLines', () => {
  it('renders every part of the report', () => {
    const report = buildStatus({
      app: 'shop',
      environment: 'staging',
      stackName: 'shop-staging',
      observations: [observation({ image: 'repo/shop-repo:abc' })],
      releases: [release(2, 7)],
      drift: { state: 'unknown', reason: 'DetectStackDrift is not available' },
    });
    expect(statusLines(report)).toEqual([
      'shop in staging',
      '',
      'Web (shop-staging-Web-1): healthy',
      '  tasks:       2/2 running, 0 pending',
      '  deployed:    WebFamily:7 (release v2)',
      '  image:       repo/shop-repo:abc',
      '  rollout:     COMPLETED',
      '  events:      none',
      '  stopped tasks: none recently',
      '',
      'stack shop-staging: drift unknown (DetectStackDrift is not available)',
    ]);
  });
});

describe('status during a rollout', () => {
  const rolling = service({
    taskDefinition: td(8),
    runningCount: 2,
    pendingCount: 2,
    deployments: [
      deployment(8, { runningCount: 0, pendingCount: 2, rolloutState: 'IN_PROGRESS' }),
      deployment(7, { status: 'ACTIVE' }),
    ],
  });
  const observed = observation({
    service: rolling,
    image: 'repo/shop-repo:new',
    servingImage: 'repo/shop-repo:old',
  });

  it('names the revision the tasks run (serving the traffic) and the one being rolled out', () => {
    const status = componentStatus(observed, [release(2, 7), release(3, 8, 'in-progress')]);
    expect(status).toMatchObject({
      taskDefinition: 'WebFamily:8',
      serving: { taskDefinition: 'WebFamily:7', release: 2, image: 'repo/shop-repo:old' },
      rollingOut: { taskDefinition: 'WebFamily:8', release: 3 },
    });
    const report = buildStatus({
      app: 'shop',
      environment: 'staging',
      stackName: 'shop-staging',
      observations: [observed],
      releases: [release(2, 7), release(3, 8, 'in-progress')],
      drift: { state: 'not-checked' },
    });
    expect(statusLines(report).slice(2, 8)).toEqual([
      'Web (shop-staging-Web-1): deploying',
      '  tasks:       2/2 running, 2 pending',
      '  running:     WebFamily:7 (release v2): serves the traffic',
      '  image:       repo/shop-repo:old',
      '  rolling out: WebFamily:8 (release v3)',
      '  new image:   repo/shop-repo:new',
    ]);
  });

  it('shows one deployed revision once the new one runs the tasks', () => {
    const halfway = service({
      taskDefinition: td(8),
      deployments: [deployment(8, { runningCount: 2 }), deployment(7, { status: 'ACTIVE', runningCount: 1 })],
    });
    const status = componentStatus(observation({ service: halfway }), []);
    expect(status.serving?.taskDefinition).toBe('WebFamily:8');
    expect(status.rollingOut).toBeUndefined();
  });
});
