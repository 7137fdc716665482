// deploy_service's waiting flags.
import { describe, expect, it } from 'vitest';
import { deploySettings } from '../../src/cli/commands/deploy.js';
import { parseDuration, pollDelayMs } from '../../src/core/release/deploy-settings.js';

describe('deploy settings', () => {
  it('defaults to 10 minutes, 3 failed tasks, 4 services at once', () => {
    expect(deploySettings({})).toEqual({ timeoutMs: 600_000, maxFailedTasks: 3, concurrency: 4 });
  });

  it('reads durations in seconds or with a unit', () => {
    expect(parseDuration('600')).toBe(600_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('0')).toBeUndefined();
    expect(parseDuration('ten')).toBeUndefined();
  });

  it('rejects bad values with the flag name', () => {
    expect(() => deploySettings({ timeout: 'soon' })).toThrow(/--timeout soon is not a duration/);
    expect(() => deploySettings({ maxFailedTasks: '0' })).toThrow(/--max-failed-tasks 0/);
    expect(() => deploySettings({ concurrency: '2.5' })).toThrow(/--concurrency 2.5/);
  });

  it('polls every second at first, then every 3 seconds', () => {
    expect(pollDelayMs(0)).toBe(1000);
    expect(pollDelayMs(20_000)).toBe(3000);
    expect(pollDelayMs(20_000, 250)).toBe(250);
  });
});
