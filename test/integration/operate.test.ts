// releases, rollback, status and logs end to end: the real CLI process against the testbed, on an app made the way a
// user makes one (create_environment, edit_config, create_service from a real configuration: a web service behind
// its own ALB and a worker), whose versions are commits of its folder built and pushed by `deploy_service`. ECS runs
// them as real containers: what `releases`, `rollback`, `status` and `logs` report is what those containers did
// (a start line per task, a crash of their own, a SIGTERM line when a rollout replaces them). The file is one
// scenario, in order: each describe block continues from the state the previous one left.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { CliResult } from '../support/cli.js';
import {
  commit,
  createEnvironment,
  ecsServiceOf,
  prepareApp,
  removeLocalImages,
  setBehaviour,
  webService,
  workerService,
} from '../support/deploy-fixture.js';
import type { PreparedApp } from '../support/deploy-fixture.js';
import {
  awsClientConfig,
  cliEnv,
  dockerTestsRequired,
  resetTestbed,
  testbed,
  waitUntil,
} from '../support/testbed.js';

const environment = 'staging';
const cluster = `cluster-${environment}`;
const lockKey = { app_environment: 'shop:staging', release: 0 };
const components = ['Web', 'Worker'] as const;
let shop: PreparedApp;
/** Commit sha of each version of the app folder, by the VERSION it prints (`app: starting v2 on port 80`). */
const shas: Record<string, string> = {};

function cloudlift(args: string[], options: { interruptAfterMs?: number } = {}): Promise<CliResult> {
  return runCli(args, {
    env: cliEnv({ CLOUDLIFT_POLL_INTERVAL_MS: '300' }),
    cwd: shop.dir,
    timeoutMs: 170_000,
    ...options,
  });
}

const scoped = (command: string, ...args: string[]): string[] => [
  command,
  '-e',
  environment,
  '--name',
  'shop',
  ...args,
];

/** Commits the next version of the app: the image's start line says `version`. */
function newVersion(version: string, change: () => void = () => undefined): string {
  writeFileSync(join(shop.dir, 'VERSION'), `${version}\n`);
  change();
  const sha = commit(shop.dir, version);
  shas[version] = sha;
  return sha;
}

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

const byComponent = (release: ReleaseJson | undefined): Record<string, string> =>
  Object.fromEntries(release?.services.map((s) => [s.component, s.taskDefinition]) ?? []);

/** Component → the task definition its ECS service runs (DescribeServices). */
async function runningTaskDefinitions(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const component of components) {
    out[component] = (await ecsServiceOf('shop', environment, component)).service?.taskDefinition ?? '';
  }
  return out;
}

async function ecs() {
  const sdk = await import('@aws-sdk/client-ecs');
  return { sdk, client: new sdk.ECSClient(awsClientConfig()) };
}

/** Ids of the tasks of a component whose desired status is RUNNING (ListTasks, as ECS lists them). */
async function taskIds(component: string): Promise<string[]> {
  const { name } = await ecsServiceOf('shop', environment, component);
  const { sdk, client } = await ecs();
  const listed = await client.send(new sdk.ListTasksCommand({ cluster, serviceName: name }));
  return (listed.taskArns ?? []).map((arn) => arn.slice(arn.lastIndexOf('/') + 1));
}

/** What one task's main container printed, as the awslogs driver shipped it (`<Svc>/<Svc>Container/<task id>`);
 * nothing yet when the stream does not exist. */
async function printed(component: string, taskId: string): Promise<string[]> {
  const sdk = await import('@aws-sdk/client-cloudwatch-logs');
  const answer = await new sdk.CloudWatchLogsClient(awsClientConfig())
    .send(
      new sdk.GetLogEventsCommand({
        logGroupName: `${environment}-logs`,
        logStreamName: `${component}/${component}Container/${taskId}`,
        startFromHead: true,
      }),
    )
    .catch((error: unknown) => {
      if (error instanceof sdk.ResourceNotFoundException) {
        return { events: [] };
      }
      throw error;
    });
  return (answer.events ?? []).map((event) => (event.message ?? '').trimEnd());
}

