// What a user sees when AWS credentials are missing or expired. The "missing" case runs the real CLI process with no
// credentials anywhere; "expired" uses aws-sdk-client-mock in-process, because the emulator (moto) accepts any
// credentials and never answers ExpiredTokenException.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/main.js';
import { runCli } from '../support/cli.js';

const nowhere = mkdtempSync(join(tmpdir(), 'cloudlift-no-aws-'));

function sink(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      stream.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

describe('AWS credentials', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  afterEach(() => dynamo.reset());

  it('none at all: one clear line with the commands that fix it, exit 1', async () => {
    const result = await runCli(['show_environment', '-e', 'staging'], {
      env: {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
        AWS_REGION: 'us-east-1',
        AWS_CONFIG_FILE: join(nowhere, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(nowhere, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
        AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
        CLOUDLIFT_AWS_MAX_ATTEMPTS: '1',
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/✘ .*no AWS credentials were found/);
    expect(result.stderr).toContain('aws configure');
    expect(result.stderr).not.toMatch(/Unexpected error|at .*\.js:\d+/);
  });

  it('expired: says so and how to refresh, exit 1 (mocked: the emulator never expires credentials)', async () => {
    dynamo.on(GetCommand).rejects(
      Object.assign(new Error('The security token included in the request is expired'), {
        name: 'ExpiredTokenException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const stdout = sink();
    const stderr = sink();
    const code = await run(['show_environment', '-e', 'staging'], {
      stdin: process.stdin,
      stdout,
      stderr,
      env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', NO_COLOR: '1' },
      cwd: process.cwd(),
    });
    expect(code).toBe(1);
    expect(stderr.text).toContain('your AWS session has expired');
    expect(stderr.text).toContain('aws sso login');
    expect(stdout.text).toBe('');
  });
});
