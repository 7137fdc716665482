// A virtual clock for waiting loops: sleep() advances time instantly, so tests of polling run in microseconds.
import type { Clock } from '../../src/context.js';

/** A Clock whose time only moves when code sleeps (or the test calls advance). */
export class FakeClock implements Clock {
  private current: number;
  /** Every sleep duration asked for, in order. */
  readonly sleeps: number[] = [];

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
    this.current += ms;
    return Promise.resolve();
  }
}
