// Secret test values and a log of every CLI run, shared by all workers of one vitest run through a private folder, so
// that one test at the end (test/integration/zz-secret-leaks.test.ts) can check that no run printed a secret unless
// --reveal asked for it. The folder is keyed by the vitest main process (pid and start time), not by a worker, unless
// CLOUDLIFT_TEST_RUNS_DIR names one that several vitest runs share (scripts/test.mjs runs shards, then the check).
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { expect } from 'vitest';

/** Values shorter than this cannot be told from ordinary output ("80" is in every port number), so they are not checked. */
export const minimumSecretLength = 8;

/** One CLI run as runCli saw it. */
export interface RecordedRun {
  /** The test file and test that ran it (empty outside a test, e.g. in beforeAll). */
  file: string;
  test: string;
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

/** A registered secret and the test file that created it. */
export interface RegisteredSecret {
  value: string;
  file: string;
}

const root = join(tmpdir(), 'cloudlift-test-runs');

/** The vitest main process: the parent of a forked worker, the process itself for thread workers and the main. */
function vitestPid(): number {
  const inWorker = process.env.VITEST_WORKER_ID !== undefined;
  return inWorker && isMainThread ? process.ppid : process.pid;
}

/** A pid plus its start time (Linux), so a later run that reuses the pid never reads this run's log. */
function processKey(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '0';
    return `${pid}-${startTime}`;
  } catch {
    return `${pid}-0`;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let folder: string | undefined;

/** This vitest run's log folder (mode 0700); the first call also removes the folders of runs that have ended. */
export function runLogFolder(): string {
  if (folder !== undefined) {
    return folder;
  }
  const shared = process.env.CLOUDLIFT_TEST_RUNS_DIR;
  if (shared) {
    // scripts/test.mjs: the integration shards and the final leak check are separate vitest runs sharing one folder
    folder = shared;
    mkdirSync(join(folder, 'runs'), { recursive: true, mode: 0o700 });
    mkdirSync(join(folder, 'secrets'), { recursive: true, mode: 0o700 });
    return folder;
  }
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const key = processKey(vitestPid());
  for (const name of readdirSync(root)) {
    const pid = Number(name.split('-')[0]);
    if (name !== key && Number.isInteger(pid) && !alive(pid)) {
      rmSync(join(root, name), { recursive: true, force: true });
    }
  }
  folder = join(root, key);
  mkdirSync(join(folder, 'runs'), { recursive: true, mode: 0o700 });
  mkdirSync(join(folder, 'secrets'), { recursive: true, mode: 0o700 });
  return folder;
}

function currentTest(): { file: string; test: string } {
  const state = expect.getState();
  return { file: state.testPath ?? '', test: state.currentTestName ?? '' };
}

// A worker process may run several test files, each with fresh module state: the instance id keeps names apart.
const instance = randomUUID().slice(0, 8);
let sequence = 0;

/** Appends one CLI run (arguments and everything it printed) to this vitest run's log. */
export function recordRun(run: Omit<RecordedRun, 'file' | 'test'>): void {
  sequence += 1;
  const name = `${Date.now()}-${process.pid}-${instance}-${String(sequence).padStart(5, '0')}.json`;
  const file = join(runLogFolder(), 'runs', name);
  writeFileSync(file, JSON.stringify({ ...currentTest(), ...run }), { mode: 0o600 });
}

/**
 * Marks `value` as a secret that no CLI output may contain unless the run had --reveal; returns it. Throws for
 * values too short to check (give tests distinctive values, e.g. `s3cr3t-<label>-<uuid>`).
 */
export function registerSecret(value: string): string {
  if (value.length < minimumSecretLength) {
    throw new Error(
      `registerSecret: "${value}" is too short to find in output; use a longer, distinctive value`,
    );
  }
  const line = JSON.stringify({ value, file: currentTest().file }) + '\n';
  appendFileSync(join(runLogFolder(), 'secrets', `${process.pid}-${instance}.jsonl`), line, { mode: 0o600 });
  return value;
}

/** Every CLI run recorded so far in this vitest run, by every worker. */
export function recordedRuns(): RecordedRun[] {
  const runs = join(runLogFolder(), 'runs');
  return readdirSync(runs)
    .sort()
    .map((name) => JSON.parse(readFileSync(join(runs, name), 'utf8')) as RecordedRun);
}

/** Every secret registered so far in this vitest run, by every worker. */
export function registeredSecrets(): RegisteredSecret[] {
  const secrets = join(runLogFolder(), 'secrets');
  return readdirSync(secrets).flatMap((name) =>
    readFileSync(join(secrets, name), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as RegisteredSecret),
  );
}

/** What a scan found: leaks name the run; `revealed` counts secrets seen in --reveal runs (proof the scan sees them). */
export interface LeakScan {
  scanned: number;
  revealRuns: number;
  revealed: number;
  leaks: string[];
}

/**
 * The part of a secret searched for: long values lose 4 characters at each end, so a value printed cut short or
 * padded still counts, while a mask (`ab****yz` shows 2 + 2 characters) never matches.
 */
export function needleOf(value: string): string {
  return value.length >= 16 ? value.slice(4, -4) : value;
}

/** Looks for every secret in the output (stdout and stderr, not the arguments) of every run. */
export function scanForLeaks(
  runs: readonly Pick<RecordedRun, 'file' | 'test' | 'args' | 'stdout' | 'stderr'>[],
  secrets: readonly string[],
): LeakScan {
  const needles = [...new Set(secrets)].map((value) => ({ value, needle: needleOf(value) }));
  const hide = (text: string): string =>
    needles.reduce((shown, { value }) => shown.split(value).join('<secret>'), text);
  const scan: LeakScan = { scanned: runs.length, revealRuns: 0, revealed: 0, leaks: [] };
  for (const run of runs) {
    const output = `${run.stdout}\n${run.stderr}`;
    const shown = needles.filter(({ needle }) => output.includes(needle));
    if (run.args.includes('--reveal')) {
      scan.revealRuns += 1;
      scan.revealed += shown.length;
    } else if (shown.length > 0) {
      const where = [run.file, run.test].filter((part) => part !== '').join(' > ');
      scan.leaks.push(
        `${where}: \`cloudlift ${hide(run.args.join(' '))}\` printed ${shown.length} secret value(s)`,
      );
    }
  }
  return scan;
}
