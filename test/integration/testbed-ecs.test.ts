// The testbed's ECS emulation, tested through the AWS SDK as a client of real ECS would see it: tasks are real
// containers of a real image pulled from the registry front, with ECS's own failure wording; logs reach CloudWatch
// Logs; EC2 tasks need a registered host with room; load-balancer targets are health-checked in the container's
// network namespace; rolling updates, StopTask and the circuit breaker follow ECS's documented rules.
// (The product's own tests on these behaviours are deploy-failures.test.ts and friends.)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, it } from 'vitest';
import { busyboxPath } from '../support/deploy-fixture.js';
import {
  awsClientConfig,
  dockerEnv,
  dockerTestsRequired,
  resetTestbed,
  setEcsBehaviour,
  testbed,
  waitUntil,
} from '../support/testbed.js';

const ecs = () => new ECSClient(awsClientConfig());
const cluster = 'cluster-emu';
const group = 'emu-logs';
let image = '';
let subnet = '';

function run(command: string, args: string[], input?: string): { code: number; out: string } {
  const result = spawnSync(command, args, { env: dockerEnv(), input, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status ?? 1, out: `${result.stdout}${result.stderr}` };
}

/** Builds a FROM-scratch busybox image (with /bin/sh) and pushes it to this moto's ECR as testbed-app:v1. */
async function pushImage(): Promise<string> {
  const ecr = new ECRClient(awsClientConfig());
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'testbed-app' }));
  const auth = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
  const [user, password] = Buffer.from(auth?.authorizationToken ?? '', 'base64')
    .toString()
    .split(':');
  const login = run(
    'docker',
    ['login', '-u', user ?? '', '--password-stdin', auth?.proxyEndpoint ?? ''],
    password,
  );
  expect(login.out).toContain('Login Succeeded');
  const context = mkdtempSync(join(tmpdir(), 'cloudlift-emu-'));
  copyFileSync(busyboxPath(), join(context, 'busybox'));
  writeFileSync(
    join(context, 'Dockerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nCOPY busybox /bin/sh\nCMD ["/bin/busybox", "true"]\n',
  );
  const tag = `${testbed().registryHost}/testbed-app:v1`;
  expect(run('docker', ['build', '-q', '-t', tag, context]).code).toBe(0);
  const push = run('docker', ['push', tag]);
  expect(push.code, push.out).toBe(0);
  return tag;
}

const logging = (prefix: string) => ({
  logDriver: 'awslogs' as const,
  options: { 'awslogs-group': group, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': prefix },
});

/** A Fargate task definition with one essential container `app` running `script` with sh -c. */
async function fargate(
  family: string,
  script: string,
  container: Partial<ContainerDefinition> = {},
): Promise<string> {
  const answer = await ecs().send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      containerDefinitions: [
        {
          name: 'app',
          image,
          essential: true,
          command: ['sh', '-c', script],
          logConfiguration: logging(family),
          ...container,
        },
      ],
    }),
  );
  return answer.taskDefinition?.taskDefinitionArn ?? '';
}

const network = () => ({ awsvpcConfiguration: { subnets: [subnet] } });

async function runTask(taskDefinition: string, extra: Record<string, unknown> = {}): Promise<Task> {
  const answer = await ecs().send(
    new RunTaskCommand({
      cluster,
      taskDefinition,
      launchType: 'FARGATE',
      networkConfiguration: network(),
      ...extra,
    }),
  );
  const task = answer.tasks?.[0];
  if (task === undefined) {
    throw new Error(`RunTask started nothing: ${JSON.stringify(answer.failures)}`);
  }
  return task;
}

async function describeTask(arn: string): Promise<Task> {
  return (await ecs().send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks?.[0] ?? {};
}

const until = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000) =>
  waitUntil(what, check, { timeoutMs, intervalMs: 200 });

async function stopped(arn: string): Promise<Task> {
  return until(`task ${arn} STOPPED`, async () => {
    const task = await describeTask(arn);
    return task.lastStatus === 'STOPPED' && task;
  });
}

async function service(name: string): Promise<Service> {
  return (await ecs().send(new DescribeServicesCommand({ cluster, services: [name] }))).services?.[0] ?? {};
}

async function logLines(stream: string): Promise<{ message: string; timestamp: number }[]> {
  const answer = await new CloudWatchLogsClient(awsClientConfig()).send(
    new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }),
  );
  return (answer.events ?? []).map((e) => ({ message: e.message ?? '', timestamp: e.timestamp ?? 0 }));
}

