// Credentials the same whether a profile is chosen by --profile or by AWS_PROFILE, and MFA through the shared config
// files (test/fixtures/aws-mfa/): a profile with `mfa_serial` reaches the MFA callback before any request is sent,
// so these tests need no network; the one that needs STS to refuse a code gets a local stand-in on loopback.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients, chosenProfile } from '../../src/aws/clients.js';
import type { AwsSettings } from '../../src/aws/clients.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'aws-mfa');
const serial = 'arn:aws:iam::123456789012:mfa/alice';
const files = {
  AWS_CONFIG_FILE: join(fixtures, 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(fixtures, 'credentials'),
  AWS_REGION: 'us-east-1',
};

/** Resolves the credentials a run with these settings would use. */
async function credentials(settings: AwsSettings) {
  const config = await new AwsClients(settings).config();
  if (config.credentials === undefined) {
    throw new Error('no credential provider');
  }
  return config.credentials();
}

/** An MFA callback that records the serial it was asked for and stops there (nothing is sent to AWS). */
function recordingMfa() {
  const asked: string[] = [];
  return {
    asked,
    provider: (device: string) => {
      asked.push(device);
      return Promise.reject(new Error('stop: the test only needs to reach the callback'));
    },
  };
}

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) {
    if (!(key in saved)) {
      delete process.env[key];
    }
  }
  Object.assign(process.env, saved);
});

describe('chosenProfile', () => {
  it('is --profile, else AWS_PROFILE, else none', () => {
    expect(chosenProfile({ profile: 'a', env: { AWS_PROFILE: 'b' } })).toBe('a');
    expect(chosenProfile({ env: { AWS_PROFILE: 'b' } })).toBe('b');
    expect(chosenProfile({ env: { AWS_PROFILE: '' } })).toBeUndefined();
    expect(chosenProfile({ env: {} })).toBeUndefined();
  });
});

describe('credentials of a profile with mfa_serial', () => {
  it.each([
    ['AWS_PROFILE', { env: { ...files, AWS_PROFILE: 'mfa-role' } }],
    ['--profile', { profile: 'mfa-role', env: files }],
  ])('chosen by %s, reach the MFA callback with the profile device', async (_how, settings) => {
    const mfa = recordingMfa();
    await expect(credentials({ ...settings, mfaCodeProvider: mfa.provider })).rejects.toThrow(/stop/);
    expect(mfa.asked).toEqual([serial]);
  });

  it('without a way to ask (no terminal, no CLOUDLIFT_MFA_CODE) fail with their own message, not "no credentials"', async () => {
    await expect(credentials({ env: { ...files, AWS_PROFILE: 'mfa-role' } })).rejects.toMatchObject({
      code: 'MfaRequired',
      message: `AWS profile mfa-role needs an MFA code (device ${serial})`,
      hint: expect.stringContaining('CLOUDLIFT_MFA_CODE') as unknown,
    });
  });

  it('refuse a code that is not six digits before anything is sent', async () => {
    await expect(
      credentials({ profile: 'mfa-role', env: files, mfaCodeProvider: () => Promise.resolve('12 34') }),
    ).rejects.toMatchObject({ code: 'MfaCodeInvalid', exitCode: 2 });
  });

  it('report a code STS refuses as a rejected MFA code', async () => {
    // A stand-in for STS on loopback that refuses AssumeRole as AWS does for a wrong code.
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(403, { 'content-type': 'text/xml' });
        response.end(
          '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
            '<Code>AccessDenied</Code><Message>MultiFactorAuthentication failed with invalid MFA one time pass code. ' +
            '</Message></Error><RequestId>1</RequestId></ErrorResponse>',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      process.env.AWS_MAX_ATTEMPTS = '1';
      await expect(
        credentials({ profile: 'mfa-role', env: files, mfaCodeProvider: () => Promise.resolve('123456') }),
      ).rejects.toMatchObject({
        code: 'MfaRejected',
        message: expect.stringContaining(
          `AWS did not accept the MFA code for AWS profile mfa-role (device ${serial})`,
        ) as unknown,
      });
    } finally {
      server.close();
    }
  });
});

describe('credentials of a profile without MFA', () => {
  it('are the same whether chosen by AWS_PROFILE or --profile, and win over environment keys', async () => {
    const keys = { AWS_ACCESS_KEY_ID: 'env-access-key', AWS_SECRET_ACCESS_KEY: 'env-secret-key' };
    const byVariable = await credentials({ env: { ...files, ...keys, AWS_PROFILE: 'plain' } });
    const byFlag = await credentials({ profile: 'plain', env: { ...files, ...keys } });
    expect(byVariable).toMatchObject({ accessKeyId: 'fixture-plain-access-key' });
    expect(byFlag).toMatchObject({ accessKeyId: 'fixture-plain-access-key' });
  });

  it('without a profile are the environment keys (the default chain)', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'env-access-key';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret-key';
    delete process.env.AWS_PROFILE;
    expect(await credentials({ env: { ...files } })).toMatchObject({ accessKeyId: 'env-access-key' });
  });

  it('name a missing profile, chosen either way', async () => {
    for (const settings of [{ env: { ...files, AWS_PROFILE: 'nope' } }, { profile: 'nope', env: files }]) {
      await expect(credentials(settings)).rejects.toThrow(/nope/);
    }
  });
});
