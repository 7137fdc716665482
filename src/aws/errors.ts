// Turns AWS SDK failures into CloudliftErrors with a next step, in one place, so call sites never match messages.
import { CloudliftError, isCloudliftError, messageOf } from '../errors.js';

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The SDK's error name (its exception type), or '' for non-SDK errors. */
export function awsErrorName(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const shape = error as SdkErrorShape;
    return shape.name ?? shape.code ?? '';
  }
  return '';
}

/** The HTTP status AWS answered with, when the error carries one. */
export function httpStatusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null
    ? (error as SdkErrorShape).$metadata?.httpStatusCode
    : undefined;
}

/** `Name: first line of the message` (only the line when there is no name): a failure as a short reason. */
export function shortReason(error: unknown): string {
  const name = awsErrorName(error);
  const line = messageOf(error).split('\n')[0] ?? '';
  return name === '' ? line : `${name}: ${line}`;
}

/** True when the error is the given AWS exception type. */
export function isAwsError(error: unknown, ...names: string[]): boolean {
  return names.includes(awsErrorName(error));
}

const credentialProblems = new Set(['CredentialsProviderError', 'NoCredentials']);
const expired = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const invalid = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'SignatureDoesNotMatch']);
const denied = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
]);

/** Wraps an error from an AWS call, saying what cloudlift was doing. CloudliftErrors pass through unchanged. */
export function toCloudliftError(error: unknown, doing: string): CloudliftError {
  if (isCloudliftError(error)) {
    return error;
  }
  const name = awsErrorName(error);
  const message = messageOf(error);
  const missingProfile = /using profile: \[([^\]]+)\]|profile (\S+) could not be found/i.exec(message);
  if (missingProfile !== null) {
    const profile = missingProfile[1] ?? missingProfile[2] ?? '';
    return new CloudliftError(
      'ProfileNotFound',
      `${doing}: AWS profile "${profile}" has no credentials here`,
      {
        cause: error,
        hint: 'List your profiles with `aws configure list-profiles` (or set one up with `aws configure --profile <name>`), or leave out --profile/AWS_PROFILE to use the default credentials.',
      },
    );
  }
  if (credentialProblems.has(name) || /could not load credentials/i.test(message)) {
    return new CloudliftError('NoCredentials', `${doing}: no AWS credentials were found`, {
      cause: error,
      hint: 'Run `aws configure`, set AWS_PROFILE (or pass --profile), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
    });
  }
  if (expired.has(name)) {
    return new CloudliftError('ExpiredCredentials', `${doing}: your AWS session has expired`, {
      cause: error,
      hint: 'Refresh your credentials (for example `aws sso login` or a new MFA session) and run the command again.',
    });
  }
  if (invalid.has(name)) {
    return new CloudliftError('InvalidCredentials', `${doing}: AWS rejected the credentials (${name})`, {
      cause: error,
      hint: 'Check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the profile you use (`aws sts get-caller-identity`).',
    });
  }
  if (denied.has(name)) {
    return new CloudliftError('AccessDenied', `${doing}: access denied: ${message}`, {
      cause: error,
      hint: 'Ask an administrator to grant your IAM user or role the permission named above.',
    });
  }
  if (/Region is missing/i.test(message)) {
    return new CloudliftError('NoRegion', `${doing}: no AWS region is configured`, {
      cause: error,
      hint: 'Pass --region, set AWS_DEFAULT_REGION, or add `region = ...` to your profile.',
    });
  }
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket hang up/i.test(message) ||
    /ECONNREFUSED/.test(name)
  ) {
    return new CloudliftError('AwsUnreachable', `${doing}: could not reach AWS (${message})`, {
      cause: error,
      hint: 'Check your network connection, proxy settings, and AWS_ENDPOINT_URL if you set it.',
    });
  }
  const status = httpStatusOf(error);
  return new CloudliftError('AwsError', `${doing}: ${name === '' ? '' : `${name}: `}${message}`, {
    cause: error,
    hint:
      status !== undefined && status >= 500
        ? 'AWS answered with a server error; try again in a minute.'
        : 'Read the AWS message above; run with --verbose for the request details.',
  });
}

/** Runs one AWS call and maps its failure. */
export async function aws<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toCloudliftError(error, doing);
  }
}
