// STS adapter: who the caller is (account id, partition and ARN), which credentials the SDK resolved, and MFA session
// tokens for shell access.
import type { Context } from '../context.js';
import { CloudliftError } from '../errors.js';
import { aws, isAwsError, toCloudliftError } from './errors.js';

/** The caller's account, partition and ARN. */
export interface CallerIdentity {
  account: string;
  /** `aws`, `aws-cn`, `aws-us-gov`... from the caller's ARN. */
  partition: string;
  arn: string;
}

/** A set of AWS credentials; `sessionToken` is present for temporary ones. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** How long MFA session credentials live: 15 minutes, as the original asked for (the API minimum). */
export const mfaSessionSeconds = 900;

/** Options of `callerIdentity`. */
export interface CallerIdentityOptions {
  /** @default the default region */
  region?: string;
  /** What the caller is doing, for the error message. @default "find out which AWS account the credentials belong to" */
  doing?: string;
}

/** GetCallerIdentity in `options.region` (or the default region). */
export async function callerIdentity(
  context: Pick<Context, 'aws'>,
  options: CallerIdentityOptions = {},
): Promise<CallerIdentity> {
  const sdk = await import('@aws-sdk/client-sts');
  const client = new sdk.STSClient(await context.aws.config(options.region));
  const answer = await aws(options.doing ?? 'find out which AWS account the credentials belong to', () =>
    client.send(new sdk.GetCallerIdentityCommand({})),
  );
  const arn = answer.Arn ?? '';
  return { account: answer.Account ?? '', partition: arn.split(':')[1] ?? 'aws', arn };
}

/** The credentials the SDK resolves for this run (profile, environment, SSO or instance role). */
export async function currentCredentials(context: Pick<Context, 'aws'>): Promise<Credentials> {
  const sdk = await import('@aws-sdk/client-sts');
  const client = new sdk.STSClient(await context.aws.config());
  try {
    const resolved = await client.config.credentials();
    return {
      accessKeyId: resolved.accessKeyId,
      secretAccessKey: resolved.secretAccessKey,
      ...(resolved.sessionToken === undefined ? {} : { sessionToken: resolved.sessionToken }),
      ...(resolved.expiration === undefined ? {} : { expiration: resolved.expiration }),
    };
  } catch (error) {
    throw toCloudliftError(error, 'load your AWS credentials');
  }
}

/**
 * STS GetSessionToken with an MFA device: temporary credentials for 15 minutes. A wrong or reused code is an
 * AccessDenied from STS, reported as such rather than as a missing permission.
 */
export async function mfaSessionToken(
  context: Pick<Context, 'aws'>,
  serial: string,
  code: string,
): Promise<Credentials> {
  const sdk = await import('@aws-sdk/client-sts');
  const client = new sdk.STSClient(await context.aws.config());
  let answer;
  try {
    answer = await client.send(
      new sdk.GetSessionTokenCommand({
        DurationSeconds: mfaSessionSeconds,
        SerialNumber: serial,
        TokenCode: code,
      }),
    );
  } catch (error) {
    if (isAwsError(error, 'AccessDenied', 'AccessDeniedException')) {
      throw new CloudliftError('MfaRejected', `AWS did not accept the MFA code for ${serial}`, {
        cause: error,
        hint: 'Codes are single-use and expire after 30 seconds: wait for the next code and pass it with --mfa <code>.',
      });
    }
    throw toCloudliftError(error, `get MFA session credentials for ${serial}`);
  }
  const credentials = answer.Credentials;
  if (
    credentials?.AccessKeyId === undefined ||
    credentials.SecretAccessKey === undefined ||
    credentials.SessionToken === undefined
  ) {
    throw new CloudliftError('MfaRejected', `STS returned no credentials for ${serial}`, {
      hint: 'Run the command again; if it keeps failing, check `aws sts get-session-token` with the same device.',
    });
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    ...(credentials.Expiration === undefined ? {} : { expiration: credentials.Expiration }),
  };
}
