// Identity parsing and the MFA paths the emulator cannot produce: moto always answers GetCallerIdentity with the IAM
// user `moto` (never root), and accepts any MFA code in GetSessionToken (never AccessDenied). Those answers are
// recorded here with aws-sdk-client-mock; the paths moto can run are in test/integration/session.test.ts.
import { IAMClient, ListMFADevicesCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { checkMfaCode, identityKind, prepareCredentials } from '../../../src/deploy/session/mfa.js';
import { makeTestContext, newCapture } from '../../support/context.js';

const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
const env = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIALONGTERM',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

afterEach(() => {
  sts.reset();
  iam.reset();
});

describe('identityKind', () => {
  it.each([
    ['arn:aws:iam::123456789012:user/alice', { type: 'user', name: 'alice' }],
    ['arn:aws:iam::123456789012:user/division/team/alice', { type: 'user', name: 'alice' }],
    ['arn:aws:sts::123456789012:assumed-role/Deploy/alice', { type: 'assumed-role', name: 'Deploy/alice' }],
    ['arn:aws:sts::123456789012:federated-user/bob', { type: 'federated-user', name: 'bob' }],
    ['arn:aws:iam::123456789012:root', { type: 'root', name: '' }],
  ])('%s', (arn, expected) => {
    expect(identityKind(arn)).toEqual(expected);
  });
});

describe('checkMfaCode', () => {
  it('accepts six digits only', () => {
    expect(() => checkMfaCode('012345')).not.toThrow();
    for (const bad of ['12345', '1234567', '12a456', ' 123456']) {
      expect(() => checkMfaCode(bad)).toThrow(/6-digit code/);
    }
  });
});

describe('prepareCredentials', () => {
  it('stops with a clear message for the root user instead of crashing like the original', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Arn: 'arn:aws:iam::123456789012:root', Account: '123456789012' });
    const context = makeTestContext({ env });
    await expect(
      prepareCredentials(context, { mfaCode: '123456', policy: 'iam-users', command: 'start_session' }),
    ).rejects.toMatchObject({
      code: 'UnsupportedIdentity',
      message: expect.stringContaining('signed in as arn:aws:iam::123456789012:root (root)') as unknown,
    });
    expect(sts.commandCalls(GetSessionTokenCommand)).toHaveLength(0);
  });

  it('reports a rejected MFA code as such, with the next step', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Arn: 'arn:aws:iam::123456789012:user/alice', Account: '123456789012' });
    iam.on(ListMFADevicesCommand).resolves({
      MFADevices: [
        {
          UserName: 'alice',
          SerialNumber: 'arn:aws:iam::123456789012:mfa/alice-phone',
          EnableDate: new Date(),
        },
      ],
    });
    sts.on(GetSessionTokenCommand).rejects(
      Object.assign(new Error('MultiFactorAuthentication failed with invalid MFA one time pass code.'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const context = makeTestContext({ env });
    await expect(
      prepareCredentials(context, { mfaCode: '123456', policy: 'iam-users', command: 'start_session' }),
    ).rejects.toMatchObject({
      code: 'MfaRejected',
      message: 'AWS did not accept the MFA code for arn:aws:iam::123456789012:mfa/alice-phone',
      hint: expect.stringContaining('--mfa') as unknown,
    });
    expect(sts.commandCalls(GetSessionTokenCommand)[0]?.args[0].input).toEqual({
      DurationSeconds: 900,
      SerialNumber: 'arn:aws:iam::123456789012:mfa/alice-phone',
      TokenCode: '123456',
    });
  });

  it('falls back to the original serial naming when IAM will not list devices (no iam:ListMFADevices)', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Arn: 'arn:aws:iam::123456789012:user/alice', Account: '123456789012' });
    iam.on(ListMFADevicesCommand).rejects(
      Object.assign(new Error('not authorized to perform: iam:ListMFADevices'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    sts.on(GetSessionTokenCommand).resolves({
      Credentials: { AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date() },
    });
    const capture = newCapture();
    const context = makeTestContext({ env, capture });
    const result = await prepareCredentials(context, {
      mfaCode: '654321',
      policy: 'iam-users',
      command: 'start_session',
    });
    expect(sts.commandCalls(GetSessionTokenCommand)[0]?.args[0].input.SerialNumber).toBe(
      'arn:aws:iam::123456789012:mfa/alice',
    );
    expect(result.mfa).toMatchObject({ accessKeyId: 'ASIA1', sessionToken: 't' });
    expect(capture.stderr).toContain(
      'Using credentials for alice (MFA device arn:aws:iam::123456789012:mfa/alice)',
    );
  });

  it('makes no call at all for exec without --mfa', async () => {
    const context = makeTestContext({ env });
    const result = await prepareCredentials(context, {
      mfaCode: undefined,
      policy: 'when-given',
      command: 'exec',
    });
    expect(result.context).toBe(context);
    expect(sts.calls()).toHaveLength(0);
  });
});
