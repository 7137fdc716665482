// A virtual clock for waiting loops: sleep() advances time instantly, so tests of polling run in microseconds.
import type { Clock } from '../../src/context.js';

/** A Clock whose time only moves when code sleeps (or the test calls advance). */
export class FakeClock implements Clock {
  private current: number;
  /** Every sleep duration asked for, in order. */
  readonly sleeps: number[] = [];
  /** Called on every sleep with the number of sleeps so far (e.g. to abort a signal at the n-th wait). */
  onSleep: ((count: number) => void) | undefined;

  constructor(start: Date | string = '2025-01-01T00:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves time forward without sleeping. */
  advance(ms: number): void {
    this.current += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) {
      return Promise.reject(signal.reason as Error);
    }
    this.sleeps.push(ms);
    this.onSleep?.(this.sleeps.length);
    if (isAborted(signal)) {
      return Promise.reject(signal?.reason as Error);
    }
    this.current += ms;
    return Promise.resolve();
  }
}

/** Read through a function so TypeScript does not assume the flag is unchanged after onSleep ran. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
