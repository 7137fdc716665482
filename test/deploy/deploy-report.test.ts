// How a deploy's per-service outcomes become one error and exit code.
import { describe, expect, it } from 'vitest';
import type { ServiceOutcome } from '../../src/core/deploy-verdict.js';
import { assertDeployed } from '../../src/deploy/deploy-report.js';
import type { ServiceResult } from '../../src/deploy/deploy-report.js';
import { runLimited } from '../../src/deploy/deploy-service.js';
import { ExitCode, isCloudliftError } from '../../src/errors.js';

const progress = { desired: 1, running: 0, pending: 1, oldRunning: 1, failedTasks: 0, text: '0/1 running' };
const result = (name: string, outcome: ServiceOutcome): ServiceResult => ({
  name,
  ecsServiceName: `app-staging-${name}-X`,
  outcome,
  taskDefinition: `arn:aws:ecs:us-east-1:1:task-definition/${name}Family:7`,
  previousTaskDefinition: `arn:aws:ecs:us-east-1:1:task-definition/${name}Family:6`,
});

function thrown(results: ServiceResult[]) {
  try {
    assertDeployed('staging', 'app', results);
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

  it('has one exit code per verdict', () => {
    const one = (outcome: ServiceOutcome) => thrown([result('Web', outcome)])?.exitCode;
    expect(
      one({ kind: 'rolled-back', reason: 'r', byCircuitBreaker: true, runningTaskDefinition: 'x', progress }),
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
