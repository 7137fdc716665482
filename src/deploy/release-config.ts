// The configuration half of a release: env.sample checked against Parameter Store in both directions (read-only,
// before anything is written), giving the container secrets and a fingerprint of the parameter versions.
import { createHash } from 'node:crypto';
import type { Context } from '../context.js';
import { parameterStore } from '../aws/ssm.js';
import { checkEnvSample, secretReferences } from '../core/env-sample.js';
import type { SecretReference } from '../core/env-sample.js';
import { parameterPrefix } from '../core/naming.js';
import { configVersionsText } from '../core/task-definition.js';
import { ValidationError } from '../errors.js';
import { assertEnvSampleMatches, envSampleFileName, readEnvSample } from './env-sample.js';

/** Secrets and the version fingerprint of one app's configuration in one environment. */
export interface ReleaseConfig {
  secrets: SecretReference[];
  /** sha256 (hex, 32 chars) of `KEY=version` lines: changes whenever a value is changed with edit_config. */
  fingerprint: string;
}

/**
 * Reads env.sample and the app's parameters once (without decrypting values) and fails with the exact keys when
 * they differ. Like `loadTaskSecrets` in env-sample.ts, plus the parameter versions deploy needs for the fingerprint.
 */
export async function loadReleaseConfig(
  ctx: Context,
  input: { environment: string; app: string; region: string },
): Promise<ReleaseConfig> {
  const sample = await readEnvSample(ctx.cwd);
  if (sample === undefined) {
    throw new ValidationError(`env.sample not found in ${ctx.cwd}`, {
      code: 'EnvSampleMissing',
      hint: `Run the command from the app folder, or create ${envSampleFileName} with one KEY= line per variable the app needs (empty if it needs none).`,
    });
  }
  const store = await parameterStore(ctx, input.region);
  const parameters = await store.list(parameterPrefix(input.environment, input.app), { decrypt: false });
  const report = checkEnvSample(
    sample,
    parameters.map((parameter) => parameter.key),
  );
  assertEnvSampleMatches(report, input.environment, input.app);
  const byKey = new Map(parameters.map((parameter) => [parameter.key, parameter]));
  const versions = report.sampleKeys.map((key) => ({ key, version: byKey.get(key)?.version ?? 0 }));
  return {
    secrets: secretReferences(
      report.sampleKeys,
      new Map(parameters.map((parameter) => [parameter.key, parameter.arn])),
    ),
    fingerprint: createHash('sha256').update(configVersionsText(versions)).digest('hex').slice(0, 32),
  };
}
