// Runs the real, built cloudlift CLI as a child process, the way users and CI run it, and logs every run's output for
// the suite's secret-leak check.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { recordRun } from './secrets.js';

/** Path of the executable under test (built by `npm test` before vitest starts). */
export const cliPath = fileURLToPath(new URL('../../bin/cloudlift.mjs', import.meta.url));

/** Environment for runs that must not need AWS: a dead endpoint and no credentials anywhere. */
export const unreachableAws: Record<string, string | undefined> = {
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_PROFILE: undefined,
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
};

/** What one CLI run produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for one CLI run. */
export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Written to stdin, then stdin is closed (so no prompt can wait forever). */
  input?: string;
  /** Send SIGINT after this many ms. */
  interruptAfterMs?: number;
  timeoutMs?: number;
}

/** Runs `cloudlift ...args` and collects its exit code and output. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
    for (const key of Object.keys(env)) {
      if (env[key] === undefined) {
        delete env[key];
      }
    }
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd,
      env: env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `cloudlift ${args.join(' ')} did not finish in ${options.timeoutMs ?? 120_000} ms\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 120_000);
    if (options.interruptAfterMs !== undefined) {
      setTimeout(() => child.kill('SIGINT'), options.interruptAfterMs);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timeout);
      const result = { code: code ?? (signal === 'SIGINT' ? 130 : 1), stdout, stderr };
      // Every run of the suite is logged for the secret-leak check (test/integration/zz-secret-leaks.test.ts).
      try {
        recordRun({ args: [...args], ...result });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      resolve(result);
    });
    child.stdin.end(options.input ?? '');
  });
}
