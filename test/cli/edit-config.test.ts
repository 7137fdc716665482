// edit_config's flags through the real CLI: help, and the usage errors caught before any AWS call (AWS points at a
// closed port here, so reaching AWS would fail differently).
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const noAws = {
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
  CLOUDLIFT_AWS_MAX_ATTEMPTS: '1',
};

describe('cloudlift edit_config (flags)', () => {
  it('documents the non-interactive flags', async () => {
    const result = await runCli(['edit_config', '--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--set <KEY=VALUE...>',
      '--unset <KEY...>',
      '--from-file <file>',
      '--list',
      '--reveal',
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('rejects incompatible flags with exit 2', async () => {
    const list = await runCli(['edit_config', '-e', 'staging', '--name', 'web', '--list', '--unset', 'A'], {
      env: noAws,
    });
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('--list cannot be combined');
    const file = await runCli(
      ['edit_config', '-e', 'staging', '--name', 'web', '--from-file', 'x', '--set', 'A=1'],
      {
        env: noAws,
      },
    );
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('--from-file replaces every variable');
  });

  it('accepts --allow-empty only with --from-file', async () => {
    const result = await runCli(['edit_config', '-e', 'staging', '--name', 'web', '--allow-empty'], {
      env: noAws,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--allow-empty only applies to --from-file');
    expect(result.stderr).not.toContain('127.0.0.1');
  });

  it('checks --set/--unset before reading AWS, never echoing the values', async () => {
    const result = await runCli(
      [
        'edit_config',
        '-e',
        'staging',
        '--name',
        'web',
        '--set',
        'OK=1',
        'A/B=topsecret',
        'EMPTY=',
        '--unset',
        'OK',
      ],
      { env: noAws },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--set argument 2: invalid key');
    expect(result.stderr).toContain('EMPTY has an empty value');
    expect(result.stderr).toContain('OK is both set and unset');
    expect(result.stderr).not.toContain('topsecret');
    expect(result.stderr).not.toContain('127.0.0.1');
  });

  it('checks a --from-file before reading AWS', async () => {
    const result = await runCli(['edit_config', '-e', 'staging', '--name', 'web', '--from-file', '-'], {
      env: noAws,
      input: 'A=1\nthis line is a secret\n',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line 2: no "="');
    expect(result.stderr).not.toContain('this line is a secret');
  });
});
