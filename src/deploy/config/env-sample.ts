// env.sample on disk: reading it, and turning "env.sample vs Parameter Store" into the container secrets deploy
// needs (names and parameter ARNs in env.sample order, never values) or into an error naming the exact keys.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../../context.js';
import { parameterStore } from '../../aws/ssm.js';
import {
  checkEnvSample,
  describeEnvSampleMismatch,
  envSampleFixHint,
  secretReferences,
} from '../../core/config/env-sample.js';
import type { EnvSampleReport, SecretReference } from '../../core/config/env-sample.js';
import { parameterPrefix } from '../../core/naming.js';
import { CloudliftError, ValidationError } from '../../errors.js';

/** The file the original read the app's variable names from, in the app folder. */
export const envSampleFileName = 'env.sample';

/** The text of `<cwd>/env.sample` (or another file), or undefined when there is no such file. */
export async function readEnvSample(
  cwd: string,
  file: string = envSampleFileName,
): Promise<string | undefined> {
  try {
    return await readFile(join(cwd, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new CloudliftError(
      'EnvSampleUnreadable',
      `Cannot read ${join(cwd, file)}: ${(error as Error).message}`,
      {
        hint: 'Check the file permissions, then run the command again.',
      },
    );
  }
}

/** Throws a ValidationError naming the keys missing on each side, with the commands that fix them. */
export function assertEnvSampleMatches(report: EnvSampleReport, environment: string, app: string): void {
  if (report.ok) {
    return;
  }
  throw new ValidationError(`The configuration of ${app} in ${environment} does not match env.sample`, {
    code: 'EnvSampleMismatch',
    details: describeEnvSampleMismatch(report),
    hint: envSampleFixHint(report, environment, app),
  });
}

/** Where deploy's env.sample check looks. */
export interface TaskSecretsInput {
  environment: string;
  app: string;
  /** The environment's region (Parameter Store lives there). */
  region: string;
  /** The app folder holding env.sample. */
  cwd: string;
  /** @default 'env.sample' */
  sampleFile?: string;
}

/**
 * The container `secrets` for a deploy: checks env.sample against Parameter Store in both directions (failing with
 * the exact keys) and returns `(KEY, parameter ARN)` pairs in env.sample order. Values are not decrypted.
 */
export async function loadTaskSecrets(ctx: Context, input: TaskSecretsInput): Promise<SecretReference[]> {
  const file = input.sampleFile ?? envSampleFileName;
  const sample = await readEnvSample(input.cwd, file);
  if (sample === undefined) {
    throw new ValidationError(`No ${file} in ${input.cwd}`, {
      code: 'EnvSampleMissing',
      hint: `Run the command from the app folder, or create ${file} with one KEY= line per variable the app needs (see \`cloudlift edit_config -e ${input.environment} --name ${input.app} --list\`).`,
    });
  }
  return (await matchEnvSample(ctx, input, sample)).secrets;
}

/** env.sample's keys matched with the app's parameters. */
export interface EnvSampleMatch {
  /** The Parameter Store version of each env.sample key, in env.sample order. */
  versions: { key: string; version: number }[];
  /** `(KEY, parameter ARN)` pairs in env.sample order: the container `secrets`. */
  secrets: SecretReference[];
}

/**
 * Reads the app's parameters once (without decrypting values) and checks them against the env.sample text in both
 * directions, failing with the exact keys when they differ.
 */
export async function matchEnvSample(
  ctx: Context,
  input: { environment: string; app: string; region: string },
  sample: string,
): Promise<EnvSampleMatch> {
  const store = await parameterStore(ctx, input.region);
  const parameters = await store.list(parameterPrefix(input.environment, input.app), { decrypt: false });
  const report = checkEnvSample(
    sample,
    parameters.map((parameter) => parameter.key),
  );
  assertEnvSampleMatches(report, input.environment, input.app);
  const byKey = new Map(parameters.map((parameter) => [parameter.key, parameter]));
  return {
    versions: report.sampleKeys.map((key) => ({ key, version: byKey.get(key)?.version ?? 0 })),
    secrets: secretReferences(
      report.sampleKeys,
      new Map(parameters.map((parameter) => [parameter.key, parameter.arn])),
    ),
  };
}
