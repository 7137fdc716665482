// The deploy lock's life cycle against an in-memory lock table: while held, its release is registered as a
// last-chance cleanup (run by main.ts on a second Ctrl-C, which quits without unwinding); a normal release
// unregisters it. The lock in DynamoDB itself is tested against the testbed in test/integration/operate.test.ts.
import { describe, expect, it } from 'vitest';
import type { Clock, Context } from '../../../src/context.js';
import { lockIn } from '../../../src/deploy/release/deploy-lock.js';
import type { LockTable } from '../../../src/deploy/release/deploy-lock.js';
import type { DeployLock } from '../../../src/core/release/releases.js';
import { ConflictError } from '../../../src/errors.js';
import { makeTestContext } from '../../support/context.js';

/** One lock slot, like item `release = 0` of cloudlift_releases. */
function memoryTable(): LockTable & { held: DeployLock | undefined } {
  const table = {
    held: undefined as DeployLock | undefined,
    getLock: () => Promise.resolve(table.held),
    acquireLock: (lock: DeployLock) => {
      if (table.held !== undefined) {
        return Promise.resolve(false);
      }
      table.held = lock;
      return Promise.resolve(true);
    },
    refreshLock: (lock: DeployLock) => Promise.resolve(table.held?.token === lock.token),
    releaseLock: (lock: DeployLock) => {
      const ours = table.held?.token === lock.token;
      if (ours) {
        table.held = undefined;
      }
      return Promise.resolve(ours);
    },
    breakLock: () => {
      const was = table.held;
      table.held = undefined;
      return Promise.resolve(was);
    },
  };
  return table;
}

/** A stopped clock: the lock's refresher sleeps until it is told to stop (refreshing is not under test here). */
const stoppedClock: Clock = {
  now: () => new Date('2026-11-26T12:00:00Z'),
  sleep: (_ms, signal) =>
    new Promise((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new Error('stopped')), { once: true });
    }),
};

/** A context whose cleanups are recorded, as main.ts keeps them. */
function recordingContext(): { ctx: Context; cleanups: Set<() => Promise<void>> } {
  const cleanups = new Set<() => Promise<void>>();
  const base = makeTestContext({ clock: stoppedClock });
  const ctx: Context = {
    ...base,
    cleanups: {
      add(task) {
        cleanups.add(task);
        return () => cleanups.delete(task);
      },
    },
  };
  return { ctx, cleanups };
}

const request = { app: 'shop', environment: 'staging', purpose: 'deploy_service' };
const holder = 'arn:aws:iam::123456789012:user/alice';

describe('the deploy lock and Ctrl-C', () => {
  it('registers its release as a cleanup while held, and unregisters it once released normally', async () => {
    const table = memoryTable();
    const { ctx, cleanups } = recordingContext();
    const held = await lockIn(ctx, table, request, holder);
    expect(table.held?.holder).toBe(holder);
    expect(cleanups.size).toBe(1);
    await held.release();
    expect(table.held).toBeUndefined();
    expect(cleanups.size).toBe(0);
  });

  it('gives the lock back when the cleanup runs (second Ctrl-C), and a later release does nothing more', async () => {
    const table = memoryTable();
    const { ctx, cleanups } = recordingContext();
    const held = await lockIn(ctx, table, request, holder);
    await Promise.all([...cleanups].map((task) => task()));
    expect(table.held).toBeUndefined();
    // Someone else takes it now; our late release must not remove theirs.
    const other = await lockIn(recordingContext().ctx, table, request, 'arn:aws:iam::123456789012:user/bob');
    await held.release();
    expect(table.held?.token).toBe(other.lock.token);
  });

  it('registers nothing when the lock is held by someone else', async () => {
    const table = memoryTable();
    await lockIn(recordingContext().ctx, table, request, 'arn:aws:iam::123456789012:user/bob');
    const { ctx, cleanups } = recordingContext();
    await expect(lockIn(ctx, table, request, holder)).rejects.toBeInstanceOf(ConflictError);
    expect(cleanups.size).toBe(0);
  });
});
