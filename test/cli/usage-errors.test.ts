import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('usage errors from the parser', () => {
  it.each([
    [['deploy_service', '--bogus'], "unknown option '--bogus'"],
    [['schema', 'bogus'], "'bogus' is invalid"],
    [['edit_config', '-e'], "option '-e, --environment <name>' argument missing"],
  ])('%j exits 2 with one line saying what is wrong', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('help of a command exits 0', async () => {
    const result = await runCli(['deploy_service', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: cloudlift deploy_service');
  });
});
