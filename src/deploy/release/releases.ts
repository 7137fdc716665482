// The release ledger (table cloudlift_releases): every deploy_service and rollback is a release of an app in an
// environment — number, who, version, task definitions, config versions, outcome, duration — recorded also when it
// fails or is interrupted. Two ways to use it:
//   rollback:        withDeployLock(ctx, lock, () => withRelease(ctx, start, async (release) => { ...; release.note(...) }))
//   deploy_service:  recordDeploy(ctx, { app, environment, forceUnlock }, (recording) => deployService(ctx, {..., recording}))
//                    where deployService calls `recording.started(...)` just before its first change and
//                    `recording.services(...)` before its verdict; a deploy with nothing to do records nothing.
import { ecrApi } from '../../aws/ecr.js';
import { parameterStore } from '../../aws/ssm.js';
import { ecrRepositoryName, parameterPrefix } from '../../core/naming.js';
import {
  chooseRollbackTarget,
  durationBetween,
  gitShaOf,
  isNoTarget,
  nextReleaseNumber,
  serviceOutcomeRecord,
} from '../../core/release/releases.js';
import type { ServiceOutcome } from '../../core/release/deploy-verdict.js';
import type {
  Release,
  ReleaseKind,
  ReleaseOutcome,
  ServiceOutcomeRecord,
  ServiceRevision,
} from '../../core/release/releases.js';
import { CloudliftError, ConflictError, ExitCode, isCloudliftError, messageOf } from '../../errors.js';
import { cloudliftVersion } from '../../version.js';
import type { Context } from '../../context.js';
import { environmentRegion } from '../config/config-store.js';
import { acquireDeployLock, actorArn, openReleases } from './deploy-lock.js';
import type { HeldLock } from './deploy-lock.js';

export { acquireDeployLock, withDeployLock } from './deploy-lock.js';
export type { LockRequest } from './deploy-lock.js';

/** How many times a release number is re-picked when another writer took it (only without the lock). */
const numberAttempts = 5;

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
  Pick<Release, 'version' | 'gitSha' | 'image' | 'imageDigest' | 'services' | 'serviceOutcomes' | 'reason'>
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

/** Writes a new `in-progress` release with the next free number and returns it. */
export async function startRelease(ctx: Context, start: ReleaseStart): Promise<Release> {
  const table = await openReleases(ctx, { create: true });
  const region = start.region ?? (await environmentRegion(ctx, start.environment));
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
    await finishRelease(ctx, record, outcome, messageOf(error));
    throw error;
  }
  return { result, release: await finishRelease(ctx, record, 'succeeded') };
}

/** One service as deploy_service reports it (its ServiceResult). */
export interface DeployedService {
  name: string;
  ecsServiceName: string;
  taskDefinition?: string;
  previousTaskDefinition?: string;
  /** How its roll-out ended (kept per service in the ledger, so `releases` says which service failed and why). */
  outcome?: ServiceOutcome;
}

/** The per-service outcomes of deployed services (those that report one). */
export function outcomesOf(services: readonly DeployedService[]): ServiceOutcomeRecord[] {
  return services.flatMap((service) =>
    service.outcome === undefined ? [] : [serviceOutcomeRecord(service.name, service.outcome)],
  );
}

/** What the ledger says when a deploy starts. */
export interface StartedDeploy {
  number: number;
  /**
   * The release a plain `cloudlift rollback` would restore now (undefined: nothing earlier worked, or the ledger cannot
   * be read). Asked only when the deploy went wrong, so a good deploy does not read the ledger for it.
   */
  rollbackTarget(): Promise<number | undefined>;
}

/** What deploy_service tells the ledger; both calls are optional, `started` at most once. */
export interface DeployRecording {
  /** Just before the first change: takes the deploy lock and records an in-progress release. */
  started(facts: {
    region: string;
    version: string;
    image: string;
    imageDigest?: string;
  }): Promise<StartedDeploy>;
  /** Every service with the task definition it runs after the deploy (unchanged ones too) and its outcome. */
  services(services: readonly DeployedService[]): void;
}

