// Credentials through the real CLI against the testbed, from the shared config files of test/fixtures/aws-mfa/: a
// profile with `mfa_serial` works the same chosen by AWS_PROFILE or by --profile (it used to fail with "no AWS
// credentials were found" under AWS_PROFILE), takes its code from CLOUDLIFT_MFA_CODE in scripts, and says so when it
// has none. The testbed's STS accepts any code for AssumeRole, so a run with a code gets past the credentials.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { cliEnv, resetTestbed } from '../support/testbed.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'aws-mfa');
const serial = 'arn:aws:iam::123456789012:mfa/alice';

/** A read-only command that needs credentials: the environment does not exist, so it fails after using them. */
const show = (environment: string, env: Record<string, string>, flags: string[] = []) =>
  runCli(['show_environment', '-e', environment, ...flags], {
    env: cliEnv({
      AWS_CONFIG_FILE: join(fixtures, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(fixtures, 'credentials'),
      ...env,
    }),
  });

describe('credentials from a profile with mfa_serial', () => {
  beforeAll(async () => {
    await resetTestbed();
  });

  it('chosen by AWS_PROFILE in a script without a code: its own MFA message, nothing about missing credentials', async () => {
    const result = await show('mfa-missing', { AWS_PROFILE: 'mfa-role' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`AWS profile mfa-role needs an MFA code (device ${serial})`);
    expect(result.stderr).toContain('CLOUDLIFT_MFA_CODE');
    expect(result.stderr).not.toContain('no AWS credentials');
  });

  it.each([
    ['AWS_PROFILE', { AWS_PROFILE: 'mfa-role' }, []],
    ['--profile', {}, ['--profile', 'mfa-role']],
  ])(
    'chosen by %s with CLOUDLIFT_MFA_CODE: the role is assumed and the command runs',
    async (how, env, flags) => {
      const environment = how === '--profile' ? 'mfa-by-flag' : 'mfa-by-variable';
      const result = await show(environment, { ...env, CLOUDLIFT_MFA_CODE: '123456' }, flags);
      // The command reached DynamoDB with the role's credentials: the environment is simply not there.
      expect(result.stderr).toContain(`Environment "${environment}" not found`);
      expect(result.stderr).not.toMatch(/MFA|credentials/);
    },
  );

  it('refuses a CLOUDLIFT_MFA_CODE that is not six digits, before calling AWS', async () => {
    const result = await show('mfa-bad-code', { AWS_PROFILE: 'mfa-role', CLOUDLIFT_MFA_CODE: 'abc' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the MFA code for AWS profile mfa-role must be 6 digits');
  });
});
