// How a deploy's per-service outcomes become one error and exit code.
import { describe, expect, it } from 'vitest';
import type { ServiceOutcome } from '../../../src/core/release/deploy-verdict.js';
import { assertDeployed } from '../../../src/deploy/release/deploy-report.js';
import type { ServiceResult, WayBack } from '../../../src/deploy/release/deploy-report.js';
import { runLimited } from '../../../src/deploy/release/deploy-service.js';
import { ExitCode, isCloudliftError } from '../../../src/errors.js';

const progress = { desired: 1, running: 0, pending: 1, oldRunning: 1, failedTasks: 0, text: '0/1 running' };
const result = (name: string, outcome: ServiceOutcome): ServiceResult => ({
  name,
  ecsServiceName: `app-staging-${name}-X`,
  outcome,
  taskDefinition: `arn:aws:ecs:us-east-1:1:task-definition/${name}Family:7`,
  previousTaskDefinition: `arn:aws:ecs:us-east-1:1:task-definition/${name}Family:6`,
});

function thrown(results: ServiceResult[], wayBack?: WayBack) {
  try {
    assertDeployed('staging', 'app', results, wayBack);
  } catch (error) {
    if (isCloudliftError(error)) {
      return error;
    }
    throw error;
  }
  return undefined;
}

describe('assertDeployed', () => {
  it('passes when every service deployed or was unchanged', () => {
    expect(
      thrown([result('Web', { kind: 'succeeded', progress }), result('Worker', { kind: 'unchanged' })]),
    ).toBeUndefined();
  });

  it('uses the most severe outcome for the exit code and lists every bad service', () => {
    const error = thrown([
      result('Web', { kind: 'succeeded', progress }),
      result('Worker', { kind: 'timed-out', progress }),
      result('Cron', { kind: 'failed', reason: 'x', failures: [], progress }),
    ]);
    expect(error?.exitCode).toBe(ExitCode.deployFailed);
    expect(error?.message).toBe('Deployment of app to staging failed: 2 of 3 services');
    expect(error?.details).toEqual(['Worker: TIMED OUT', 'Cron: FAILED']);
    expect(error?.hint).toContain('--task-definition WorkerFamily:6');
  });

  it('points at cloudlift rollback (the last good release) and cloudlift status, not at raw AWS commands', () => {
    const wayBack = {
      command: 'cloudlift rollback -e staging --name app',
      what: 'the last good release (v4)',
    };
    const failed = thrown([result('Web', { kind: 'failed', reason: 'x', failures: [], progress })], wayBack);
    expect(failed?.hint).toContain(
      'To go back now to the last good release (v4): `cloudlift rollback -e staging --name app`.',
    );
    const timedOut = thrown([result('Web', { kind: 'timed-out', progress })], wayBack);
    expect(timedOut?.hint).toContain('watch it with `cloudlift status -e staging --name app`');
    const interrupted = thrown([result('Web', { kind: 'interrupted', progress })], wayBack);
    expect(interrupted?.hint).toContain('Check it with `cloudlift status -e staging --name app`');
    const unplaceable = thrown([result('Web', { kind: 'unplaceable', reason: 'r', progress })], wayBack);
    for (const error of [failed, timedOut, interrupted, unplaceable]) {
      expect(error?.hint).toContain('cloudlift rollback -e staging --name app');
      expect(error?.hint).not.toContain('aws ecs');
      expect(error?.hint).not.toContain('previous revision');
    }
  });

  it('names the exact command for the next step after a rollback by ECS or tasks that cannot be placed', () => {
    const rolledBack = thrown([
      result('Web', {
        kind: 'rolled-back',
        reason: 'r',
        byCircuitBreaker: true,
        runningTaskDefinition: 'x',
        failures: [],
        progress,
      }),
    ]);
    expect(rolledBack?.hint).toContain('and run `cloudlift deploy_service -e staging --name app` again.');
    // Without --edit, update_environment re-applies the stored configuration: max_instances cannot change.
    const unplaceable = thrown([result('Web', { kind: 'unplaceable', reason: 'r', progress })]);
    expect(unplaceable?.hint).toContain(
      'Raise max_instances with `cloudlift update_environment -e staging --edit`',
    );
  });

  it('falls back to UpdateService to what each service ran at the start when no release is good', () => {
    const error = thrown([result('Web', { kind: 'failed', reason: 'x', failures: [], progress })]);
    expect(error?.hint).toContain(
      'To go back now to what each service ran when this deploy started: `aws ecs update-service --cluster cluster-staging --service app-staging-Web-X --task-definition WebFamily:6`.',
    );
  });

  it('has one exit code per verdict', () => {
    const one = (outcome: ServiceOutcome) => thrown([result('Web', outcome)])?.exitCode;
    expect(
      one({
        kind: 'rolled-back',
        reason: 'r',
        byCircuitBreaker: true,
        runningTaskDefinition: 'x',
        failures: [],
        progress,
      }),
    ).toBe(4);
    expect(one({ kind: 'timed-out', progress })).toBe(5);
    expect(one({ kind: 'unplaceable', reason: 'r', progress })).toBe(6);
    expect(one({ kind: 'interrupted', progress })).toBe(130);
  });

  it('after Ctrl-C names what is still rolling and what never started', () => {
    const error = thrown([
      result('Web', { kind: 'interrupted', progress }),
      result('Worker', { kind: 'not-started' }),
    ]);
    expect(error?.exitCode).toBe(130);
    expect(error?.message).toBe(
      'Stopped waiting; still rolling out: Web; not started (nothing changed): Worker',
    );
  });
});

describe('runLimited', () => {
  it('never runs more than the limit at once and keeps the order of results', async () => {
    let running = 0;
    let peak = 0;
    const results = await runLimited([5, 1, 4, 2, 3], 2, new AbortController().signal, async (value) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, value * 3));
      running -= 1;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it('starts nothing new after the signal aborts', async () => {
    const controller = new AbortController();
    const results = await runLimited([1, 2, 3], 1, controller.signal, (value) => {
      controller.abort();
      return Promise.resolve(value);
    });
    expect(results).toEqual([1, undefined, undefined]);
  });
});
