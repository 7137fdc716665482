import { describe, expect, it } from 'vitest';
import { aws, isAwsError, toCloudliftError } from '../../src/aws/errors.js';
import { CloudliftError } from '../../src/errors.js';

/** An error shaped like the AWS SDK v3's service exceptions. */
function sdkError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

describe('toCloudliftError', () => {
  it.each([
    [
      'ExpiredTokenException',
      'The security token included in the request is expired',
      'ExpiredCredentials',
      /aws sso login/,
    ],
    ['ExpiredToken', 'expired', 'ExpiredCredentials', /Refresh your credentials/],
    [
      'InvalidClientTokenId',
      'The security token included in the request is invalid',
      'InvalidCredentials',
      /get-caller-identity/,
    ],
    [
      'AccessDeniedException',
      'User: arn:aws:iam::1:user/x is not authorized to perform: ecs:UpdateService',
      'AccessDenied',
      /administrator/,
    ],
    [
      'CredentialsProviderError',
      'Could not load credentials from any providers',
      'NoCredentials',
      /aws configure/,
    ],
  ])('%s becomes %s with a next step', (name, message, code, hint) => {
    const error = toCloudliftError(sdkError(name, message), 'read the environment');
    expect(error).toBeInstanceOf(CloudliftError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^read the environment: /);
    expect(error.hint).toMatch(hint);
    expect(error.exitCode).toBe(1);
  });

  it('names a profile that does not exist', () => {
    const error = toCloudliftError(
      sdkError(
        'CredentialsProviderError',
        'Could not resolve credentials using profile: [nosuch] in configuration/credentials file(s).',
      ),
      'read environment staging',
    );
    expect(error.code).toBe('ProfileNotFound');
    expect(error.message).toBe('read environment staging: AWS profile "nosuch" has no credentials here');
    expect(error.hint).toContain('aws configure list-profiles');
  });

  it('explains a missing region and an unreachable endpoint', () => {
    expect(toCloudliftError(new Error('Region is missing'), 'x').code).toBe('NoRegion');
    const unreachable = toCloudliftError(new Error('connect ECONNREFUSED 127.0.0.1:1'), 'x');
    expect(unreachable.code).toBe('AwsUnreachable');
    expect(unreachable.hint).toContain('AWS_ENDPOINT_URL');
  });

  it('keeps the AWS message of other errors and suggests retrying server errors', () => {
    const error = toCloudliftError(
      sdkError('ThrottlingException', 'Rate exceeded', 500),
      'update the service',
    );
    expect(error.message).toBe('update the service: ThrottlingException: Rate exceeded');
    expect(error.hint).toContain('try again');
  });

  it('passes CloudliftErrors through unchanged', () => {
    const original = new CloudliftError('Mine', 'already clear');
    expect(toCloudliftError(original, 'x')).toBe(original);
  });
});

describe('aws() and isAwsError', () => {
  it('wraps a failing call and recognises exception names', async () => {
    await expect(
      aws('list things', () => Promise.reject(sdkError('ExpiredTokenException', 'expired'))),
    ).rejects.toMatchObject({
      code: 'ExpiredCredentials',
    });
    expect(isAwsError(sdkError('ResourceNotFoundException', 'x'), 'ResourceNotFoundException')).toBe(true);
    expect(isAwsError(new Error('plain'), 'ResourceNotFoundException')).toBe(false);
  });
});