/** Every running task of both components printed the start line of `version` (and nothing went wrong in it). */
async function expectRunning(version: string): Promise<void> {
  for (const component of components) {
    const ids = await taskIds(component);
    expect(ids, component).toHaveLength(1);
    for (const id of ids) {
      const lines = await waitUntil(`the start line of task ${id}`, async () => {
        const got = await printed(component, id);
        return got.length > 0 ? got : undefined;
      });
      expect(lines[0], `${component} task ${id}`).toBe(`app: starting ${version} on port 80`);
      expect(lines.join('\n')).not.toContain('boom');
    }
  }
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

async function expectNoLedgerTable(): Promise<void> {
  await expect(
    new DynamoDBClient(awsClientConfig()).send(new DescribeTableCommand({ TableName: 'cloudlift_releases' })),
  ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
}

describe.skipIf(!dockerTestsRequired())('releases, rollback, status and logs of a real app', () => {
  beforeAll(async () => {
    await resetTestbed();
    await createEnvironment(environment);
    shop = await prepareApp('shop', environment, {
      config: { Web: webService('shop'), Worker: workerService() },
    });
    shas.v1 = shop.sha;
  });

  afterAll(() => {
    removeLocalImages(['shop', 'other'], { ...process.env, ...cliEnv() });
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
      // No AWS write: the ledger table (created by the first release or lock) does not exist yet, although
      // create_environment, edit_config and create_service have run.
      await expectNoLedgerTable();
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
      await expectNoLedgerTable();
    });
  });

  describe('release ledger', () => {
    it('records every deploy: two deploys show up in `releases`, newest first', async () => {
      const empty = await cloudlift(scoped('releases'));
      expect(empty.code).toBe(0);
      expect(empty.stderr).toContain('No releases of shop in staging are recorded yet.');

      const first = await cloudlift(scoped('deploy_service'));
      expect(first.code, first.stderr).toBe(0);
      await expectRunning('v1');
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

      newVersion('v2');
      const second = await cloudlift(scoped('deploy_service'));
      expect(second.code, second.stderr).toBe(0);
      await expectRunning('v2');

      const ledger = await releases();
      expect(ledger.map((r) => [r.number, r.kind, r.version, r.outcome])).toEqual([
        [2, 'deploy', shas.v2, 'succeeded'],
        [1, 'deploy', shas.v1, 'succeeded'],
      ]);
      expect(byComponent(ledger[0])).toEqual(await runningTaskDefinitions());
      expect(ledger[0]?.services.map((s) => s.previousTaskDefinition)).toEqual(
        ledger[1]?.services.map((s) => s.taskDefinition),
      );
      // Task definitions as registered: full ARNs with their revision (a family name alone would mean "latest").
      for (const release of ledger) {
        for (const service of release.services) {
          expect(service.taskDefinition).toMatch(
            new RegExp(
              `^arn:aws:ecs:us-east-1:123456789012:task-definition/${service.component}Family:\\d+$`,
            ),
          );
        }
      }
      expect(ledger[0]?.services[0]?.taskDefinition).not.toBe(ledger[1]?.services[0]?.taskDefinition);
      expect(ledger[0]?.actor).toBe('arn:aws:sts::123456789012:user/moto');
      // The Parameter Store versions the release ran with (PORT, set once by edit_config).
      expect(ledger[0]?.configVersions).toEqual({ PORT: 1 });
      expect(ledger[0]?.durationSeconds).toBeGreaterThan(0);
      expect(await lockItem()).toBeUndefined();

      const again = await cloudlift(scoped('deploy_service'));
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('Nothing to deploy');
      expect((await releases()).length).toBe(2); // a deploy with nothing to do is not a release

      const table = await cloudlift(scoped('releases'));
      expect(table.stdout).toMatch(
        new RegExp(
          `│ v2 +│ .* │ moto +│ deploy +│ ${(shas.v2 ?? '').slice(0, 12)} +│ Web: WebFamily:\\d+ +│ \\S+ +│ succeeded +│`,
        ),
      );
      expect(table.stdout).toMatch(new RegExp(`│ v1 +│ .* │ ${(shas.v1 ?? '').slice(0, 12)} +│`));
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

      expect(await runningTaskDefinitions()).toEqual(byComponent(before[1]));
      // The containers ECS started for the rollback run release 1's image.
      await expectRunning('v1');
      const ledger = await releases();
      expect(ledger[0]).toMatchObject({
        number: 3,
        kind: 'rollback',
        rollbackOf: 1,
        version: shas.v1,
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
      // v3 warms up for 2 s before it serves: its deploy (build, push, roll-out) holds the lock a while.
      newVersion('v3', () => setBehaviour(shop.dir, 'slow', '2'));
      const first = cloudlift(scoped('deploy_service'));
      await waitUntil('the first deploy to take the lock', async () => (await lockItem()) !== undefined, {
        timeoutMs: 30_000,
        intervalMs: 50,
      });
      // A version that runs neither before nor after the first deploy, so the second one has work to do.
      const second = await cloudlift(scoped('deploy_service', '--version', shas.v2 ?? ''));
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        /✘ Another deploy_service of shop to staging is running: started by arn:aws:sts::123456789012:user\/moto on .+ \(pid \d+\) at \S+ \(\d+s ago\); nothing was changed/,
      );
      expect(second.stderr).toContain('--force-unlock');
      const done = await first;
      expect(done.code, done.stderr).toBe(0);
      expect(await lockItem()).toBeUndefined();
      expect((await releases()).map((r) => r.version)).toEqual([shas.v3, shas.v1, shas.v2, shas.v1]);
      await expectRunning('v3');
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
      await expectRunning('v1');
    });

    it('deploy_service breaks a stale lock with --force-unlock (the flag its lock message names)', async () => {
      await plantStaleLock();
      const blocked = await cloudlift(scoped('deploy_service', '--version', shas.v2 ?? ''));
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toContain('to break it now, add --force-unlock');
      const forced = await cloudlift(scoped('deploy_service', '--version', shas.v2 ?? '', '--force-unlock'));
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stderr).toContain(
        '! --force-unlock: broke the deploy lock of shop in staging held by arn:aws:iam::123456789012:user/crashed-ci',
      );
      expect(await lockItem()).toBeUndefined();
      expect((await releases())[0]).toMatchObject({ kind: 'deploy', version: shas.v2, outcome: 'succeeded' });
      await expectRunning('v2');
    });
  });

  describe('a failed deploy', () => {
    it('is recorded as failed, shows in status with the stopped tasks, and rollback skips it', async () => {
      // v4 needs CACHE_URL and exits 1 at start unless it is a URL; it is set without the scheme.
      newVersion('v4', () => {
        setBehaviour(shop.dir, 'slow');
        setBehaviour(shop.dir, 'needs-url', 'CACHE_URL');
        appendFileSync(join(shop.dir, 'env.sample'), 'CACHE_URL=redis://localhost:6379\n');
      });
      const set = await cloudlift(scoped('edit_config', '--set', 'CACHE_URL=cache.internal:6379', '--yes'));
      expect(set.code, set.stderr).toBe(0);
      const deploy = await cloudlift(scoped('deploy_service', '--max-failed-tasks', '2'));
      expect(deploy.code, deploy.stderr).toBe(3);
      expect(deploy.stderr).toContain('boom: CACHE_URL is not a URL'); // the container's own last line
      const ledger = await releases();
      const lastGood = ledger.find((r) => r.number < (ledger[0]?.number ?? 0) && r.outcome === 'succeeded');
      expect(deploy.stderr).toContain(
        `To go back now to the last good release (v${lastGood?.number ?? '?'}): \`cloudlift rollback -e staging --name shop\`.`,
      );
      expect(deploy.stderr).not.toContain('aws ecs update-service');
      expect(ledger[0]).toMatchObject({ kind: 'deploy', version: shas.v4, outcome: 'failed' });
      expect(ledger[0]?.reason).toContain('Deployment of shop to staging failed');
      // Which service failed and why, per service, in the record and in the table. Both crash (the worker runs the
      // same image): a crash loop never reaches a steady state, so ECS never completes the worker's rollout either.
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
          stoppedTasks: { taskId: string; isFailure: boolean; summary: string }[];
        }[];
      };
      const web = report.components.find((c) => c.component === 'Web');
      expect(web?.health).toBe('deploying');
      const crashed = web?.stoppedTasks.filter((t) => t.isFailure) ?? [];
      expect(crashed.map((t) => t.summary)).toContain('container WebContainer exited with code 1');
      // Those are the tasks whose container printed the crash.
      expect(await printed('Web', crashed[0]?.taskId ?? '')).toEqual([
        'app: starting v4 on port 80',
        'boom: CACHE_URL is not a URL',
      ]);

      const back = await cloudlift(scoped('rollback'));
      expect(back.code, back.stderr).toBe(0);
      expect(back.stderr).toContain(`back to release v${lastGood?.number ?? '?'}`);
      expect(back.stderr).toContain(`1 variable(s) changed since v${lastGood?.number ?? '?'} (CACHE_URL)`);
      // The failed release recorded the revisions it registered; the rollback restored exactly the good ones.
      expect(Object.keys(byComponent(ledger[0]))).toEqual(['Web', 'Worker']);
      expect(await runningTaskDefinitions()).toEqual(byComponent(lastGood));
      expect(byComponent(lastGood)).not.toEqual(byComponent(ledger[0]));
      await expectRunning('v2');

      // CACHE_URL fixed: the failed release's revisions work now (tasks read today's values). Back to them: their
      // tasks that crashed in the earlier rollout (ECS still lists them as stopped) are not failures of this one.
      const fix = await cloudlift(
        scoped('edit_config', '--set', 'CACHE_URL=redis://cache.internal:6379', '--yes'),
      );
      expect(fix.code, fix.stderr).toBe(0);
      const failed = ledger[0]?.number ?? 0;
      const forward = await cloudlift(scoped('rollback', '--to', String(failed), '--max-failed-tasks', '2'));
      expect(forward.code, forward.stderr).toBe(0);
      expect(forward.stderr).toContain(`1 variable(s) changed since v${failed} (CACHE_URL)`);
      expect(forward.stderr).not.toContain('✘ task');
      expect(await runningTaskDefinitions()).toEqual(byComponent(ledger[0]));
      await expectRunning('v4');
    });
  });

  describe('the undo command of a rollback', () => {
    it('latest release failed before registering: the undo goes back to what ran, not to that release', async () => {
      const before = await releases();
      const running = before.find((r) => r.outcome === 'succeeded');
      expect(byComponent(running)).toEqual(await runningTaskDefinitions());
      // A deploy whose image build fails: recorded as failed, with no task definitions.
      newVersion('v5', () => appendFileSync(join(shop.dir, 'Dockerfile'), 'COPY no-such-file /app/\n'));
      const build = await cloudlift(scoped('deploy_service'));
      expect(build.code).toBe(1);
      expect(build.stderr).toContain('✘ docker build failed: COPY failed: file not found in build context');
      const failed = (await releases())[0];
      expect(failed).toMatchObject({
        number: (before[0]?.number ?? 0) + 1,
        version: shas.v5,
        outcome: 'failed',
      });
      expect(failed?.services).toEqual([]);
      expect(failed?.reason).toContain('docker build failed');

      const result = await cloudlift(scoped('rollback', '--to', '1'));
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(
        `Undo this rollback with: cloudlift rollback -e staging --name shop --to ${running?.number ?? '?'}`,
      );
      expect(result.stderr).not.toContain(`--to ${failed?.number ?? '?'}`);
      await expectRunning('v1');
    });
  });

  describe('status', () => {
    it('shows counts, the deployed release and image, events, and drift as unknown (moto has no drift API)', async () => {
      const ledger = await releases();
      const result = await cloudlift(scoped('status'));
      expect(result.code, result.stderr).toBe(0);
      const { name: web } = await ecsServiceOf('shop', environment, 'Web');
      expect(result.stdout).toContain(`Web (${web}): healthy`);
      expect(result.stdout).toContain('  tasks:       1/1 running, 0 pending');
      expect(result.stdout).toMatch(
        new RegExp(`deployed: +WebFamily:\\d+ \\(release v${ledger[0]?.number ?? '?'}\\)`),
      );
      expect(result.stdout).toContain(`image:       ${testbed().registryHost}/shop-repo:${shas.v1 ?? '?'}`);
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
      const result = await cloudlift(['status', '-e', environment, '--name', 'nothing']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        '✘ No service nothing in staging: stack nothing-staging does not exist in us-east-1',
      );
      expect(result.stderr).toContain('`cloudlift create_service -e staging --name nothing`');
      expect(result.stderr).toContain("--name defaults to this folder's name");
    });
  });

  describe('logs', () => {
    /** Another app in the same log group, whose only service is named like a longer `Web` (`WebJob/...` streams). */
    let other: PreparedApp;
    const oldStream = 'Web/WebContainer/0123abcd-0000-4000-8000-000000000000';

    /** `<ISO time> <Svc>/<8 chars of the task id> <message>` */
    const linePattern = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\w+)\/([0-9a-f-]{8}) (.*)$/;

    /** Stops the running Worker task (as `aws ecs stop-task` does); ECS replaces it. Returns the old and new ids. */
    async function replaceWorkerTask(): Promise<{ stopped: string; started: Promise<string> }> {
      const [stopped = ''] = await taskIds('Worker');
      const { sdk, client } = await ecs();
      await client.send(
        new sdk.StopTaskCommand({ cluster, task: stopped, reason: 'replaced by the logs test' }),
      );
      const started = waitUntil('a new Worker task that printed its start line', async () => {
        const [id] = (await taskIds('Worker')).filter((candidate) => candidate !== stopped);
        return id !== undefined && (await printed('Worker', id)).length > 0 ? id : undefined;
      });
      return { stopped, started };
    }

    beforeAll(async () => {
      other = await prepareApp('other', environment, { config: { WebJob: workerService() } });
      writeFileSync(join(other.dir, 'VERSION'), 'other-v1\n');
      commit(other.dir, 'other-v1');
      const deploy = await runCli(['deploy_service', '-e', environment], {
        env: cliEnv({ CLOUDLIFT_POLL_INTERVAL_MS: '300' }),
        cwd: other.dir,
        timeoutMs: 170_000,
      });
      expect(deploy.code, deploy.stderr).toBe(0);
      // Put by hand: a line three hours old, which no container of this test run can have written.
      const sdk = await import('@aws-sdk/client-cloudwatch-logs');
      const logs = new sdk.CloudWatchLogsClient(awsClientConfig());
      await logs.send(
        new sdk.CreateLogStreamCommand({ logGroupName: `${environment}-logs`, logStreamName: oldStream }),
      );
      await logs.send(
        new sdk.PutLogEventsCommand({
          logGroupName: `${environment}-logs`,
          logStreamName: oldStream,
          logEvents: [{ timestamp: Date.now() - 3 * 3_600_000, message: 'three hours ago' }],
        }),
      );
    });

    it('interleaves every component by time with the task id in front, and only this app', async () => {
      const result = await cloudlift(scoped('logs'));
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      const parsed = lines.map((line) => linePattern.exec(line));
      expect(parsed.filter((match) => match === null).length, result.stdout).toBe(0);
      const times = parsed.map((match) => Date.parse(match?.[1] ?? ''));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const sources = parsed.map((match) => match?.[2]);
      expect(new Set(sources)).toEqual(new Set(['Web', 'Worker']));
      // Interleaved, not one component after the other: every rollout started a Web and a Worker task.
      expect(sources.indexOf('Worker')).toBeLessThan(sources.lastIndexOf('Web'));
      expect(sources.indexOf('Web')).toBeLessThan(sources.lastIndexOf('Worker'));
      // What the containers printed: the running tasks' start lines, the crashes of release v7, the SIGTERMs of
      // tasks a rollout replaced.
      for (const component of components) {
        const [id = '?'] = await taskIds(component);
        expect(
          lines.some((line) => line.endsWith(` ${component}/${id.slice(0, 8)} app: starting v1 on port 80`)),
        ).toBe(true);
      }
      expect(result.stdout).toMatch(/ Web\/\S+ boom: CACHE_URL is not a URL\n/);
      expect(result.stdout).toMatch(/ Worker\/\S+ boom: CACHE_URL is not a URL\n/);
      expect(result.stdout).toMatch(/ Web\/\S+ app: SIGTERM, stopping\n/);
      // Not another app's lines (its WebJob/ streams share the log group), nor lines older than 10 minutes.
      expect(result.stdout).not.toContain('other-v1');
      expect(result.stdout).not.toContain('three hours ago');
    });

    it('filters by component (any case) and --since, and prints JSON lines', async () => {
      const worker = await cloudlift(scoped('logs', '--component', 'worker', '--json'));
      expect(worker.code, worker.stderr).toBe(0);
      const events = worker.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { component: string; taskId: string; message: string });
      expect(new Set(events.map((event) => event.component))).toEqual(new Set(['Worker']));
      const [running = '?'] = await taskIds('Worker');
      expect(events).toContainEqual(
        expect.objectContaining({
          component: 'Worker',
          taskId: running,
          message: 'app: starting v1 on port 80',
        }),
      );

      // Only what happened since a moment ago: the replaced task's SIGTERM and its successor's start line.
      const before = Date.now();
      const { stopped, started } = await replaceWorkerTask();
      const successor = await started;
      const seconds = Math.ceil((Date.now() - before) / 1000) + 1;
      const recent = await cloudlift(scoped('logs', '--since', `${seconds}s`));
      expect(recent.code, recent.stderr).toBe(0);
      expect(
        recent.stdout
          .trimEnd()
          .split('\n')
          .map((line) => line.replace(/^\S+ /, '')),
      ).toEqual([
        `Worker/${stopped.slice(0, 8)} app: SIGTERM, stopping`,
        `Worker/${successor.slice(0, 8)} app: starting v1 on port 80`,
      ]);

      const old = await cloudlift(scoped('logs', '--since', '4h', '--component', 'Web'));
      expect(old.stdout).toContain('Web/0123abcd three hours ago');
      const unknown = await cloudlift(scoped('logs', '--component', 'api'));
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('Components: Web, Worker');
      const badSince = await cloudlift(scoped('logs', '--since', 'yesterday'));
      expect(badSince.code).toBe(2);
      expect(badSince.stderr).toContain('--since "yesterday" is neither a duration');
    });

    it('follows new lines until Ctrl-C, then exits 0', async () => {
      const following = cloudlift(scoped('logs', '--follow', '--since', '1m'), { interruptAfterMs: 12_000 });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const { stopped, started } = await replaceWorkerTask();
      const successor = await started;
      const result = await following;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(
        'Following the logs of Web, Worker in staging-logs (Ctrl-C to stop)...',
      );
      // Each new line once, including those of a task that started after the follow began.
      const lines = result.stdout.trimEnd().split('\n');
      expect(
        lines.filter((line) => line.endsWith(` Worker/${stopped.slice(0, 8)} app: SIGTERM, stopping`)),
      ).toHaveLength(1);
      expect(
        lines.filter((line) => line.endsWith(` Worker/${successor.slice(0, 8)} app: starting v1 on port 80`)),
      ).toHaveLength(1);
    });
  });
});
