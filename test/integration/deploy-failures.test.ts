// The verdicts of deploy_service and rollback that are not a success, through the real CLI against the testbed, on
// apps made by create_service, with real images whose containers really fail: a crash with its own log line, an OOM
// kill, a web container that never passes its load balancer's health check, a slow start that must NOT be judged
// failed, a rollback to a release whose image was deleted from ECR or whose secret was deleted from Parameter Store,
// ECS's circuit breaker rolling back, and a cluster without room. Only "tasks that stay PENDING" (a slow image pull
// the testbed cannot produce) uses a scripted behaviour control, and says so. Each test has its own environment.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
import type { AppOptions, EnvironmentOptions, PreparedApp } from '../support/deploy-fixture.js';
import {
  awsClientConfig,
  cliEnv,
  dockerTestsRequired,
  resetTestbed,
  setEcsBehaviour,
} from '../support/testbed.js';

const apps: string[] = [];

function cloudlift(dir: string, args: string[], interruptAfterMs?: number): Promise<CliResult> {
  return runCli(args, {
    cwd: dir,
    env: cliEnv({ CLOUDLIFT_POLL_INTERVAL_MS: '300' }),
    timeoutMs: 170_000,
    ...(interruptAfterMs === undefined ? {} : { interruptAfterMs }),
  });
}

/** An app in its own environment, deployed once successfully (release v1). */
async function deployedApp(
  app: string,
  options: AppOptions = {},
  environmentOptions: EnvironmentOptions = {},
): Promise<PreparedApp & { environment: string }> {
  const environment = app.replace(/[^a-z0-9]/g, '');
  apps.push(app);
  await createEnvironment(environment, environmentOptions);
  const prepared = await prepareApp(app, environment, options);
  const first = await cloudlift(prepared.dir, ['deploy_service', '-e', environment]);
  expect(first.code, first.stderr).toBe(0);
  return { ...prepared, environment };
}

async function runningTaskDefinition(app: string, environment: string, logical = 'Web'): Promise<string> {
  return (await ecsServiceOf(app, environment, logical)).service?.taskDefinition ?? '';
}

const revision = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

