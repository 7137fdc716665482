// The Context: everything a command may touch outside pure code, built once in main.ts and passed down.
import type { AwsClients } from './aws/clients.js';
import type { DockerRunner } from './docker/docker.js';
import type { Ui } from './ui/output.js';

/** Environment variables, read-only. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Time, injectable so waiting loops can be tested without sleeping. */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or rejects early when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Options every command accepts. */
export interface GlobalOptions {
  profile?: string;
  region?: string;
  yes: boolean;
  json: boolean;
  color: boolean;
  verbose: boolean;
}

/** Last-chance work when the user presses Ctrl-C twice (e.g. releasing a deploy lock); best effort, ~3 s. */
export interface Cleanups {
  /** Registers a task; call the returned function once the task is no longer needed. */
  add(task: () => Promise<void>): () => void;
}

/** What a command handler receives. */
export interface Context {
  readonly ui: Ui;
  readonly aws: AwsClients;
  readonly docker: DockerRunner;
  readonly clock: Clock;
  readonly cwd: string;
  readonly env: Env;
  readonly globals: GlobalOptions;
  /** Aborted on the first Ctrl-C; long waits watch it and stop cleanly. */
  readonly signal: AbortSignal;
  /** Run on a second Ctrl-C, just before the process quits without finishing. */
  readonly cleanups: Cleanups;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason as Error);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
