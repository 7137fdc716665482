// The parts of the ledger use cases that need no AWS: how errors map to outcomes, and that a deploy which never
// reaches `started` (nothing to do, or bad input) writes nothing. The ledger itself is tested against the testbed in
// test/integration/operate.test.ts.
import { describe, expect, it } from 'vitest';
import { outcomeOfError, recordDeploy } from '../../../src/deploy/release/releases.js';
import { startTimeOf } from '../../../src/deploy/operate/logs.js';
import { AbortedError, CloudliftError, ExitCode, InterruptedError, UsageError } from '../../../src/errors.js';
import { FakeClock } from '../../support/clock.js';
import { makeTestContext } from '../../support/context.js';

/** A context whose every AWS call fails at once (nothing listens on port 9), so any call would surface. */
function offlineContext() {
  return makeTestContext({
    env: {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      CLOUDLIFT_AWS_MAX_ATTEMPTS: '1',
    },
    clock: new FakeClock('2026-11-26T12:00:00Z'),
  });
}

describe('outcomeOfError', () => {
  it('maps the deploy exit codes to release outcomes', () => {
    const failure = (exitCode: number) => new CloudliftError('X', 'x', { exitCode });
    expect(outcomeOfError(failure(ExitCode.deployFailed))).toBe('failed');
    expect(outcomeOfError(failure(ExitCode.deployRolledBack))).toBe('rolled-back');
    expect(outcomeOfError(failure(ExitCode.deployTimedOut))).toBe('timed-out');
    expect(outcomeOfError(failure(ExitCode.deployUnplaceable))).toBe('failed');
    expect(outcomeOfError(new InterruptedError('Interrupted'))).toBe('cancelled');
    expect(outcomeOfError(new AbortedError())).toBe('cancelled');
    expect(outcomeOfError(new TypeError('boom'))).toBe('failed');
  });
});

describe('recordDeploy', () => {
  it('records nothing and takes no lock when the deploy never starts changing things', async () => {
    const result = await recordDeploy(
      offlineContext(),
      { app: 'shop', environment: 'staging' },
      async (recording) => {
        recording.services([{ name: 'Web', ecsServiceName: 'web', taskDefinition: 'arn:td/WebFamily:1' }]);
        return Promise.resolve('nothing to deploy');
      },
    );
    expect(result).toBe('nothing to deploy');
  });

  it('passes a validation error through unchanged without touching AWS', async () => {
    const invalid = new UsageError('env.sample lists FOO, which is not in Parameter Store');
    await expect(
      recordDeploy(offlineContext(), { app: 'shop', environment: 'staging' }, () => Promise.reject(invalid)),
    ).rejects.toBe(invalid);
  });
});

describe('logs --since', () => {
  it('is checked before anything else, as a usage error', () => {
    const ctx = offlineContext();
    expect(startTimeOf(ctx, '15m')).toBe(Date.parse('2026-11-26T11:45:00Z'));
    expect(() => startTimeOf(ctx, 'yesterday')).toThrow(UsageError);
  });
});