const taskId = (arn: string | undefined) => (arn ?? '').split('/').pop() ?? '';

describe.skipIf(!dockerTestsRequired())('testbed ECS: tasks are real containers', () => {
  beforeAll(async () => {
    await resetTestbed();
    image = await pushImage();
    await ecs().send(new CreateClusterCommand({ clusterName: cluster }));
    await new CloudWatchLogsClient(awsClientConfig()).send(
      new CreateLogGroupCommand({ logGroupName: group }),
    );
    subnet =
      (await new EC2Client(awsClientConfig()).send(new DescribeSubnetsCommand({}))).Subnets?.[0]?.SubnetId ??
      '';
    await new SSMClient(awsClientConfig()).send(
      new PutParameterCommand({ Name: '/emu/app/GREETING', Type: 'SecureString', Value: 'hello from ssm' }),
    );
  });

  it('runs a task from its definition: environment, secrets, command; its lines reach CloudWatch Logs with their own timestamps', async () => {
    const definition = await fargate(
      'emu-print',
      'echo "greeting=$GREETING mode=$MODE"; echo second line >&2; sleep 1; echo done',
      {
        environment: [{ name: 'MODE', value: 'test' }],
        secrets: [
          { name: 'GREETING', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/emu/app/GREETING' },
        ],
      },
    );
    const started = await runTask(definition, { enableExecuteCommand: true });
    expect(started.lastStatus).toBe('PENDING');
    const task = await stopped(started.taskArn ?? '');
    expect(task.launchType).toBe('FARGATE');
    expect(task.enableExecuteCommand).toBe(true);
    expect(task.stopCode).toBe('EssentialContainerExited');
    expect(task.containers?.[0]?.exitCode).toBe(0);
    expect(task.containers?.[0]?.runtimeId).toMatch(/^[0-9a-f]{64}$/);
    expect(task.containers?.[0]?.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const lines = await logLines(`emu-print/app/${taskId(task.taskArn)}`);
    // stdout in order; stderr interleaved where the engine read it (as with awslogs on ECS)
    const messages = lines.map((l) => l.message);
    expect(messages.filter((m) => m !== 'second line')).toEqual([
      'greeting=hello from ssm mode=test',
      'done',
    ]);
    expect(messages).toContain('second line');
    expect((lines[2]?.timestamp ?? 0) - (lines[0]?.timestamp ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it('passes entryPoint, workingDirectory, memory limits and cpu shares to the container; awsfirelens and no log configuration ship nothing to CloudWatch', async () => {
    const definition = await fargate('emu-shape', '', {
      entryPoint: ['sh', '-c', 'echo "in $(pwd)"; trap "exit 0" TERM; while true; do sleep 1; done'],
      command: [],
      workingDirectory: '/tmp',
      memory: 48,
      memoryReservation: 32,
      cpu: 128,
    });
    const task = await runTask(definition);
    await until('RUNNING', async () => (await describeTask(task.taskArn ?? '')).lastStatus === 'RUNNING');
    const id = run('docker', [
      'ps',
      '-q',
      '--filter',
      `label=com.amazonaws.ecs.task-arn=${task.taskArn}`,
    ]).out.trim();
    const shape = run('docker', [
      'inspect',
      '--format',
      '{{json .Config.Entrypoint}} {{.Config.WorkingDir}} {{.HostConfig.Memory}} {{.HostConfig.MemoryReservation}} {{.HostConfig.CpuShares}} {{.HostConfig.NetworkMode}}',
      id,
    ]).out.trim();
    expect(shape).toBe(
      `["sh","-c","echo \\"in $(pwd)\\"; trap \\"exit 0\\" TERM; while true; do sleep 1; done"] /tmp ${48 * 1024 * 1024} ${32 * 1024 * 1024} 128 none`,
    );
    await until('its line in CloudWatch', async () =>
      (await logLines(`emu-shape/app/${taskId(task.taskArn)}`).catch(() => [])).some(
        (l) => l.message === 'in /tmp',
      ),
    );
    await ecs().send(new StopTaskCommand({ cluster, task: task.taskArn }));
    // a FireLens container logs to its router (not CloudWatch directly); one without logConfiguration nowhere
    for (const [family, logConfiguration] of [
      ['emu-firelens', { logDriver: 'awsfirelens' as const, options: { Name: 'cloudwatch' } }],
      ['emu-nolog-at-all', undefined],
    ] as const) {
      const quiet = await fargate(family, 'echo not shipped', { logConfiguration });
      const done = await stopped((await runTask(quiet)).taskArn ?? '');
      expect(done.containers?.[0]?.exitCode).toBe(0);
      const streams = await new CloudWatchLogsClient(awsClientConfig()).send(
        new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: family }),
      );
      expect(streams.logStreams ?? []).toEqual([]);
    }
  });

  it('an essential container that exits stops the task with its real exit code', async () => {
    const task = await stopped(
      (await runTask(await fargate('emu-exit', 'echo failing; exit 7'))).taskArn ?? '',
    );
    expect(task.stoppedReason).toBe('Essential container in task exited');
    expect(task.stopCode).toBe('EssentialContainerExited');
    expect(task.containers?.[0]?.exitCode).toBe(7);
  });

  it('a container over its memory limit is OOM-killed: exit 137 and ECS OutOfMemoryError reason', async () => {
    const definition = await fargate('emu-oom', 'exec dd if=/dev/zero of=/dev/null bs=256M count=1', {
      memory: 64,
    });
    const task = await stopped((await runTask(definition)).taskArn ?? '');
    expect(task.stoppedReason).toBe('Essential container in task exited');
    expect(task.containers?.[0]?.exitCode).toBe(137);
    expect(task.containers?.[0]?.reason).toBe('OutOfMemoryError: Container killed due to memory usage');
  });

  it.each([
    ['a tag missing from ECR', () => image.replace(':v1', ':v404'), ':v404: not found'],
    ['a repository missing from ECR', () => image.replace('testbed-app', 'no-such-repo'), 'no-such-repo:v1'],
  ])(
    'an image that cannot be pulled (%s) stops the task with CannotPullContainerError',
    async (_what, ref, detail) => {
      const definition = await fargate('emu-pull', 'true', { image: ref() });
      const task = await stopped((await runTask(definition)).taskArn ?? '');
      expect(task.stopCode).toBe('TaskFailedToStart');
      expect(task.stoppedReason).toMatch(/^CannotPullContainerError: pull image manifest has been retried/);
      expect(task.stoppedReason).toContain(detail);
      expect(task.containers?.[0]?.exitCode).toBeUndefined();
    },
  );

  it('a secret whose parameter does not exist stops the task with ResourceInitializationError', async () => {
    const definition = await fargate('emu-secret', 'true', {
      secrets: [{ name: 'GONE', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/emu/app/GONE' }],
    });
    const task = await stopped((await runTask(definition)).taskArn ?? '');
    expect(task.stopCode).toBe('TaskFailedToStart');
    expect(task.stoppedReason).toBe(
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ' +
        'unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: /emu/app/GONE',
    );
  });

  it('an awslogs group that does not exist stops the task, unless awslogs-create-group is set', async () => {
    const missing = await fargate('emu-nolog', 'true', {
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': 'emu-missing',
          'awslogs-region': 'us-east-1',
          'awslogs-stream-prefix': 'x',
        },
      },
    });
    const task = await stopped((await runTask(missing)).taskArn ?? '');
    expect(task.stoppedReason).toContain('ResourceInitializationError: failed to validate logger args');
    expect(task.stoppedReason).toContain('The specified log group does not exist.');
    const created = await fargate('emu-mklog', 'echo made', {
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': 'emu-made',
          'awslogs-region': 'us-east-1',
          'awslogs-stream-prefix': 'x',
          'awslogs-create-group': 'true',
        },
      },
    });
    expect((await stopped((await runTask(created)).taskArn ?? '')).containers?.[0]?.exitCode).toBe(0);
  });

  it('StopTask sends SIGTERM, then SIGKILL after the stop timeout; the real exit codes are reported', async () => {
    const polite = await runTask(
      await fargate('emu-polite', 'trap "echo bye; exit 0" TERM; while true; do sleep 1; done'),
    );
    const stubborn = await runTask(
      await fargate('emu-stubborn', 'trap "" TERM; while true; do sleep 1; done', { stopTimeout: 4 }),
    );
    for (const arn of [polite.taskArn, stubborn.taskArn]) {
      await until(
        `task ${arn} RUNNING`,
        async () => (await describeTask(arn ?? '')).lastStatus === 'RUNNING',
      );
    }
    const asked = Date.now();
    for (const arn of [polite.taskArn, stubborn.taskArn]) {
      const answer = await ecs().send(new StopTaskCommand({ cluster, task: arn, reason: 'test says stop' }));
      expect(answer.task?.desiredStatus).toBe('STOPPED');
    }
    const [gentle, killed] = [await stopped(polite.taskArn ?? ''), await stopped(stubborn.taskArn ?? '')];
    expect([gentle.stopCode, gentle.stoppedReason, gentle.containers?.[0]?.exitCode]).toEqual([
      'UserInitiated',
      'test says stop',
      0,
    ]);
    expect(killed.containers?.[0]?.exitCode).toBe(137);
    // stopTimeout 4 s at the testbed's timeScale (0.05) is 0.2 s; docker rounds up to whole seconds
    expect(Date.now() - asked).toBeLessThan(10_000);
  });

  it('RunTask with the EC2 launch type on a cluster without hosts fails as ECS does', async () => {
    const definition = (
      await ecs().send(
        new RegisterTaskDefinitionCommand({
          family: 'emu-ec2',
          containerDefinitions: [{ name: 'app', image, memoryReservation: 32, essential: true }],
        }),
      )
    ).taskDefinition?.taskDefinitionArn;
    await expect(
      ecs().send(new RunTaskCommand({ cluster, taskDefinition: definition, launchType: 'EC2' })),
    ).rejects.toThrow('No Container Instances were found in your cluster.');
  });

  it('an EC2 service without hosts gets ECS unable-to-place event and starts nothing', async () => {
    const definition = (
      await ecs().send(
        new RegisterTaskDefinitionCommand({
          family: 'emu-ec2-svc',
          containerDefinitions: [{ name: 'app', image, memoryReservation: 32, essential: true }],
        }),
      )
    ).taskDefinition?.taskDefinitionArn;
    await ecs().send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'homeless',
        taskDefinition: definition,
        desiredCount: 1,
        launchType: 'EC2',
      }),
    );
    const event = await until('the unable-to-place event', async () =>
      (await service('homeless')).events?.find((e) => e.message?.includes('unable to place')),
    );
    expect(event.message).toBe(
      '(service homeless) was unable to place a task because no container instance met all of its requirements. ' +
        'Reason: No Container Instances were found in your cluster. For more information, see the Troubleshooting ' +
        'section of the Amazon ECS Developer Guide.',
    );
    expect((await service('homeless')).runningCount).toBe(0);
  });

  it('rolls a service to a new task definition within maximumPercent/minimumHealthyPercent: old tasks stop only when new ones run', async () => {
    const serve = 'trap "exit 0" TERM; echo up; while true; do sleep 1; done';
    const first = await fargate('emu-roll', serve);
    await ecs().send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'roller',
        taskDefinition: first,
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: network(),
        deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
      }),
    );
    await until(
      'roller steady',
      async () => (await service('roller')).deployments?.[0]?.rolloutState === 'COMPLETED',
    );
    const second = await fargate('emu-roll', `echo v2; ${serve}`);
    await ecs().send(new UpdateServiceCommand({ cluster, service: 'roller', taskDefinition: second }));
    // sampled while rolling: never fewer than 2 running tasks (minimumHealthyPercent 100), never more than 4 (200)
    const counts: number[] = [];
    const done = await until('the rollout', async () => {
      const now = await service('roller');
      counts.push(now.runningCount ?? 0);
      return now.deployments?.length === 1 && now.deployments[0]?.rolloutState === 'COMPLETED' && now;
    });
    expect(Math.min(...counts), JSON.stringify(counts)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...counts)).toBeLessThanOrEqual(4);
    expect(done.deployments?.[0]).toMatchObject({ taskDefinition: second, runningCount: 2, desiredCount: 2 });
    expect(done.events?.[0]?.message).toBe('(service roller) has reached a steady state.');
    const running = await ecs().send(new ListTasksCommand({ cluster, serviceName: 'roller' }));
    const tasks =
      (await ecs().send(new DescribeTasksCommand({ cluster, tasks: running.taskArns }))).tasks ?? [];
    expect(tasks.map((t) => [t.lastStatus, t.taskDefinitionArn, t.group])).toEqual([
      ['RUNNING', second, 'service:roller'],
      ['RUNNING', second, 'service:roller'],
    ]);
  });

  it('the circuit breaker trips after ECS threshold (3 for a desired count of 1) and rolls back to the last completed deployment', async () => {
    const good = await fargate('emu-breaker', 'trap "exit 0" TERM; while true; do sleep 1; done');
    await ecs().send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'flaky',
        taskDefinition: good,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: network(),
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    await until(
      'flaky steady',
      async () => (await service('flaky')).deployments?.[0]?.rolloutState === 'COMPLETED',
    );
    const bad = await fargate('emu-breaker', 'true', { image: image.replace(':v1', ':never-pushed') });
    await ecs().send(new UpdateServiceCommand({ cluster, service: 'flaky', taskDefinition: bad }));
    const rolledBack = await until(
      'the rollback',
      async () => {
        const now = await service('flaky');
        return now.taskDefinition === good && now;
      },
      60_000,
    );
    const failed = rolledBack.deployments?.find((d) => d.taskDefinition === bad);
    expect(failed).toMatchObject({ status: 'ACTIVE', rolloutState: 'FAILED', failedTasks: 3 });
    expect(rolledBack.deployments?.[0]).toMatchObject({ status: 'PRIMARY', taskDefinition: good });
    expect(rolledBack.events?.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\(service flaky\) \(deployment ecs-svc\/\d+\) deployment failed: tasks failed to start\.$/,
        ),
      ]),
    );
  });

  it('a container that crashes after RUNNING is not a failed task to ECS: no failedTasks, no circuit breaker (containers-roadmap#1206)', async () => {
    const good = await fargate('emu-crashloop', 'trap "exit 0" TERM; while true; do sleep 1; done');
    await ecs().send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'crashloop',
        taskDefinition: good,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: network(),
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    await until(
      'crashloop steady',
      async () => (await service('crashloop')).deployments?.[0]?.rolloutState === 'COMPLETED',
    );
    const crashing = await fargate('emu-crashloop', 'echo starting; sleep 0.3; exit 1');
    await ecs().send(new UpdateServiceCommand({ cluster, service: 'crashloop', taskDefinition: crashing }));
    await until(
      '4 crashed tasks',
      async () => {
        const listed = await ecs().send(
          new ListTasksCommand({ cluster, serviceName: 'crashloop', desiredStatus: 'STOPPED' }),
        );
        const tasks =
          (listed.taskArns ?? []).length === 0
            ? []
            : ((await ecs().send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }))).tasks ?? []);
        return (
          tasks.filter((t) => t.taskDefinitionArn === crashing && t.stopCode === 'EssentialContainerExited')
            .length >= 4
        );
      },
      60_000,
    );
    const now = await service('crashloop');
    expect(now.taskDefinition).toBe(crashing);
    expect(now.deployments?.[0]).toMatchObject({
      taskDefinition: crashing,
      rolloutState: 'IN_PROGRESS',
      failedTasks: 0,
    });
  });

  it('a container health check (Docker HEALTHCHECK from healthCheck) that fails stops the task: Task failed container health checks', async () => {
    const definition = await fargate(
      'emu-docker-health',
      'trap "exit 0" TERM; while true; do sleep 1; done',
      {
        healthCheck: { command: ['CMD-SHELL', 'test -f /tmp/ready'], interval: 5, timeout: 2, retries: 2 },
      },
    );
    await ecs().send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'unready',
        taskDefinition: definition,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: network(),
      }),
    );
    const task = await until(
      'a task stopped for its health check',
      async () => {
        const listed = await ecs().send(
          new ListTasksCommand({ cluster, serviceName: 'unready', desiredStatus: 'STOPPED' }),
        );
        if ((listed.taskArns ?? []).length === 0) {
          return undefined;
        }
        return (await ecs().send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }))).tasks?.[0];
      },
      60_000,
    );
    expect(task.stoppedReason).toBe('Task failed container health checks');
    expect(task.containers?.[0]?.healthStatus).toBe('UNHEALTHY');
  });

  it('registers service tasks in their target group, health-checks them inside the container, and serves them on loopback', async () => {
    const elb = new ElasticLoadBalancingV2Client(awsClientConfig());
    const vpc = (
      await new EC2Client(awsClientConfig()).send(new DescribeSubnetsCommand({ SubnetIds: [subnet] }))
    ).Subnets?.[0]?.VpcId;
    const targetGroup = (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: 'emu-web',
          Protocol: 'HTTP',
          Port: 80,
          VpcId: vpc,
          TargetType: 'ip',
          HealthCheckPath: '/health',
          HealthCheckIntervalSeconds: 10,
          UnhealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups?.[0]?.TargetGroupArn;
    const balancer = (await elb.send(new CreateLoadBalancerCommand({ Name: 'emu-alb', Subnets: [subnet] })))
      .LoadBalancers?.[0];
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: balancer?.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroup }],
      }),
    );
    const web = await fargate(
      'emu-web',
      'mkdir -p /w && echo healthy > /w/health && echo "hello from $HOSTNAME" > /w/index.html && exec httpd -f -p 80 -h /w',
      {
        portMappings: [{ containerPort: 80 }],
      },
    );
    await ecs().send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'web',
        taskDefinition: web,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: network(),
        loadBalancers: [{ targetGroupArn: targetGroup, containerName: 'app', containerPort: 80 }],
      }),
    );
    const healthy = await until('a healthy target', async () => {
      const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroup }));
      return health.TargetHealthDescriptions?.find((d) => d.TargetHealth?.State === 'healthy');
    });
    expect(healthy.Target?.Port).toBe(80);
    await until(
      'web steady',
      async () => (await service('web')).deployments?.[0]?.rolloutState === 'COMPLETED',
    );
    // the listener answers on loopback with the container's own page
    const fronts = (await (await fetch(`${testbed().endpoint}/_testbed/load-balancers`)).json()) as {
      name: string;
      listeners: { port: number; loopback: string }[];
    }[];
    const loopback = fronts.find((f) => f.name === 'emu-alb')?.listeners[0]?.loopback;
    const page = await fetch(`http://${loopback}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/^hello from /);
    // a version without the health page: its target turns unhealthy and ECS replaces the task
    const sick = await fargate('emu-web', 'mkdir -p /w && exec httpd -f -p 80 -h /w', {
      portMappings: [{ containerPort: 80 }],
    });
    await ecs().send(new UpdateServiceCommand({ cluster, service: 'web', taskDefinition: sick }));
    const unhealthy = await until(
      'an unhealthy target',
      async () => {
        const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroup }));
        return health.TargetHealthDescriptions?.find((d) => d.TargetHealth?.State === 'unhealthy');
      },
      60_000,
    );
    expect(unhealthy.TargetHealth).toMatchObject({
      Reason: 'Target.ResponseCodeMismatch',
      Description: 'Health checks failed with these codes: [404]',
    });
    const replaced = await until(
      'a task stopped by its ELB health check',
      async () => {
        const listed = await ecs().send(
          new ListTasksCommand({ cluster, serviceName: 'web', desiredStatus: 'STOPPED' }),
        );
        if ((listed.taskArns ?? []).length === 0) {
          return undefined;
        }
        const tasks =
          (await ecs().send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }))).tasks ?? [];
        return tasks.find(
          (t) => t.taskDefinitionArn === sick && t.stoppedReason?.startsWith('Task failed ELB'),
        );
      },
      60_000,
    );
    expect(replaced.stoppedReason).toBe(`Task failed ELB health checks in (target-group ${targetGroup})`);
    // the healthy old task kept serving all along
    expect((await fetch(`http://${loopback}/`)).status).toBe(200);
  });

  it('failTasks (scripted, for failures no real container can produce) still fails matching tasks', async () => {
    await setEcsBehaviour({ failTasks: [{ imageContains: 'testbed-app', reason: 'pull' }] });
    try {
      const task = await stopped((await runTask(await fargate('emu-scripted', 'true'))).taskArn ?? '');
      expect(task.stoppedReason).toMatch(/^CannotPullContainerError/);
    } finally {
      await setEcsBehaviour({});
    }
  });

  it('a reset removes every container of this moto', async () => {
    await runTask(await fargate('emu-reset', 'trap "exit 0" TERM; while true; do sleep 1; done'));
    const ours = () =>
      run('docker', [
        'ps',
        '-aq',
        '--filter',
        `label=cloudlift-testbed.moto=${new URL(testbed().endpoint).port}`,
      ]).out.trim();
    await until('a container', () => Promise.resolve(ours() !== ''));
    await resetTestbed();
    expect(ours()).toBe('');
  });
});
