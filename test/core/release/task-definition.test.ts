// The next revision of a task definition and the no-op rule of deploy_service.
import { describe, expect, it } from 'vitest';
import { toObservedService } from '../../../src/aws/ecs.js';
import { changeReasonOf } from '../../../src/core/release/release-plan.js';
import {
  configTagKey,
  diffRegistrations,
  nextRegistration,
  registrationOf,
  sameRegistration,
} from '../../../src/core/release/task-definition.js';
import { deployment, newTd, oldTd, service } from '../../fixtures/ecs-payloads.js';

const repo = '123456789012.dkr.ecr.us-east-1.amazonaws.com/hello-repo';
const param = (key: string) => `arn:aws:ssm:us-east-1:123456789012:parameter/staging/hello/${key}`;

/** A DescribeTaskDefinition answer, with the read-only fields ECS adds. */
const described = {
  taskDefinitionArn: oldTd,
  family: 'WebFamily',
  revision: 6,
  status: 'ACTIVE',
  taskRoleArn: 'arn:aws:iam::123456789012:role/hello-staging-WebRole-ABC',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  networkMode: 'bridge',
  requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.ecr-auth' }],
  compatibilities: ['EC2'],
  placementConstraints: [{ type: 'memberOf', expression: 'attribute:deployment_type == ondemand' }],
  pidMode: 'task',
  ipcMode: 'none',
  volumes: [],
  registeredAt: new Date('2025-01-01T00:00:00Z'),
  registeredBy: 'arn:aws:sts::123456789012:assumed-role/deployer/ci',
  containerDefinitions: [
    {
      name: 'WebContainer',
      image: `${repo}:old`,
      cpu: 0,
      essential: true,
      memoryReservation: 512,
      portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
      environment: [{ name: 'LEFTOVER', value: '1' }],
      secrets: [{ name: 'PORT', valueFrom: param('PORT') }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': 'staging-logs', 'awslogs-stream-prefix': 'Web' },
      },
    },
    { name: 'worker', image: `${repo}:old`, essential: false, memoryReservation: 64, environment: [] },
    {
      name: 'fluentbit-firelens-sidecar',
      image: 'amazon/aws-for-fluent-bit:2.31.0',
      essential: true,
      environment: [{ name: 'X', value: 'y' }],
    },
  ],
};
const tags = [{ key: 'Team', value: 'payments' }];
const change = {
  image: `${repo}:new`,
  tag: 'new',
  secrets: [
    { name: 'PORT', valueFrom: param('PORT') },
    { name: 'DB_URL', valueFrom: param('DB_URL') },
  ],
  configFingerprint: 'f00d',
};

describe('registrationOf / nextRegistration', () => {
  const current = registrationOf(described, tags);
  const next = nextRegistration(current, change);

  it('keeps every register field (placement, pid/ipc, roles, tags) and drops read-only ones', () => {
    expect(current).not.toHaveProperty('revision');
    expect(current).not.toHaveProperty('requiresAttributes');
    expect(current).not.toHaveProperty('registeredAt');
    expect(next.placementConstraints).toEqual(described.placementConstraints);
    expect(next.pidMode).toBe('task');
    expect(next.ipcMode).toBe('none');
    expect(next.taskRoleArn).toBe(described.taskRoleArn);
    expect(next.tags).toEqual([
      { key: 'Team', value: 'payments' },
      { key: configTagKey, value: 'f00d' },
    ]);
  });

  it('sets the first image, re-tags other app containers, leaves sidecars alone', () => {
    expect(next.containerDefinitions.map((c) => c.image)).toEqual([
      `${repo}:new`,
      `${repo}:new`,
      'amazon/aws-for-fluent-bit:2.31.0',
    ]);
  });

  it('gives app containers the env.sample secrets and no plain environment', () => {
    const [web, worker, sidecar] = next.containerDefinitions;
    expect(web?.secrets).toEqual(change.secrets);
    expect(worker?.secrets).toEqual(change.secrets);
    expect(web?.environment).toEqual([]);
    expect(sidecar?.environment).toEqual([{ name: 'X', value: 'y' }]);
    expect(sidecar?.secrets).toBeUndefined();
    expect(web?.portMappings).toEqual(described.containerDefinitions[0]?.portMappings);
  });

  it('does not modify the current registration', () => {
    expect(current.containerDefinitions[0]?.image).toBe(`${repo}:old`);
  });

  it('lists what changes', () => {
    const diff = diffRegistrations(current, next);
    expect(diff.images.map((i) => i.container)).toEqual(['WebContainer', 'worker']);
    expect(diff.secrets).toEqual([{ name: 'DB_URL', from: '-', to: param('DB_URL') }]);
    expect(diff.configChanged).toBe(true);
    expect(diff.otherChanged).toBe(true); // LEFTOVER environment removed
  });
});

describe('no-op detection', () => {
  const running = registrationOf(
    {
      ...described,
      containerDefinitions: [
        {
          ...described.containerDefinitions[0],
          image: `${repo}:new`,
          environment: [],
          secrets: change.secrets,
        },
      ],
    },
    [{ key: configTagKey, value: 'f00d' }],
  );
  const steady = toObservedService(
    service([deployment({ taskDefinition: oldTd, runningCount: 2, rolloutState: 'COMPLETED' })]),
  );

  const reason = (next: ReturnType<typeof nextRegistration>, svc = steady, alwaysDeploy = false) =>
    changeReasonOf(svc, running, next, diffRegistrations(running, next), { alwaysDeploy });

  it('is a no-op for the same image, secrets and parameter versions on a steady service', () => {
    const next = nextRegistration(running, change);
    expect(sameRegistration(running, next)).toBe(true);
    expect(reason(next)).toBeUndefined();
  });

  it('deploys when the image, the variables or the parameter versions changed', () => {
    expect(reason(nextRegistration(running, { ...change, image: `${repo}:newer`, tag: 'newer' }))).toBe(
      'new image',
    );
    expect(reason(nextRegistration(running, { ...change, secrets: change.secrets.slice(0, 1) }))).toBe(
      'the env.sample variables changed',
    );
    expect(reason(nextRegistration(running, { ...change, configFingerprint: 'beef' }))).toMatch(
      /values changed in Parameter Store/,
    );
  });

  it('treats a revision registered without the config tag (the original, or CloudFormation) as changed', () => {
    const untagged = { ...running, tags: [] };
    const next = nextRegistration(untagged, change);
    expect(
      changeReasonOf(steady, untagged, next, diffRegistrations(untagged, next), { alwaysDeploy: false }),
    ).toMatch(/never recorded/);
  });

  it('always deploys dirty images, and a service that is not steady', () => {
    const next = nextRegistration(running, change);
    expect(reason(next, steady, true)).toMatch(/dirty/);
    const zero = toObservedService(
      service([deployment({ taskDefinition: oldTd, desiredCount: 0, rolloutState: 'COMPLETED' })]),
    );
    expect(reason(next, zero)).toMatch(/desired count 0/);
    const rolling = toObservedService(
      service([
        deployment({ taskDefinition: newTd, runningCount: 1 }),
        deployment({ taskDefinition: oldTd, status: 'ACTIVE', runningCount: 2 }),
      ]),
    );
    expect(reason(next, rolling)).toMatch(/in progress/);
    const failed = toObservedService(
      service([deployment({ taskDefinition: oldTd, runningCount: 0, rolloutState: 'FAILED' })]),
    );
    expect(reason(next, failed)).toMatch(/FAILED/);
  });
});
