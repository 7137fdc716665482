// The verdicts of deploy_service that are not a success, through the real CLI against the testbed, produced by the
// testbed scheduler's behaviour controls (tasks that crash or cannot pull their image, a circuit breaker that rolls
// back, a cluster without room, tasks that stay pending). Each test uses its own app (tests run in random order).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { CliResult } from '../support/cli.js';
import {
  commit,
  createEnvironment,
  ecsServiceOf,
  prepareApp,
  removeLocalImages,
} from '../support/deploy-fixture.js';
import type { PreparedApp } from '../support/deploy-fixture.js';
import {
  cliEnv,
  dockerTestsRequired,
  resetTestbed,
  seedAccount,
  setEcsBehaviour,
} from '../support/testbed.js';

const environment = 'staging';
let executionRoleArn: string;

function cloudlift(dir: string, args: string[], interruptAfterMs?: number): Promise<CliResult> {
  return runCli(args, {
    cwd: dir,
    env: cliEnv({ CLOUDLIFT_POLL_INTERVAL_MS: '300' }),
    timeoutMs: 170_000,
    ...(interruptAfterMs === undefined ? {} : { interruptAfterMs }),
  });
}

/** An app deployed once successfully, then a new commit whose sha the behaviour rules can match. */
async function deployedApp(app: string, services = ['Web']): Promise<PreparedApp & { next: string }> {
  const prepared = await prepareApp(app, environment, { services, executionRoleArn });
  const first = await cloudlift(prepared.dir, ['deploy_service', '-e', environment]);
  expect(first.code, first.stderr).toBe(0);
  writeFileSync(join(prepared.dir, 'VERSION'), 'next\n');
  return { ...prepared, next: commit(prepared.dir, 'next version') };
}

async function runningTaskDefinition(app: string, logical = 'Web'): Promise<string> {
  return (await ecsServiceOf(app, environment, logical)).service?.taskDefinition ?? '';
}

