// Builds a real Context the way main.ts does, for calling use cases in-process, with the Ui writing into strings.
import { Writable } from 'node:stream';
import { AwsClients } from '../../src/aws/clients.js';
import type { Clock, Context, GlobalOptions } from '../../src/context.js';
import { systemClock } from '../../src/context.js';
import { ChildProcessDocker } from '../../src/docker/docker.js';
import { Ui } from '../../src/ui/output.js';

/** What the Ui wrote: data on stdout, messages and progress on stderr. */
export interface Capture {
  stdout: string;
  stderr: string;
}

/** A fresh, empty capture. */
export function newCapture(): Capture {
  return { stdout: '', stderr: '' };
}

/** How the test Context behaves. */
export interface TestContextOptions {
  /**
   * Environment variables. The AWS SDK reads its endpoint and credentials from process.env (as in the real CLI, where
   * ctx.env is process.env), so the AWS_* ones are also copied into process.env.
   */
  env?: Record<string, string>;
  /** `--yes`. @default false */
  yes?: boolean;
  /** Receives the output; read it after the call. @default a capture nobody reads */
  capture?: Capture;
  /** A person can answer prompts (needs a scripted prompt library; rarely useful in tests). @default false */
  interactive?: boolean;
  /** stderr is a colour terminal: the live progress board is drawn. @default false (plain lines, no colour) */
  live?: boolean;
  /** @default 100 */
  columns?: number;
  /** @default the system clock */
  clock?: Clock;
  /** Aborting it acts like Ctrl-C. @default never aborted */
  signal?: AbortSignal;
  /** @default process.cwd() */
  cwd?: string;
  /** `--region`. */
  region?: string;
  verbose?: boolean;
}

function sink(capture: Capture, stream: 'stdout' | 'stderr', tty: boolean, columns: number) {
  const writable = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      capture[stream] += chunk.toString();
      callback();
    },
  });
  return Object.assign(writable, { isTTY: tty, columns });
}

/** A Context like main.ts builds, whose Ui writes into `options.capture`. */
export function makeTestContext(options: TestContextOptions = {}): Context {
  const env: Record<string, string> = { ...(options.env ?? {}) };
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('AWS_')) {
      process.env[key] = value;
    }
  }
  const capture = options.capture ?? newCapture();
  const live = options.live ?? false;
  const columns = options.columns ?? 100;
  const globals: GlobalOptions = {
    yes: options.yes ?? false,
    json: false,
    color: live,
    verbose: options.verbose ?? false,
    ...(options.region === undefined ? {} : { region: options.region }),
  };
  const ui = new Ui({
    stdout: sink(capture, 'stdout', false, columns),
    stderr: sink(capture, 'stderr', live, columns),
    color: live,
    json: false,
    verbose: globals.verbose,
    interactive: options.interactive ?? false,
    yes: globals.yes,
  });
  return {
    ui,
    aws: new AwsClients({ region: options.region, env }),
    docker: new ChildProcessDocker(env),
    clock: options.clock ?? systemClock,
    cwd: options.cwd ?? process.cwd(),
    env,
    globals,
    signal: options.signal ?? new AbortController().signal,
    cleanups: { add: () => () => undefined },
  };
}