function revisions(services: readonly DeployedService[]): ServiceRevision[] {
  return services.flatMap((service) =>
    service.taskDefinition === undefined
      ? []
      : [
          {
            component: service.name,
            ecsService: service.ecsServiceName,
            taskDefinition: service.taskDefinition,
            ...(service.previousTaskDefinition === undefined
              ? {}
              : { previousTaskDefinition: service.previousTaskDefinition }),
          },
        ],
  );
}

/** The digest ECR has for the release's tag (after the push), when it can be read. */
async function digestOf(ctx: Context, release: Release, region: string): Promise<string | undefined> {
  if (release.imageDigest !== undefined || release.version === undefined) {
    return release.imageDigest;
  }
  try {
    const ecr = await ecrApi(ctx, region);
    return (await ecr.findImage(ecrRepositoryName(release.app), release.version))?.digest;
  } catch {
    return undefined; // the digest is a nice-to-have in the ledger; the deploy's outcome matters more
  }
}

/**
 * Records deploy_service as a release: the lock and the release start when the deploy calls `started` (after its
 * read-only checks, so bad input writes nothing and a deploy with nothing to do records nothing), and the outcome is
 * recorded from what `body` returns or throws. The lock is released in any case.
 */
export async function recordDeploy<T>(
  ctx: Context,
  request: { app: string; environment: string; forceUnlock?: boolean },
  body: (recording: DeployRecording) => Promise<T>,
): Promise<T> {
  const { app, environment } = request;
  let held: HeldLock | undefined;
  let record: Release | undefined;
  let region = '';
  const recording: DeployRecording = {
    async started(facts) {
      held = await acquireDeployLock(ctx, { ...request, purpose: 'deploy_service' });
      region = facts.region;
      const { version, image, imageDigest } = facts;
      const gitSha = gitShaOf(version);
      const started = await startRelease(ctx, {
        app,
        environment,
        kind: 'deploy',
        region,
        version,
        image,
        ...(imageDigest === undefined ? {} : { imageDigest }),
        ...(gitSha === undefined ? {} : { gitSha }),
      });
      record = started;
      ctx.ui.info(`Recording this deploy as release v${started.number} of ${app} in ${environment}.`);
      return {
        number: started.number,
        // The lock keeps other deploys out, so the ledger still ends with this in-progress release.
        rollbackTarget: () =>
          listReleases(ctx, app, environment, 100).then(
            (releases) => {
              const target = chooseRollbackTarget(releases);
              return isNoTarget(target) ? undefined : target.number;
            },
            (error: unknown) => {
              ctx.ui.debug(`could not read the ledger for the rollback hint: ${messageOf(error)}`);
              return undefined;
            },
          ),
      };
    },
    services(services) {
      if (record !== undefined) {
        record = { ...record, services: revisions(services), serviceOutcomes: outcomesOf(services) };
      }
    },
  };
  const finish = async (outcome: ReleaseOutcome, reason?: string): Promise<void> => {
    if (record !== undefined) {
      const imageDigest = await digestOf(ctx, record, region);
      await finishRelease(
        ctx,
        { ...record, ...(imageDigest === undefined ? {} : { imageDigest }) },
        outcome,
        reason,
      );
    }
  };
  try {
    const result = await body(recording);
    await finish('succeeded');
    return result;
  } catch (error) {
    await finish(outcomeOfError(error), messageOf(error));
    throw error;
  } finally {
    await held?.release();
  }
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

/**
 * The ledger for `cloudlift releases`: like listReleases, but an environment that does not exist is an error (with the
 * create_environment hint) rather than an empty ledger that suggests deploying to it.
 */
export async function releasesOfEnvironment(
  ctx: Context,
  app: string,
  environment: string,
  limit: number,
): Promise<Release[]> {
  await environmentRegion(ctx, environment);
  return listReleases(ctx, app, environment, limit);
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
