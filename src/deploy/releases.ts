// The release ledger and the deploy lock, for every command that changes what runs (deploy_service, rollback):
//   await withDeployLock(ctx, { app, environment, purpose: 'deploy_service', forceUnlock }, async () =>
//     withRelease(ctx, { app, environment, kind: 'deploy', version }, async (release) => {
//       ...; release.note({ services, imageDigest }); ...
//     }));
// The lock stops two deploys of one app in one environment from overlapping; the release records who deployed what,
// and how it ended — also when it failed or was interrupted.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ReleasesTable } from '../aws/releases-table.js';
import { callerIdentity } from '../aws/sts.js';
import { parameterStore } from '../aws/ssm.js';
import { parameterPrefix } from '../core/naming.js';
import {
  durationBetween,
  isLockExpired,
  lockHeldText,
  lockTtlSeconds,
  nextReleaseNumber,
} from '../core/releases.js';
import type { DeployLock, Release, ReleaseKind, ReleaseOutcome, ServiceRevision } from '../core/releases.js';
import { CloudliftError, ConflictError, ExitCode, isCloudliftError, messageOf } from '../errors.js';
import { cloudliftVersion } from '../version.js';
import type { Context } from '../context.js';

/** How often a held lock is pushed forward, so a long deploy never loses it to the TTL. */
const lockRefreshMs = 5 * 60 * 1000;
/** How many times a release number is re-picked when another writer took it (only without the lock). */
const numberAttempts = 5;

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