describe.skipIf(!dockerTestsRequired())('deploy_service verdicts', () => {
  beforeAll(async () => {
    await resetTestbed();
    executionRoleArn = (await seedAccount()).executionRoleArn;
    await createEnvironment(environment);
  });

  afterAll(() => {
    removeLocalImages(['crashy', 'unpullable', 'rollback', 'crowded', 'slow', 'impatient'], {
      ...process.env,
      ...cliEnv(),
    });
  });

  beforeEach(async () => {
    await setEcsBehaviour({});
  });

  it('failed: stops after 3 crashed tasks of the new version, shows why, exits 3, the old revision keeps running', async () => {
    const { app, dir, next } = await deployedApp('crashy');
    const before = await runningTaskDefinition(app);
    await setEcsBehaviour({ failTasks: [{ imageContains: next, reason: 'exit' }] });
    const result = await cloudlift(dir, ['deploy_service', '-e', environment]);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/✘ task \S+ stopped: container WebContainer exited with code 1/);
    expect(result.stderr).toContain('Essential container in task exited');
    expect(result.stderr).toContain('3 tasks of the new version failed in a row (--max-failed-tasks 3)');
    expect(result.stderr).toContain('The app exited: read its logs');
    // The image to try locally is named (the one ECS ran), not `<image>`.
    expect(result.stderr).toContain(
      `try the image locally with \`docker run --rm 123456789012.dkr.ecr.us-east-1.amazonaws.com/crashy-repo:${next}\`.`,
    );
    expect(result.stderr).toMatch(/│ Web\s+│ FAILED/);
    expect(result.stderr).toContain('Deployment of crashy to staging failed: Web');
    // The way back is the ledger's last good release (the deploy that made `before`), not a raw AWS command.
    expect(result.stderr).toMatch(
      /To go back now to the last good release \(v\d+\): `cloudlift rollback -e staging --name crashy`/,
    );
    expect(result.stderr).not.toContain('aws ecs update-service');
    // ECS was not told to go back: the new revision is PRIMARY, the old tasks still serve
    expect(await runningTaskDefinition(app)).not.toBe(before);
    // status names both: what the tasks run (the last good release) and what ECS keeps trying to roll out
    const status = await cloudlift(dir, ['status', '-e', environment, '--no-drift']);
    expect(status.code, status.stderr).toBe(0);
    const oldRevision = before.slice(before.lastIndexOf('/') + 1);
    expect(status.stdout).toContain(`  running:     ${oldRevision} (release v1): serves the traffic`);
    expect(status.stdout).toMatch(/ {2}rolling out: WebFamily:\d+ \(release v2\)\n/);
    expect(status.stdout).not.toContain('  deployed:');
  });

  it('failed: a CannotPullContainerError is named, with --max-failed-tasks 2', async () => {
    const { dir, next } = await deployedApp('unpullable');
    await setEcsBehaviour({ failTasks: [{ imageContains: next, reason: 'pull' }] });
    const result = await cloudlift(dir, ['deploy_service', '-e', environment, '--max-failed-tasks', '2']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('the image could not be pulled (CannotPullContainerError)');
    expect(result.stderr).toContain('2 tasks of the new version failed in a row');
    expect(result.stderr).toContain('ECS could not pull the image');
  });

  it('rolled back: the circuit breaker restores the previous revision, exit 4', async () => {
    const { app, dir, next } = await deployedApp('rollback');
    const before = await runningTaskDefinition(app);
    await setEcsBehaviour({
      failTasks: [{ imageContains: next, reason: 'oom' }],
      circuitBreaker: { rollback: true, threshold: 2 },
    });
    const result = await cloudlift(dir, ['deploy_service', '-e', environment, '--max-failed-tasks', '10']);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(
      /✘ task \S+ stopped: container WebContainer ran out of memory \(exit code 137\)/,
    );
    expect(result.stderr).toMatch(/ROLLED BACK: ECS rolled back to WebFamily:\d+: /);
    expect(result.stderr).toContain('was rolled back by ECS');
    // Why the new tasks failed, as for `failed`: the OOM reason (once per task, not `X | X`), its next step, and the
    // crashed container's log stream (the testbed's simulated tasks write none, which is said).
    expect(result.stderr).toMatch(/│ {3}OutOfMemoryError: Container killed due to memory usage\n/);
    expect(result.stderr).not.toContain('memory usage | OutOfMemoryError');
    const verdictAt = result.stderr.indexOf('ROLLED BACK: ECS rolled back to');
    expect(result.stderr.indexOf('The container went over its memory limit')).toBeGreaterThan(verdictAt);
    expect(result.stderr.slice(verdictAt)).toMatch(/no log stream staging-logs Web\/WebContainer\/\S+/);
    expect(await runningTaskDefinition(app)).toBe(before);
  });

  it('unplaceable: no room for the tasks of one service, the other deploys; exit 6 and both verdicts listed', async () => {
    const { app, dir } = await deployedApp('crowded', ['Web', 'Worker']);
    const worker = (await ecsServiceOf(app, environment, 'Worker')).name;
    await setEcsBehaviour({ unplaceable: [worker] });
    const result = await cloudlift(dir, ['deploy_service', '-e', environment]);
    expect(result.code, result.stderr).toBe(6);
    expect(result.stderr).toMatch(/Worker\s+│ ✘ CANNOT PLACE TASKS: \S+ was unable to place a task/);
    expect(result.stderr).toMatch(/│ Web\s+│ deployed/);
    expect(result.stderr).toMatch(/│ Worker\s+│ CANNOT PLACE TASKS/);
    expect(result.stderr).toContain('cloudlift update_environment -e staging --edit');
  });

  it('timed out: tasks that stay pending past --timeout, exit 5', async () => {
    const { dir } = await deployedApp('slow');
    await setEcsBehaviour({ pendingSeconds: 60 });
    const result = await cloudlift(dir, ['deploy_service', '-e', environment, '--timeout', '3s']);
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toMatch(/TIMED OUT: 0\/1 running, 1 pending, 1 old still running/);
    expect(result.stderr).toContain('ECS is still rolling out in the background');
  });

  it('Ctrl-C stops waiting, says what is still rolling, exit 130', async () => {
    const { dir } = await deployedApp('impatient');
    await setEcsBehaviour({ pendingSeconds: 60 });
    const result = await cloudlift(dir, ['deploy_service', '-e', environment, '--force'], 4000);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('Stopped waiting; still rolling out: Web');
    expect(result.stderr).toContain('ECS continues the rollout without cloudlift');
  });
});
