// The env.sample contract: the keys an app declares must be exactly the keys stored in Parameter Store, both ways.
// Pure: deploy reads the file and the store, this decides.
import { checkKey } from './env-file.js';
import type { EnvProblem } from './env-file.js';

/** What comparing env.sample with the store found. */
export interface EnvSampleReport {
  /** True when both sides hold the same keys and env.sample has no unusable lines. */
  ok: boolean;
  /** env.sample's keys in file order, each once. */
  sampleKeys: string[];
  /** Declared in env.sample, absent from the store (deploy cannot give them a value). */
  missingInStore: string[];
  /** Stored, but not declared in env.sample (the original refused these too). */
  missingInSample: string[];
  /** Lines of env.sample that name no usable key. */
  problems: EnvProblem[];
}

/**
 * The keys of an env.sample text, in order, as the original read them: lines trimmed, blank and `#` lines skipped,
 * the key is the text before the first `=` (values are examples and ignored). A bare `KEY` line (which crashed the
 * original) counts as a key. Repeated keys count once.
 */
export function envSampleKeys(sampleText: string): { keys: string[]; problems: EnvProblem[] } {
  const keys: string[] = [];
  const problems: EnvProblem[] = [];
  sampleText
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const trimmed = raw.trim();
      if (trimmed === '' || trimmed.startsWith('#')) {
        return;
      }
      const equals = trimmed.indexOf('=');
      const key = equals < 0 ? trimmed : trimmed.slice(0, equals);
      const problem = checkKey(key);
      if (problem !== undefined) {
        problems.push({ line: index + 1, message: problem });
      } else if (!keys.includes(key)) {
        keys.push(key);
      }
    });
  return { keys, problems };
}

/** Compares env.sample's keys with the store's keys in both directions. */
export function checkEnvSample(sampleText: string, storeKeys: readonly string[]): EnvSampleReport {
  const { keys, problems } = envSampleKeys(sampleText);
  const stored = new Set(storeKeys);
  const declared = new Set(keys);
  const missingInStore = keys.filter((key) => !stored.has(key));
  const missingInSample = [...stored].filter((key) => !declared.has(key)).sort();
  return {
    ok: missingInStore.length === 0 && missingInSample.length === 0 && problems.length === 0,
    sampleKeys: keys,
    missingInStore,
    missingInSample,
    problems,
  };
}

/** One ECS container secret: the variable name and the ARN of the parameter ECS resolves at task start. */
export interface SecretReference {
  name: string;
  valueFrom: string;
}

/**
 * The container `secrets` in env.sample order, as the original built them. Keys without an ARN are skipped; call
 * this after `checkEnvSample` reported ok.
 */
export function secretReferences(
  sampleKeys: readonly string[],
  arnByKey: ReadonlyMap<string, string>,
): SecretReference[] {
  const references: SecretReference[] = [];
  for (const key of sampleKeys) {
    const arn = arnByKey.get(key);
    if (arn !== undefined) {
      references.push({ name: key, valueFrom: arn });
    }
  }
  return references;
}

/** Plain-language lines describing a mismatch (keys only), for errors and warnings. */
export function describeEnvSampleMismatch(report: EnvSampleReport): string[] {
  const lines: string[] = [];
  if (report.missingInStore.length > 0) {
    lines.push(`in env.sample but not in Parameter Store: ${report.missingInStore.join(', ')}`);
  }
  if (report.missingInSample.length > 0) {
    lines.push(`in Parameter Store but not in env.sample: ${report.missingInSample.join(', ')}`);
  }
  for (const problem of report.problems) {
    lines.push(`env.sample line ${problem.line}: ${problem.message}`);
  }
  return lines;
}

/** The exact commands that fix a mismatch, for hints. */
export function envSampleFixHint(report: EnvSampleReport, environment: string, app: string): string {
  const base = `cloudlift edit_config -e ${environment} --name ${app}`;
  const parts: string[] = [];
  if (report.missingInStore.length > 0) {
    const sets = report.missingInStore.map((key) => `--set ${key}=...`).join(' ');
    parts.push(`Set the missing values with \`${base} ${sets}\` (or remove those keys from env.sample).`);
  }
  if (report.missingInSample.length > 0) {
    const unsets = report.missingInSample.map((key) => `--unset ${key}`).join(' ');
    const them = report.missingInSample.length === 1 ? 'it' : 'them';
    parts.push(
      `Add ${report.missingInSample.join(', ')} to env.sample, or remove ${them} with \`${base} ${unsets}\`.`,
    );
  }
  if (report.problems.length > 0) {
    parts.push('Fix the env.sample lines listed above: one KEY=example per line.');
  }
  return parts.join(' ');
}