/** What asks for the deploy lock. */
export interface LockRequest {
  app: string;
  environment: string;
  /** What the holder does, shown to whoever finds the lock taken: `deploy_service`, `rollback to v3`. */
  purpose: string;
  /** `--force-unlock`: break a lock left by a crashed run before taking it. */
  forceUnlock?: boolean;
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

async function breakLock(ctx: Context, table: ReleasesTable, request: LockRequest): Promise<void> {
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

async function acquire(ctx: Context, table: ReleasesTable, request: LockRequest): Promise<DeployLock> {
  const now = ctx.clock.now();
  const lock: DeployLock = {
    app: request.app,
    environment: request.environment,
    holder: await actorArn(ctx),
    host: `${hostname()} (pid ${process.pid})`,
    purpose: request.purpose,
    acquiredAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + lockTtlSeconds * 1000).toISOString(),
    token: randomUUID(),
  };
  if (await table.acquireLock(lock, now)) {
    return lock;
  }
  const holder = await table.getLock(request.app, request.environment);
  if (holder === undefined || isLockExpired(holder, now)) {
    // Released (or expired) between our write and our read: one more try decides it.
    if (await table.acquireLock(lock, ctx.clock.now())) {
      return lock;
    }
  }
  const current = holder ?? (await table.getLock(request.app, request.environment));
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
async function keepAlive(
  ctx: Context,
  table: ReleasesTable,
  lock: DeployLock,
  stop: AbortSignal,
): Promise<void> {
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

/**
 * Runs `body` holding the deploy lock of one app in one environment, and releases the lock afterwards whatever
 * happens. Throws ConflictError (naming the holder and since when) when someone else holds it.
 */
export async function withDeployLock<T>(
  ctx: Context,
  request: LockRequest,
  body: (lock: DeployLock) => Promise<T>,
): Promise<T> {
  const table = await openReleases(ctx, { create: true });
  if (request.forceUnlock === true) {
    await breakLock(ctx, table, request);
  }
  const lock = await acquire(ctx, table, request);
  ctx.ui.debug(`Took the deploy lock of ${request.app} in ${request.environment} until ${lock.expiresAt}.`);
  const stop = new AbortController();
  const refresher = keepAlive(ctx, table, lock, stop.signal);
  try {
    return await body(lock);
  } finally {
    stop.abort();
    await refresher;
    try {
      if (!(await table.releaseLock(lock))) {
        ctx.ui.warn(
          `The deploy lock of ${request.app} in ${request.environment} was no longer ours when we finished.`,
        );
      }
    } catch (error) {
      ctx.ui.warn(
        `Could not release the deploy lock of ${request.app} in ${request.environment} (${messageOf(error)}); ` +
          `it expires at ${lock.expiresAt}, or the next deploy can pass --force-unlock.`,
      );
    }
  }
}

/** What is known when a release starts. */
export interface ReleaseStart {
  app: string;
  environment: string;
  kind: ReleaseKind;
  /** The environment's region (read from the configuration when omitted), for the SSM config versions. */
  region?: string;
  version?: string;
  gitSha?: string;
  image?: string;
  imageDigest?: string;
  services?: ServiceRevision[];
  rollbackOf?: number;
}

/** Facts learned while a release runs. */
export type ReleaseNote = Partial<
  Pick<Release, 'version' | 'gitSha' | 'image' | 'imageDigest' | 'services' | 'reason'>
>;

/** A release being made: note facts as they become known; withRelease records the outcome. */
export interface ReleaseInProgress {
  readonly number: number;
  readonly record: Release;
  note(facts: ReleaseNote): void;
}

/** The SSM parameter versions under `/<env>/<app>/` (names and versions, never values). */
export async function configVersions(
  ctx: Context,
  app: string,
  environment: string,
  region: string,
): Promise<Record<string, number>> {
  const store = await parameterStore(ctx, region);
  const parameters = await store.list(parameterPrefix(environment, app), { decrypt: false });
  return Object.fromEntries(parameters.map((parameter) => [parameter.key, parameter.version]));
}

async function environmentRegionOf(ctx: Context, environment: string): Promise<string> {
  const { environmentRegion } = await import('./config-store.js');
  return environmentRegion(ctx, environment);
}

/** Writes a new `in-progress` release with the next free number and returns it. */
export async function startRelease(ctx: Context, start: ReleaseStart): Promise<Release> {
  const table = await openReleases(ctx, { create: true });
  const region = start.region ?? (await environmentRegionOf(ctx, start.environment));
  const base: Omit<Release, 'number'> = {
    app: start.app,
    environment: start.environment,
    kind: start.kind,
    outcome: 'in-progress',
    startedAt: ctx.clock.now().toISOString(),
    actor: await actorArn(ctx),
    services: start.services ?? [],
    configVersions: await configVersions(ctx, start.app, start.environment, region),
    toolVersion: cloudliftVersion,
    ...pick(start, ['version', 'gitSha', 'image', 'imageDigest', 'rollbackOf']),
  };
  for (let attempt = 0; attempt < numberAttempts; attempt += 1) {
    const latest = (await table.list(start.app, start.environment, 1))[0];
    const release: Release = { ...base, number: nextReleaseNumber(latest?.number) };
    if (await table.insert(release)) {
      return release;
    }
  }
  throw new ConflictError(
    `Could not record a release of ${start.app} in ${start.environment}: ${numberAttempts} other releases were recorded at the same moment`,
    'Run the command again.',
  );
}

/** Records how a release ended (duration from its start). A failure to write is a warning, never the deploy's error. */
export async function finishRelease(
  ctx: Context,
  release: Release,
  outcome: ReleaseOutcome,
  reason?: string,
): Promise<Release> {
  const finishedAt = ctx.clock.now().toISOString();
  const finished: Release = {
    ...release,
    outcome,
    finishedAt,
    durationSeconds: durationBetween(release.startedAt, finishedAt),
    ...(reason === undefined ? {} : { reason }),
  };
  try {
    const table = await openReleases(ctx, { create: false });
    await table.update(finished);
  } catch (error) {
    ctx.ui.warn(
      `Could not record the outcome of release v${release.number} (${outcome}): ${messageOf(error)}`,
    );
  }
  return finished;
}

/** The outcome a thrown error means for the ledger. */
export function outcomeOfError(error: unknown): ReleaseOutcome {
  if (!isCloudliftError(error)) {
    return 'failed';
  }
  switch (error.exitCode) {
    case ExitCode.deployRolledBack:
      return 'rolled-back';
    case ExitCode.deployTimedOut:
      return 'timed-out';
    case ExitCode.interrupted:
      return 'cancelled';
    default:
      return error.code === 'Aborted' ? 'cancelled' : 'failed';
  }
}

/**
 * Records a release around `body`: `in-progress` before, then `succeeded` when it returns, or the outcome its error
 * means (failed, rolled back, timed out, cancelled) when it throws — the error is rethrown unchanged.
 */
export async function withRelease<T>(
  ctx: Context,
  start: ReleaseStart,
  body: (release: ReleaseInProgress) => Promise<T>,
): Promise<{ result: T; release: Release }> {
  let record = await startRelease(ctx, start);
  ctx.ui.info(`Recording this as release v${record.number} of ${start.app} in ${start.environment}.`);
  const handle: ReleaseInProgress = {
    get number() {
      return record.number;
    },
    get record() {
      return record;
    },
    note(facts) {
      record = { ...record, ...facts };
    },
  };
  let result: T;
  try {
    result = await body(handle);
  } catch (error) {
    const outcome = outcomeOfError(error);
    await finishRelease(ctx, record, outcome, isCloudliftError(error) ? error.message : messageOf(error));
    throw error;
  }
  return { result, release: await finishRelease(ctx, record, 'succeeded') };
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) {
    if (source[key] !== undefined) {
      out[key] = source[key];
    }
  }
  return out;
}

/** The ledger of an app in an environment, newest first (empty when nothing was recorded yet). */
export async function listReleases(
  ctx: Context,
  app: string,
  environment: string,
  limit?: number,
): Promise<Release[]> {
  const table = await openReleases(ctx, { create: false });
  return table.list(app, environment, limit);
}

/** One release, or an error saying it does not exist. */
export async function getRelease(
  ctx: Context,
  app: string,
  environment: string,
  number: number,
): Promise<Release> {
  const table = await openReleases(ctx, { create: false });
  const release = await table.get(app, environment, number);
  if (release === undefined) {
    throw new CloudliftError(
      'ReleaseNotFound',
      `Release v${number} of ${app} in ${environment} does not exist`,
      {
        hint: `List the releases with: cloudlift releases -e ${environment} --name ${app}`,
      },
    );
  }
  return release;
}