describe.skipIf(!dockerTestsRequired())('deploy_service and rollback verdicts on real containers', () => {
  beforeAll(async () => {
    await resetTestbed();
  });

  afterAll(() => {
    removeLocalImages(apps, { ...process.env, ...cliEnv() });
  });

  it('failed: a container that exits 1 is stopped after 2 failed tasks, its own crash line is shown, exit 3; the old revision keeps serving', async () => {
    const { app, dir, environment } = await deployedApp('crashy');
    const before = await runningTaskDefinition(app, environment);
    setBehaviour(dir, 'crash', 'the database at db.internal:5432 refused the connection');
    const next = commit(dir, 'needs a database');
    const result = await cloudlift(dir, ['deploy_service', '-e', environment, '--max-failed-tasks', '2']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/✘ task \S+ stopped: container WebContainer exited with code 1/);
    expect(result.stderr).toContain('Essential container in task exited');
    expect(result.stderr).toContain('2 tasks of the new version failed in a row (--max-failed-tasks 2)');
    expect(result.stderr).toContain('The app exited: read its logs');
    // the container's own last lines, read from CloudWatch Logs where the testbed shipped them
    expect(result.stderr).toContain('app: starting v1 on port 80');
    expect(result.stderr).toContain('boom: the database at db.internal:5432 refused the connection');
    expect(result.stderr).toContain(
      `try the image locally with \`docker run --rm 123456789012.dkr.ecr.us-east-1.amazonaws.com/crashy-repo:${next}\`.`,
    );
    expect(result.stderr).toMatch(/│ Web\s+│ FAILED/);
    expect(result.stderr).toContain(`Deployment of crashy to ${environment} failed: Web`);
    expect(result.stderr).toMatch(
      new RegExp(
        `To go back now to the last good release \\(v\\d+\\): \`cloudlift rollback -e ${environment} --name crashy\``,
      ),
    );
    // ECS was not told to go back: the new revision is PRIMARY, the old task still serves
    expect(await runningTaskDefinition(app, environment)).not.toBe(before);
    const status = await cloudlift(dir, ['status', '-e', environment, '--no-drift']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`  running:     ${revision(before)} (release v1): serves the traffic`);
    expect(status.stdout).toMatch(/ {2}rolling out: WebFamily:\d+ \(release v2\)\n/);
    // logs shows what the containers really printed, old and new
    const logs = await cloudlift(dir, ['logs', '-e', environment, '--since', '10m']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('boom: the database at db.internal:5432 refused the connection');
    expect(logs.stdout).toContain('app: starting v1 on port 80');
  });

  it('failed: an OOM-killed container is stopped after 2 failed tasks with ECS own two reasons and its last log line, exit 3', async () => {
    const { app, dir, environment } = await deployedApp('hungry');
    const before = await runningTaskDefinition(app, environment);
    setBehaviour(dir, 'oom', '1');
    commit(dir, 'loads everything');
    const result = await cloudlift(dir, ['deploy_service', '-e', environment, '--max-failed-tasks', '2']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(
      /✘ task \S+ stopped: container WebContainer ran out of memory \(exit code 137\)/,
    );
    // the task's reason and the OOM-killed container's, as ECS reports them
    expect(result.stderr).toContain(
      '│   Essential container in task exited | OutOfMemoryError: Container killed due to memory usage\n',
    );
    expect(result.stderr).toContain('The container went over its memory limit');
    expect(result.stderr).toContain('app: loading the whole catalogue into memory');
    // ECS does not count a task that crashed after RUNNING (its circuit breaker stays quiet): the old one serves
    expect(result.stderr).not.toContain('ROLLED BACK');
    const status = await cloudlift(dir, ['status', '-e', environment, '--no-drift']);
    expect(status.stdout).toContain(`  running:     ${revision(before)} (release v1): serves the traffic`);
  });

  it('rolled back: a web container that never passes its ALB health check trips ECS circuit breaker, which restores the previous revision, exit 4', async () => {
    const { app, dir, environment } = await deployedApp('sickly');
    const before = await runningTaskDefinition(app, environment);
    setBehaviour(dir, 'unhealthy', '1'); // serves, but 404 on the health-check path
    commit(dir, 'forgets the health page');
    const result = await cloudlift(dir, ['deploy_service', '-e', environment, '--max-failed-tasks', '10']);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(
      /Task failed ELB health checks in \(target-group arn:aws:elasticloadbalancing:/,
    );
    expect(result.stderr).toContain('Health checks failed with these codes: [404]');
    expect(result.stderr).toMatch(/ROLLED BACK: ECS rolled back to WebFamily:\d+: /);
    expect(result.stderr).toContain('was rolled back by ECS');
    const verdictAt = result.stderr.indexOf('ROLLED BACK: ECS rolled back to');
    expect(result.stderr.indexOf('The health check failed: check `health_check_path`')).toBeGreaterThan(
      verdictAt,
    );
    expect(await runningTaskDefinition(app, environment)).toBe(before);
  });

  it('deployed: a slow start within the health-check grace period is not judged failed', async () => {
    const { dir, environment } = await deployedApp('sluggish');
    setBehaviour(dir, 'slow', '2'); // ~40 s on AWS's clock (the testbed runs ELB and ECS durations at 1/20)
    commit(dir, 'warms a cache first');
    const result = await cloudlift(dir, ['deploy_service', '-e', environment]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Web\s+│ ✔ deployed: 1\/1 running/);
    expect(result.stderr).not.toContain('✘ task');
  });

  it('rollback to a release whose image was deleted from ECR: CannotPullContainerError, exit 3, what runs is untouched', async () => {
    const { app, dir, environment, sha } = await deployedApp('pruned');
    setBehaviour(dir, 'slow', '0');
    commit(dir, 'v2');
    expect((await cloudlift(dir, ['deploy_service', '-e', environment])).code).toBe(0);
    const current = await runningTaskDefinition(app, environment);
    const ecr = await import('@aws-sdk/client-ecr');
    await new ecr.ECRClient(awsClientConfig()).send(
      new ecr.BatchDeleteImageCommand({ repositoryName: `${app}-repo`, imageIds: [{ imageTag: sha }] }),
    );
    const result = await cloudlift(dir, ['rollback', '-e', environment, '--max-failed-tasks', '2']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('the image could not be pulled (CannotPullContainerError)');
    expect(result.stderr).toContain(`${app}-repo:${sha}: not found`);
    expect(result.stderr).toContain('ECS could not pull the image');
    // the tasks that ran before the rollback keep serving (and once ECS's circuit breaker has counted its 3 failed
    // pulls, it rolls the service back to them: status then shows that revision as deployed)
    const status = await cloudlift(dir, ['status', '-e', environment, '--no-drift']);
    expect(status.stdout).toMatch(new RegExp(`  (running|deployed): +${revision(current)} \\(release v2\\)`));
  });

  it('rollback to a release whose variable was deleted from Parameter Store: the secret cannot be pulled, exit 3', async () => {
    const { dir, environment } = await deployedApp('forgetful', {
      parameters: { PORT: '80', LEGACY_TOKEN: 'old' },
    });
    // release v2 drops LEGACY_TOKEN: from env.sample, then from Parameter Store
    writeFileSync(join(dir, 'env.sample'), 'PORT=example\n');
    commit(dir, 'no more legacy token');
    const unset = await cloudlift(dir, [
      'edit_config',
      '-e',
      environment,
      '--unset',
      'LEGACY_TOKEN',
      '--yes',
    ]);
    expect(unset.code, unset.stderr).toBe(0);
    expect((await cloudlift(dir, ['deploy_service', '-e', environment])).code).toBe(0);
    const result = await cloudlift(dir, ['rollback', '-e', environment, '--max-failed-tasks', '2']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('ResourceInitializationError: unable to pull secrets or registry auth');
    expect(result.stderr).toContain(`invalid ssm parameters: /${environment}/forgetful/LEGACY_TOKEN`);
  });

  it('cannot place: a worker bigger than any host, the web service deploys; exit 6 and both verdicts listed', async () => {
    const { dir, environment } = await deployedApp(
      'crowded',
      {
        config: {
          Web: webService('crowded'),
          Worker: workerService({ memory_reservation: 64 }),
        },
      },
      { instanceType: 't3.micro' },
    );
    // the worker now reserves more memory than a t3.micro host offers (about 665 MiB once the OS and ECS take theirs)
    const config = join(dir, '..', 'crowded.bigger.json');
    writeFileSync(
      config,
      JSON.stringify({
        notifications_arn: 'arn:aws:sns:us-east-1:123456789012:cloudlift-test-alerts',
        services: { Web: webService('crowded'), Worker: workerService({ memory_reservation: 900 }) },
      }),
    );
    const update = await cloudlift(dir, [
      'update_service',
      '-e',
      environment,
      '--config-file',
      config,
      '--yes',
    ]);
    expect(update.code, update.stderr).toBe(0);
    commit(dir, 'bigger worker');
    const result = await cloudlift(dir, ['deploy_service', '-e', environment]);
    expect(result.code, result.stderr).toBe(6);
    expect(result.stderr).toMatch(/Worker\s+│ ✘ CANNOT PLACE TASKS: \S+ was unable to place a task/);
    expect(result.stderr).toContain('has insufficient memory available');
    expect(result.stderr).toMatch(/│ Web\s+│ deployed/);
    expect(result.stderr).toMatch(/│ Worker\s+│ CANNOT PLACE TASKS/);
    expect(result.stderr).toContain(`cloudlift update_environment -e ${environment} --edit`);
  });

  it('timed out: tasks that stay pending past --timeout, exit 5 (scripted: a slow image pull cannot be produced here)', async () => {
    const { dir, environment } = await deployedApp('patience');
    await setEcsBehaviour({ pendingSeconds: 60 });
    try {
      const result = await cloudlift(dir, [
        'deploy_service',
        '-e',
        environment,
        '--force',
        '--timeout',
        '3s',
      ]);
      expect(result.code, result.stderr).toBe(5);
      expect(result.stderr).toMatch(/TIMED OUT: 0\/1 running, 1 pending, 1 old still running/);
      expect(result.stderr).toContain('ECS is still rolling out in the background');
    } finally {
      await setEcsBehaviour({});
    }
  });

  it('Ctrl-C stops waiting, says what is still rolling, exit 130 (scripted: tasks kept pending)', async () => {
    const { dir, environment } = await deployedApp('impatient');
    await setEcsBehaviour({ pendingSeconds: 60 });
    try {
      const result = await cloudlift(dir, ['deploy_service', '-e', environment, '--force'], 4000);
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toContain('Stopped waiting; still rolling out: Web');
      expect(result.stderr).toContain('ECS continues the rollout without cloudlift');
    } finally {
      await setEcsBehaviour({});
    }
  });
});
