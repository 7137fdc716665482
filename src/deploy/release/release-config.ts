// The configuration half of a release: env.sample checked against Parameter Store in both directions (read-only,
// before anything is written), giving the container secrets and a fingerprint of the parameter versions.
import { createHash } from 'node:crypto';
import type { Context } from '../../context.js';
import type { SecretReference } from '../../core/config/env-sample.js';
import { configVersionsText } from '../../core/release/task-definition.js';
import { ValidationError } from '../../errors.js';
import { envSampleFileName, matchEnvSample, readEnvSample } from '../config/env-sample.js';

/** Secrets and the version fingerprint of one app's configuration in one environment. */
export interface ReleaseConfig {
  secrets: SecretReference[];
  /** sha256 (hex, 32 chars) of `KEY=version` lines: changes whenever a value is changed with edit_config. */
  fingerprint: string;
  /** The parameter versions fingerprinted, in env.sample order (names and versions, never values). */
  versions: { key: string; version: number }[];
}

/** The fingerprint of parameter versions, as stored in the task definition tag `cloudlift:config-versions`. */
export function fingerprintOf(versions: readonly { key: string; version: number }[]): string {
  return createHash('sha256').update(configVersionsText(versions)).digest('hex').slice(0, 32);
}

/**
 * Reads env.sample and the app's parameters once (without decrypting values) and fails with the exact keys when
 * they differ; the secrets come with a fingerprint of the parameter versions.
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
  const { secrets, versions } = await matchEnvSample(ctx, input, sample);
  return { secrets, fingerprint: fingerprintOf(versions), versions };
}
