// releases, rollback, status and logs end to end: the real CLI process against the moto testbed, whose ECS scheduler
// runs tasks, rolls deployments and fails tasks on request. Deploys go through `deploy_service` (images already in
// ECR, so no Docker build), which records releases and takes the deploy lock.
import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { CliResult } from '../support/cli.js';
import { awsClientConfig, cliEnv, resetTestbed, setEcsBehaviour, waitUntil } from '../support/testbed.js';
import { deployableApp, describeEcsService } from './operate-fixture.js';
import type { DeployableApp } from './operate-fixture.js';

const environment = 'staging';
const lockKey = { app_environment: 'shop:staging', release: 0 };
let shop: DeployableApp;

function cloudlift(args: string[], options: { interruptAfterMs?: number } = {}): Promise<CliResult> {
  return runCli(args, { env: cliEnv(), cwd: shop.folder, ...options });
}

const scoped = (command: string, ...args: string[]): string[] => [
  command,
  '-e',
  environment,
  '--name',
  'shop',
  ...args,
];

interface ReleaseJson {
  number: number;
  kind: string;
  outcome: string;
  displayOutcome: string;
  actor: string;
  version?: string;
  rollbackOf?: number;
  reason?: string;
  serviceOutcomes?: { component: string; outcome: string; reason?: string }[];
  durationSeconds?: number;
  configVersions?: Record<string, number>;
  services: {
    component: string;
    ecsService: string;
    taskDefinition: string;
    previousTaskDefinition?: string;
  }[];
}

async function releases(): Promise<ReleaseJson[]> {
  const result = await cloudlift(scoped('releases', '--json'));
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ReleaseJson[];
}

async function runningTaskDefinitions(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [component, name] of Object.entries(shop.ecsServices)) {
    out[component] = (await describeEcsService(awsClientConfig(), shop.cluster, name)).taskDefinition ?? '';
  }
  return out;
}

const documents = (): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));

async function lockItem(): Promise<Record<string, unknown> | undefined> {
  return (await documents().send(new GetCommand({ TableName: 'cloudlift_releases', Key: lockKey }))).Item;
}

/** A lock left behind by a crashed run 10 minutes ago (it would expire in 50 minutes). */
async function plantStaleLock(): Promise<void> {
  const now = Date.now();
  await documents().send(
    new PutCommand({
      TableName: 'cloudlift_releases',
      Item: {
        ...lockKey,
        app: 'shop',
        environment,
        holder: 'arn:aws:iam::123456789012:user/crashed-ci',
        host: 'ci-runner-7 (pid 4242)',
        purpose: 'deploy_service',
        acquired_at: new Date(now - 600_000).toISOString(),
        expires_at: Math.floor((now + 3_000_000) / 1000),
        token: 'stale',
      },
    }),
  );
}

beforeAll(async () => {
  await resetTestbed();
  shop = await deployableApp(awsClientConfig(), {
    app: 'shop',
    environment,
    components: ['Web', 'Worker'],
    tags: ['v1', 'v2', 'v3', 'crash'],
  });
});

afterEach(async () => {
  await setEcsBehaviour({});
});

