// The deploy lock of one app in one environment (item `release = 0` of cloudlift_releases): taken before a deploy or
// rollback changes anything, refreshed while it runs, released in `finally`. A lock left by a crashed run expires
// after lockTtlSeconds, or is broken with --force-unlock.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ReleasesTable } from '../../aws/releases-table.js';
import { callerIdentity } from '../../aws/sts.js';
import { isLockExpired, lockHeldText, lockTtlSeconds } from '../../core/release/releases.js';
import type { DeployLock } from '../../core/release/releases.js';
import { ConflictError, messageOf } from '../../errors.js';
import type { Context } from '../../context.js';

/** How often a held lock is pushed forward, so a long deploy never loses it to the TTL. */
const lockRefreshMs = 5 * 60 * 1000;

/** Opens the ledger table in the default region (where the configuration tables live), creating it if asked. */
export async function openReleases(ctx: Context, options: { create: boolean }): Promise<ReleasesTable> {
  const table = await ReleasesTable.open(await ctx.aws.config());
  if (options.create && !(await table.exists())) {
    ctx.ui.info(
      `Creating the DynamoDB table ${table.name} in ${table.region} (first release in this account and region)...`,
    );
    await table.create();
    ctx.ui.info(`Created ${table.name}.`);
  }
  return table;
}

const actors = new WeakMap<Context, Promise<string>>();

/** The STS caller ARN of this run (asked once per Context). */
export function actorArn(ctx: Context): Promise<string> {
  let actor = actors.get(ctx);
  if (actor === undefined) {
    actor = callerIdentity(ctx).then((identity) => identity.arn || 'unknown');
    actors.set(ctx, actor);
  }
  return actor;
}

/** What asks for the deploy lock. */
export interface LockRequest {
  app: string;
  environment: string;
  /** What the holder does, shown to whoever finds the lock taken: `deploy_service`, `rollback to v3`. */
  purpose: string;
  /** `--force-unlock`: break a lock left by a crashed run before taking it. */
  forceUnlock?: boolean;
}

/** The lock operations of the ledger table (ReleasesTable), so the lock's life cycle can be tested in memory. */
export type LockTable = Pick<
  ReleasesTable,
  'getLock' | 'acquireLock' | 'refreshLock' | 'releaseLock' | 'breakLock'
>;

/** A lock this run holds; `release()` gives it back (safe to call twice). */
export interface HeldLock {
  readonly lock: DeployLock;
  release(): Promise<void>;
}

async function breakLock(ctx: Context, table: LockTable, request: LockRequest): Promise<void> {
  const broken = await table.breakLock(request.app, request.environment);
  if (broken === undefined) {
    ctx.ui.info(`--force-unlock: no deploy lock was held for ${request.app} in ${request.environment}.`);
    return;
  }
  ctx.ui.warn(
    `--force-unlock: broke the deploy lock of ${request.app} in ${request.environment} held by ${broken.holder} ` +
      `on ${broken.host} since ${broken.acquiredAt} (${broken.purpose}).`,
  );
}

async function acquire(
  ctx: Context,
  table: LockTable,
  request: LockRequest,
  holder: string,
): Promise<DeployLock> {
  const now = ctx.clock.now();
  const lock: DeployLock = {
    app: request.app,
    environment: request.environment,
    holder,
    host: `${hostname()} (pid ${process.pid})`,
    purpose: request.purpose,
    acquiredAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + lockTtlSeconds * 1000).toISOString(),
    token: randomUUID(),
  };
  if (await table.acquireLock(lock, now)) {
    return lock;
  }
  const other = await table.getLock(request.app, request.environment);
  // Released (or expired) between our write and our read: one more try decides it.
  if (
    (other === undefined || isLockExpired(other, now)) &&
    (await table.acquireLock(lock, ctx.clock.now()))
  ) {
    return lock;
  }
  const current = other ?? (await table.getLock(request.app, request.environment));
  if (current === undefined) {
    throw new ConflictError(
      `Could not take the deploy lock of ${request.app} in ${request.environment}: it changed hands twice while we tried`,
      'Run the command again.',
    );
  }
  const text = lockHeldText(current, now);
  throw new ConflictError(text.message, text.hint);
}

/** Pushes the lock's expiry forward every few minutes until `stop` aborts. */
async function keepAlive(ctx: Context, table: LockTable, lock: DeployLock, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    try {
      await ctx.clock.sleep(lockRefreshMs, stop);
    } catch {
      return; // stopped
    }
    const expiresAt = new Date(ctx.clock.now().getTime() + lockTtlSeconds * 1000).toISOString();
    try {
      if (!(await table.refreshLock({ ...lock, expiresAt }))) {
        ctx.ui.warn(
          `The deploy lock of ${lock.app} in ${lock.environment} was broken by someone else (--force-unlock).`,
        );
        return;
      }
    } catch (error) {
      ctx.ui.warn(`Could not refresh the deploy lock (it expires at ${lock.expiresAt}): ${messageOf(error)}`);
    }
  }
}

/** Takes the deploy lock (breaking a stale one first with forceUnlock); throws ConflictError naming the holder. */
export async function acquireDeployLock(ctx: Context, request: LockRequest): Promise<HeldLock> {
  const table = await openReleases(ctx, { create: true });
  return lockIn(ctx, table, request, await actorArn(ctx));
}

/**
 * acquireDeployLock on a given table, for `holder` (an STS caller ARN). While the lock is held, its release is also registered as a last-chance
 * cleanup (ctx.cleanups), so a second Ctrl-C, which quits without unwinding, still gives the lock back.
 */
export async function lockIn(
  ctx: Context,
  table: LockTable,
  request: LockRequest,
  holder: string,
): Promise<HeldLock> {
  if (request.forceUnlock === true) {
    await breakLock(ctx, table, request);
  }
  const lock = await acquire(ctx, table, request, holder);
  ctx.ui.debug(`Took the deploy lock of ${request.app} in ${request.environment} until ${lock.expiresAt}.`);
  const stop = new AbortController();
  const refresher = keepAlive(ctx, table, lock, stop.signal);
  let releasing: Promise<void> | undefined;
  const giveBack = async (): Promise<void> => {
    stop.abort();
    await refresher;
    try {
      if (!(await table.releaseLock(lock))) {
        ctx.ui.warn(
          `The deploy lock of ${lock.app} in ${lock.environment} was no longer ours when we finished.`,
        );
      }
    } catch (error) {
      ctx.ui.warn(
        `Could not release the deploy lock of ${lock.app} in ${lock.environment} (${messageOf(error)}); ` +
          `it expires at ${lock.expiresAt}, or the next deploy can pass --force-unlock.`,
      );
    }
  };
  // The same promise for every caller: a second Ctrl-C during a normal release waits for that release.
  const release = (): Promise<void> => (releasing ??= giveBack());
  const unregister = ctx.cleanups.add(release);
  return {
    lock,
    async release() {
      try {
        await release();
      } finally {
        unregister();
      }
    },
  };
}

/**
 * Runs `body` holding the deploy lock of one app in one environment, and releases the lock afterwards whatever
 * happens. Throws ConflictError (naming the holder and since when) when someone else holds it.
 */
export async function withDeployLock<T>(
  ctx: Context,
  request: LockRequest,
  body: (lock: DeployLock) => Promise<T>,
): Promise<T> {
  const held = await acquireDeployLock(ctx, request);
  try {
    return await body(held.lock);
  } finally {
    await held.release();
  }
}
