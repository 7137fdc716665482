// `releases --limit` and `rollback --to` are checked before anything else: a bad value is a usage error (exit 2) with
// one line naming the flag and what it takes, and no AWS call (the endpoint here is dead, with no credentials).
import { describe, expect, it } from 'vitest';
import { runCli, unreachableAws } from '../support/cli.js';

const releases = (...args: string[]) =>
  runCli(['releases', '-e', 'staging', '--name', 'shop', ...args], { env: unreachableAws });

describe('releases --limit', () => {
  it.each(['0', '-1', 'abc', 'v5', '2.5', '10001'])(
    '--limit %s exits 2 saying what it takes',
    async (value) => {
      const result = await releases('--limit', value);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`✘ --limit ${value} is not a number of releases to show`);
      expect(result.stderr).toContain('Use a whole number from 1 to 10000, e.g. --limit 50');
      expect(result.stderr).not.toMatch(/release number|credentials|127\.0\.0\.1/);
      expect(result.stdout).toBe('');
    },
  );
});

describe('rollback --to', () => {
  it('a value that is not a release number exits 2 before any AWS call', async () => {
    const result = await runCli(['rollback', '-e', 'staging', '--name', 'shop', '--to', '0'], {
      env: unreachableAws,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('✘ --to 0 is not a release number');
    expect(result.stdout).toBe('');
  });
});