describe('an environment that does not exist', () => {
  it('releases and rollback say so in one line with the create_environment hint, and write nothing', async () => {
    for (const command of ['releases', 'rollback']) {
      for (const extra of [[], ['--json']]) {
        const result = await cloudlift([command, '-e', 'nowhere', '--name', 'shop', ...extra]);
        expect(result.code, result.stderr).toBe(1);
        const errors = result.stderr.split('\n').filter((line) => line.startsWith('✘'));
        expect(errors).toEqual([
          '✘ Environment "nowhere" not found (looked in environment_configurations, region us-east-1)',
        ]);
        expect(result.stderr).toContain('→ Create it with `cloudlift create_environment -e nowhere`');
        expect(result.stderr).not.toContain('No releases');
        expect(result.stdout).toBe('');
      }
    }
    // No AWS write: the ledger table (created by the first release or lock) does not exist yet.
    await expect(
      new DynamoDBClient(awsClientConfig()).send(
        new DescribeTableCommand({ TableName: 'cloudlift_releases' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('nothing to roll back to', () => {
  it('an app with no releases: says so, names the deploy to run instead, changes nothing', async () => {
    const result = await cloudlift(['rollback', '-e', environment, '--name', 'cart']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(
      '✘ Nothing to roll back to: no releases of cart in staging are recorded yet; nothing was changed',
    );
    expect(result.stderr).toContain(
      '→ Deploy a version you know works instead: cloudlift deploy_service -e staging --name cart --version <sha>',
    );
    expect(result.stderr).not.toContain('pick one with --to N');
    // Nothing written: the ledger table (made by the first release or lock) still does not exist.
    await expect(
      new DynamoDBClient(awsClientConfig()).send(
        new DescribeTableCommand({ TableName: 'cloudlift_releases' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('release ledger', () => {
  it('records every deploy: two deploys show up in `releases`, newest first', async () => {
    const empty = await cloudlift(scoped('releases'));
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain('No releases of shop in staging are recorded yet.');

    for (const version of ['v1', 'v2']) {
      const deploy = await cloudlift(scoped('deploy_service', '--version', version));
      expect(deploy.code, deploy.stderr).toBe(0);
      if (version === 'v1') {
        // One release and nothing before it: nothing to roll back to, and nothing is recorded or locked.
        const rollback = await cloudlift(scoped('rollback'));
        expect(rollback.code, rollback.stderr).toBe(1);
        expect(rollback.stderr).toContain(
          '✘ Nothing to roll back to: no successful release of shop in staging before v1; nothing was changed',
        );
        expect(rollback.stderr).toContain(
          '→ Deploy a version you know works instead: cloudlift deploy_service -e staging --name shop --version <sha>',
        );
        expect(await lockItem()).toBeUndefined();
      }
    }
    const ledger = await releases();
    expect(ledger.map((r) => [r.number, r.kind, r.version, r.outcome])).toEqual([
      [2, 'deploy', 'v2', 'succeeded'],
      [1, 'deploy', 'v1', 'succeeded'],
    ]);
    const running = await runningTaskDefinitions();
    expect(Object.fromEntries(ledger[0]?.services.map((s) => [s.component, s.taskDefinition]) ?? [])).toEqual(
      running,
    );
    expect(ledger[0]?.services.map((s) => s.previousTaskDefinition)).toEqual(
      ledger[1]?.services.map((s) => s.taskDefinition),
    );
    // Task definitions as registered: full ARNs with their revision (a family name alone would mean "latest").
    for (const release of ledger) {
      for (const service of release.services) {
        expect(service.taskDefinition).toMatch(
          new RegExp(`^arn:aws:ecs:us-east-1:123456789012:task-definition/${service.component}Family:\\d+$`),
        );
      }
    }
    expect(ledger[0]?.services[0]?.taskDefinition).not.toBe(ledger[1]?.services[0]?.taskDefinition);
    expect(ledger[0]?.actor).toBe('arn:aws:sts::123456789012:user/moto');
    expect(ledger[0]?.configVersions).toEqual({});
    expect(ledger[0]?.durationSeconds).toBeGreaterThan(0);
    expect(await lockItem()).toBeUndefined();

    const again = await cloudlift(scoped('deploy_service', '--version', 'v2'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('Nothing to deploy');
    expect((await releases()).length).toBe(2); // a deploy with nothing to do is not a release

    const table = await cloudlift(scoped('releases'));
    expect(table.stdout).toMatch(
      /│ v2 +│ .* │ moto +│ deploy +│ v2 +│ Web: WebFamily:\d+ +│ none +│ succeeded +│/,
    );
    expect(table.stdout).toMatch(/│ v1 +│/);
  });

  it('rolls back to the release before the latest, records release 3 and prints the undo command', async () => {
    const before = await releases();
    const result = await cloudlift(scoped('rollback'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Rolling shop in staging back to release v1');
    expect(result.stderr).toContain(
      'Undo this rollback with: cloudlift rollback -e staging --name shop --to 2',
    );
    expect(result.stderr).toContain('recorded as release v3');
    // One verdict line per service (it was printed twice).
    expect(result.stderr.match(/│ ✔ deployed/g)).toHaveLength(2);

    const first = Object.fromEntries(before[1]?.services.map((s) => [s.component, s.taskDefinition]) ?? []);
    expect(await runningTaskDefinitions()).toEqual(first);
    const ledger = await releases();
    expect(ledger[0]).toMatchObject({
      number: 3,
      kind: 'rollback',
      rollbackOf: 1,
      version: 'v1',
      outcome: 'succeeded',
    });
    expect(ledger[0]?.services.map((s) => s.previousTaskDefinition)).toEqual(
      before[0]?.services.map((s) => s.taskDefinition),
    );
    expect(ledger[0]?.serviceOutcomes).toEqual([
      { component: 'Web', outcome: 'succeeded' },
      { component: 'Worker', outcome: 'succeeded' },
    ]);
  });

  it('refuses an unknown or malformed --to before changing anything', async () => {
    const missing = await cloudlift(scoped('rollback', '--to', '9'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('✘ Release v9 of shop in staging does not exist');
    const malformed = await cloudlift(scoped('rollback', '--to', 'latest'));
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--to latest is not a release number');
    expect((await releases()).length).toBe(3);
  });
});

describe('deploy lock', () => {
  it('stops a second deploy while one runs, naming who holds it', async () => {
    await setEcsBehaviour({ pendingSeconds: 3 });
    const first = cloudlift(scoped('deploy_service', '--version', 'v2'));
    await waitUntil('the first deploy to take the lock', async () => (await lockItem()) !== undefined, {
      timeoutMs: 30_000,
    });
    const second = await cloudlift(scoped('deploy_service', '--version', 'v3'));
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      /✘ Another deploy_service of shop to staging is running: started by arn:aws:sts::123456789012:user\/moto on .+ \(pid \d+\) at \S+ \(\d+s ago\); nothing was changed/,
    );
    expect(second.stderr).toContain('--force-unlock');
    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    expect(await lockItem()).toBeUndefined();
    expect((await releases()).map((r) => r.version)).toEqual(['v2', 'v1', 'v2', 'v1']);
  });

  it('breaks a stale lock only with --force-unlock', async () => {
    await plantStaleLock();
    const blocked = await cloudlift(scoped('rollback'));
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(
      'started by arn:aws:iam::123456789012:user/crashed-ci on ci-runner-7 (pid 4242)',
    );
    expect(blocked.stderr).toContain('(10m 0');
    const forced = await cloudlift(scoped('rollback', '--force-unlock'));
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain(
      '! --force-unlock: broke the deploy lock of shop in staging held by arn:aws:iam::123456789012:user/crashed-ci',
    );
    expect(await lockItem()).toBeUndefined();
  });

  it('deploy_service breaks a stale lock with --force-unlock (the flag its lock message names)', async () => {
    await plantStaleLock();
    const blocked = await cloudlift(scoped('deploy_service', '--version', 'v3'));
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('to break it now, add --force-unlock');
    const forced = await cloudlift(scoped('deploy_service', '--version', 'v3', '--force-unlock'));
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain(
      '! --force-unlock: broke the deploy lock of shop in staging held by arn:aws:iam::123456789012:user/crashed-ci',
    );
    expect(await lockItem()).toBeUndefined();
    expect((await releases())[0]).toMatchObject({ kind: 'deploy', version: 'v3', outcome: 'succeeded' });
  });
});

describe('a failed deploy', () => {
  it('is recorded as failed, shows in status with the stopped tasks, and rollback skips it', async () => {
    await setEcsBehaviour({ failTasks: [{ imageContains: 'crash', reason: 'exit' }] });
    const deploy = await cloudlift(scoped('deploy_service', '--version', 'crash', '--max-failed-tasks', '2'));
    expect(deploy.code).toBe(3);
    const ledger = await releases();
    const lastGood = ledger.find((r) => r.number < (ledger[0]?.number ?? 0) && r.outcome === 'succeeded');
    expect(deploy.stderr).toContain(
      `To go back now to the last good release (v${lastGood?.number ?? '?'}): \`cloudlift rollback -e staging --name shop\`.`,
    );
    expect(deploy.stderr).not.toContain('aws ecs update-service');
    expect(ledger[0]).toMatchObject({ kind: 'deploy', version: 'crash', outcome: 'failed' });
    expect(ledger[0]?.reason).toContain('Deployment of shop to staging failed');
    // Which service failed and why, per service, in the record and in the table.
    expect(ledger[0]?.serviceOutcomes).toEqual([
      {
        component: 'Web',
        outcome: 'failed',
        reason: expect.stringContaining('container WebContainer exited with code 1') as unknown,
      },
      {
        component: 'Worker',
        outcome: 'failed',
        reason: expect.stringContaining('container WorkerContainer exited with code 1') as unknown,
      },
    ]);
    const table = await cloudlift(scoped('releases', '--limit', '1'));
    expect(table.stdout).toMatch(/│ failed +│/);
    expect(table.stdout).toMatch(/│ Web: container WebContainer exited with code 1;\.\.\. +│/);
    expect(table.stdout).toMatch(/│ Worker: container WorkerContainer exited with code\.\.\. +│/);

    const status = await cloudlift(scoped('status', '--json'));
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout) as {
      components: {
        component: string;
        health: string;
        stoppedTasks: { isFailure: boolean; summary: string }[];
      }[];
    };
    const web = report.components.find((c) => c.component === 'Web');
    expect(web?.health).toBe('deploying');
    expect(web?.stoppedTasks.filter((t) => t.isFailure).map((t) => t.summary)).toContain(
      'container WebContainer exited with code 1',
    );

    await setEcsBehaviour({});
    const back = await cloudlift(scoped('rollback'));
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toContain(`back to release v${lastGood?.number ?? '?'}`);
    // The failed release recorded the revisions it registered; the rollback restored exactly the good ones.
    const byComponent = (release: ReleaseJson | undefined) =>
      Object.fromEntries(release?.services.map((s) => [s.component, s.taskDefinition]) ?? []);
    expect(Object.keys(byComponent(ledger[0]))).toEqual(['Web', 'Worker']);
    expect(await runningTaskDefinitions()).toEqual(byComponent(lastGood));
    expect(byComponent(lastGood)).not.toEqual(byComponent(ledger[0]));

    // Back to the failed release's revisions, which work now: their tasks that crashed in the earlier rollout (ECS
    // still lists them as stopped) are not failures of this one.
    const forward = await cloudlift(
      scoped('rollback', '--to', String(ledger[0]?.number ?? 0), '--max-failed-tasks', '2'),
    );
    expect(forward.code, forward.stderr).toBe(0);
    expect(forward.stderr).not.toContain('✘ task');
    expect(await runningTaskDefinitions()).toEqual(byComponent(ledger[0]));
  });
});

describe('the undo command of a rollback', () => {
  it('latest release failed before registering: the undo goes back to what ran, not to that release', async () => {
    const before = await releases();
    const running = before.find((r) => r.outcome === 'succeeded');
    expect(Object.fromEntries(running?.services.map((s) => [s.component, s.taskDefinition]) ?? [])).toEqual(
      await runningTaskDefinitions(),
    );
    // A deploy whose image build failed: recorded as failed, with no task definitions.
    const failed = (before[0]?.number ?? 0) + 1;
    await documents().send(
      new PutCommand({
        TableName: 'cloudlift_releases',
        Item: {
          app_environment: 'shop:staging',
          release: failed,
          app: 'shop',
          environment,
          kind: 'deploy',
          outcome: 'failed',
          started_at: new Date().toISOString(),
          actor: 'arn:aws:iam::123456789012:user/bob',
          services: [],
          version: 'broken-build',
          reason: 'docker build exited with status 1',
        },
      }),
    );
    const result = await cloudlift(scoped('rollback', '--to', '1'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `Undo this rollback with: cloudlift rollback -e staging --name shop --to ${running?.number ?? '?'}`,
    );
    expect(result.stderr).not.toContain(`--to ${failed}`);
  });
});

describe('status', () => {
  it('shows counts, the deployed release and image, events, and drift as unknown (moto has no drift API)', async () => {
    const ledger = await releases();
    const result = await cloudlift(scoped('status'));
    expect(result.code, result.stderr).toBe(0);
    const web = shop.ecsServices.Web ?? '';
    expect(result.stdout).toContain(`Web (${web}): healthy`);
    expect(result.stdout).toContain('  tasks:       1/1 running, 0 pending');
    expect(result.stdout).toMatch(
      new RegExp(`deployed: +WebFamily:\\d+ \\(release v${ledger[0]?.number ?? '?'}\\)`),
    );
    expect(result.stdout).toContain(`image:       ${shop.repositoryUri}:`);
    expect(result.stdout).toContain('has reached a steady state.');
    expect(result.stdout).toContain(
      'stack shop-staging: drift unknown (the CloudFormation endpoint does not support drift detection (HTTP 500))',
    );
    const skipped = await cloudlift(scoped('status', '--no-drift', '--json'));
    expect(JSON.parse(skipped.stdout)).toMatchObject({
      stackName: 'shop-staging',
      drift: { state: 'not-checked' },
    });
  });

  it('says which command creates a missing service', async () => {
    const result = await runCli(['status', '-e', environment, '--name', 'nothing'], {
      env: cliEnv(),
      cwd: shop.folder,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '✘ No service nothing in staging: stack nothing-staging does not exist in us-east-1',
    );
    expect(result.stderr).toContain('`cloudlift create_service -e staging --name nothing`');
    expect(result.stderr).toContain("--name defaults to this folder's name");
  });
});

describe('logs', () => {
  const logs = (): CloudWatchLogsClient => new CloudWatchLogsClient(awsClientConfig());
  const taskA = 'aaaaaaaa11111111aaaaaaaa11111111';
  const taskB = 'bbbbbbbb22222222bbbbbbbb22222222';
  const taskC = 'cccccccc33333333cccccccc33333333';

  async function put(stream: string, events: [ago: number, message: string][]): Promise<void> {
    await logs()
      .send(new CreateLogStreamCommand({ logGroupName: 'staging-logs', logStreamName: stream }))
      .catch((error: unknown) => {
        if ((error as { name?: string }).name !== 'ResourceAlreadyExistsException') {
          throw error;
        }
      });
    const now = Date.now();
    await logs().send(
      new PutLogEventsCommand({
        logGroupName: 'staging-logs',
        logStreamName: stream,
        logEvents: events.map(([ago, message]) => ({ timestamp: now - ago, message })),
      }),
    );
  }

  beforeAll(async () => {
    await put(`Web/WebContainer/${taskA}`, [
      [240_000, 'web a booting'],
      [120_000, 'web a GET /'],
    ]);
    await put(`Web/WebContainer/${taskB}`, [[180_000, 'web b booting']]);
    await put(`Worker/WorkerContainer/${taskC}`, [[150_000, 'worker c job 1\n']]);
    await put(`Other/OtherContainer/${taskC}`, [[100_000, 'another app']]);
    await put(`Web/WebContainer/${taskA}`, [[3_600_000 * 3, 'three hours ago']]);
  });

  it('interleaves every component by time with the task id in front', async () => {
    const result = await cloudlift(scoped('logs'));
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.replace(/^\S+ /, ''))).toEqual([
      'Web/aaaaaaaa web a booting',
      'Web/bbbbbbbb web b booting',
      'Worker/cccccccc worker c job 1',
      'Web/aaaaaaaa web a GET /',
    ]);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
  });

  it('filters by component (any case) and --since, and prints JSON lines', async () => {
    const worker = await cloudlift(scoped('logs', '--component', 'worker', '--json'));
    expect(worker.code, worker.stderr).toBe(0);
    expect(
      worker.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([expect.objectContaining({ component: 'Worker', taskId: taskC, message: 'worker c job 1' })]);
    const recent = await cloudlift(scoped('logs', '--since', '150s'));
    expect(recent.stdout).toContain('web a GET /');
    expect(recent.stdout).not.toContain('booting');
    const old = await cloudlift(scoped('logs', '--since', '4h', '--component', 'Web'));
    expect(old.stdout).toContain('three hours ago');
    const unknown = await cloudlift(scoped('logs', '--component', 'api'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Components: Web, Worker');
    const badSince = await cloudlift(scoped('logs', '--since', 'yesterday'));
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since "yesterday" is neither a duration');
  });

  it('follows new lines until Ctrl-C, then exits 0', async () => {
    const following = cloudlift(scoped('logs', '--follow', '--since', '1m'), { interruptAfterMs: 7000 });
    await new Promise((resolve) => setTimeout(resolve, 3500));
    await put(`Web/WebContainer/${taskB}`, [[0, 'web b new line']]);
    const result = await following;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Following the logs of Web, Worker in staging-logs (Ctrl-C to stop)...');
    expect(
      result.stdout
        .trimEnd()
        .split('\n')
        .filter((line) => line.includes('web b new line')),
    ).toHaveLength(1);
  });
});
