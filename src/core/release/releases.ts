// The release ledger's rules: what a release is, how outcomes read, which release a rollback restores, the command
// that undoes a rollback, and the deploy lock's texts. Pure: times come in as arguments (the table: release-table.ts).
import type { ServiceOutcome } from './deploy-verdict.js';
import { formatElapsed } from '../duration.js';

/** How a release ended; `in-progress` until the deploy that owns it finishes. */
export type ReleaseOutcome =
  'in-progress' | 'succeeded' | 'failed' | 'rolled-back' | 'timed-out' | 'cancelled';

/** What made the release. */
export type ReleaseKind = 'deploy' | 'rollback' | 'config';

/** One ECS service's task definition in a release. */
export interface ServiceRevision {
  /** The logical service (`<Svc>`, a key of the config's `services`). */
  component: string;
  /** The ECS service name (from the stack output `<Svc>EcsServiceName`). */
  ecsService: string;
  /** The task definition ARN the release rolled out. */
  taskDefinition: string;
  /** The task definition the service ran before, when known. */
  previousTaskDefinition?: string;
  /** The image of the service's main container. */
  image?: string;
}

/** How one ECS service of a release ended, and why when it did not succeed. */
export interface ServiceOutcomeRecord {
  /** The logical service (`<Svc>`). */
  component: string;
  /** The roll-out's outcome: succeeded, unchanged, failed, rolled-back, timed-out, unplaceable, interrupted, not-started. */
  outcome: ServiceOutcome['kind'];
  /** Why it did not succeed, in words (absent for succeeded and unchanged). */
  reason?: string;
}

/** One entry of the ledger: release `number` of `app` in `environment`. */
export interface Release {
  app: string;
  environment: string;
  number: number;
  kind: ReleaseKind;
  outcome: ReleaseOutcome;
  /** ISO-8601 times. */
  startedAt: string;
  finishedAt?: string;
  durationSeconds?: number;
  /** The STS caller ARN of whoever ran the command. */
  actor: string;
  /** The image tag (`deploy_service --version`, or the git sha). */
  version?: string;
  gitSha?: string;
  image?: string;
  imageDigest?: string;
  services: ServiceRevision[];
  /** SSM parameter versions under `/<env>/<app>/`, by variable name (never values). */
  configVersions?: Record<string, number>;
  /** The release a rollback restored. */
  rollbackOf?: number;
  /** Each ECS service's outcome (absent in records written before cloudlift kept it, and before any roll-out). */
  serviceOutcomes?: ServiceOutcomeRecord[];
  /** Why it failed, or a note. */
  reason?: string;
  /** The cloudlift version that wrote the record. */
  toolVersion?: string;
}

/** How long a deploy lock lives without being refreshed (and when an unfinished release counts as abandoned). */
export const lockTtlSeconds = 60 * 60;

/** The number a new release gets after `latest` (undefined when the ledger is empty). */
export function nextReleaseNumber(latest: number | undefined): number {
  return latest === undefined ? 1 : latest + 1;
}

/** The git commit of an image tag: deploy_service tags images with the full 40-character sha. */
export function gitShaOf(tag: string): string | undefined {
  return /^[0-9a-f]{40}$/.test(tag) ? tag : undefined;
}

/** The outcome to show: an `in-progress` release older than the lock TTL was abandoned (its process died). */
export function displayOutcome(release: Release, now: Date): ReleaseOutcome | 'abandoned' {
  if (release.outcome !== 'in-progress') {
    return release.outcome;
  }
  const started = Date.parse(release.startedAt);
  return Number.isFinite(started) && now.getTime() - started > lockTtlSeconds * 1000
    ? 'abandoned'
    : 'in-progress';
}

/** Seconds between two ISO times, rounded to a tenth, never negative. */
export function durationBetween(startedAt: string, finishedAt: string): number {
  const milliseconds = Date.parse(finishedAt) - Date.parse(startedAt);
  return Number.isFinite(milliseconds) ? Math.max(0, Math.round(milliseconds / 100) / 10) : 0;
}

/** What one service's roll-out outcome means for the ledger: its kind and, unless it went well, why. */
export function serviceOutcomeRecord(component: string, outcome: ServiceOutcome): ServiceOutcomeRecord {
  const reason = serviceOutcomeReason(outcome);
  return { component, outcome: outcome.kind, ...(reason === undefined ? {} : { reason }) };
}

function serviceOutcomeReason(outcome: ServiceOutcome): string | undefined {
  switch (outcome.kind) {
    case 'succeeded':
    case 'unchanged':
      return undefined;
    case 'failed': {
      const last = outcome.failures[outcome.failures.length - 1];
      // The task's own failure first: it is the "why" a narrow table cell still shows.
      return last === undefined || outcome.reason.includes(last.summary)
        ? outcome.reason
        : `${last.summary}; ${outcome.reason}`;
    }
    case 'rolled-back':
    case 'unplaceable':
      return outcome.reason;
    case 'timed-out':
      return `still rolling out when cloudlift stopped waiting (--timeout): ${outcome.progress.text}`;
    case 'interrupted':
      return `interrupted (Ctrl-C) while rolling out${outcome.progress === undefined ? '' : `: ${outcome.progress.text}`}`;
    case 'not-started':
      return 'not started: the command stopped before its turn (nothing changed)';
  }
}

/** True for the per-service outcomes that are not a success. */
export function wentWrong(record: ServiceOutcomeRecord): boolean {
  return record.outcome !== 'succeeded' && record.outcome !== 'unchanged';
}

/** Why a rollback target could not be chosen, in words for the user. */
export interface NoTarget {
  problem: string;
}

/**
 * The release a rollback restores. With `to`, that release (it must exist, be finished and name task definitions).
 * Without, the newest successful release before the latest one: after a good deploy that is the one before it;
 * after a failed deploy it is the last one that worked. Releases may come in any order.
 */
export function chooseRollbackTarget(releases: readonly Release[], to?: number): Release | NoTarget {
  const sorted = [...releases].sort((a, b) => b.number - a.number);
  const latest = sorted[0];
  if (latest === undefined) {
    return { problem: 'no releases are recorded yet' };
  }
  if (to !== undefined) {
    const chosen = sorted.find((release) => release.number === to);
    if (chosen === undefined) {
      return { problem: `release ${to} does not exist (the latest is ${latest.number})` };
    }
    if (chosen.outcome === 'in-progress') {
      return { problem: `release ${to} has not finished` };
    }
    if (chosen.services.length === 0) {
      return { problem: `release ${to} recorded no task definitions (it failed before registering any)` };
    }
    return chosen;
  }
  const target = sorted.find(
    (release) =>
      release.number < latest.number && release.outcome === 'succeeded' && release.services.length > 0,
  );
  return target ?? { problem: `no successful release before release ${latest.number}` };
}

/**
 * What `rollback` says when it has no release to go back to (undefined when it has one). Without --to, the way forward
 * is a deploy of a version known to work; with --to, another release.
 */
export function noRollbackTargetText(
  app: string,
  environment: string,
  releases: readonly Release[],
  to: number | undefined,
): { message: string; hint: string } | undefined {
  const target = chooseRollbackTarget(releases, to);
  if (!isNoTarget(target)) {
    return undefined;
  }
  const list = `cloudlift releases -e ${environment} --name ${app}`;
  if (to !== undefined) {
    return {
      message: `Cannot roll back ${app} in ${environment}: ${target.problem}; nothing was changed`,
      hint: `See the releases with \`${list}\` and pick one with --to N.`,
    };
  }
  const deploy = `Deploy a version you know works instead: cloudlift deploy_service -e ${environment} --name ${app} --version <sha>`;
  const latest = Math.max(...releases.map((release) => release.number));
  return releases.length === 0
    ? {
        message: `Nothing to roll back to: no releases of ${app} in ${environment} are recorded yet; nothing was changed`,
        hint: `${deploy} (deploys made with the original Cloudlift or by hand are not in the ledger).`,
      }
    : {
        message: `Nothing to roll back to: no successful release of ${app} in ${environment} before v${latest}; nothing was changed`,
        hint: `${deploy} (what was deployed when: \`${list}\`).`,
      };
}

/** True when the argument is a NoTarget. */
export function isNoTarget(value: Release | NoTarget): value is NoTarget {
  return 'problem' in value;
}

/** The command that rolls back to release `number`. */
export function undoCommand(app: string, environment: string, number: number): string {
  return `cloudlift rollback -e ${environment} --name ${app} --to ${number}`;
}

/** One ECS service and the task definition it ran when a rollback started. */
export interface RunningService {
  component: string;
  ecsService: string;
  taskDefinition: string;
}

/**
 * The release that undoes a rollback: the newest successful release whose task definitions are exactly what the
 * rolled-back services ran when the rollback started. Never a release that recorded no task definitions (it failed
 * before registering) or that has not finished. Undefined when no release fits (e.g. deploys made by hand).
 */
export function undoTarget(
  releases: readonly Release[],
  running: readonly RunningService[],
): Release | undefined {
  if (running.length === 0) {
    return undefined;
  }
  const ran = new Map(running.map((service) => [service.component, service.taskDefinition]));
  return [...releases]
    .sort((a, b) => b.number - a.number)
    .find(
      (release) =>
        release.outcome === 'succeeded' &&
        release.services.length > 0 &&
        release.services.every((service) => ran.get(service.component) === service.taskDefinition) &&
        running.every((service) => release.services.some((s) => s.component === service.component)),
    );
}

/** How to undo a rollback: the release it goes back to, or none (then `command` is UpdateService calls). */
export interface UndoInstruction {
  release?: number;
  command: string;
}

/** The way back from a rollback: `cloudlift rollback --to N`, else the UpdateService calls that restore each service. */
export function undoInstruction(
  app: string,
  environment: string,
  cluster: string,
  releases: readonly Release[],
  running: readonly RunningService[],
): UndoInstruction {
  const target = undoTarget(releases, running);
  if (target !== undefined) {
    return { release: target.number, command: undoCommand(app, environment, target.number) };
  }
  const command = running
    .map(
      (service) =>
        `aws ecs update-service --cluster ${cluster} --service ${service.ecsService} ` +
        `--task-definition ${taskDefinitionLabel(service.taskDefinition)}`,
    )
    .join(' && ');
  return { command };
}

/**
 * A short stable fingerprint of a set of SSM parameter versions (FNV-1a over the sorted `name:version` pairs): the
 * "config version" a release shows. Equal fingerprints mean the same variables at the same versions; `none` means the
 * app has no variables, '' that the versions are not known.
 */
export function configFingerprint(versions: Readonly<Record<string, number>> | undefined): string {
  if (versions === undefined) {
    return '';
  }
  if (Object.keys(versions).length === 0) {
    return 'none';
  }
  const text = Object.keys(versions)
    .sort()
    .map((name) => `${name}:${versions[name] ?? 0}`)
    .join('\n');
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** Variables whose SSM version differs between two releases' config versions (added, removed or changed). */
export function changedConfigKeys(
  before: Readonly<Record<string, number>> | undefined,
  after: Readonly<Record<string, number>> | undefined,
): string[] {
  if (before === undefined || after === undefined) {
    return [];
  }
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}

/** The short form of a task definition ARN: `family:revision`. */
export function taskDefinitionLabel(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/** The deploy lock of one app in one environment, as stored. */
export interface DeployLock {
  app: string;
  environment: string;
  /** STS caller ARN of the holder. */
  holder: string;
  /** Where the holder runs (host name and process id), to tell two terminals of one person apart. */
  host: string;
  /** What the holder is doing, e.g. `deploy_service` or `rollback to v3`. */
  purpose: string;
  /** ISO-8601 times. */
  acquiredAt: string;
  expiresAt: string;
  /** A random token: only the holder that wrote it may refresh or release the lock. */
  token: string;
}

/** "3m 20s", "2h 05m": how long ago `since` was. */
export function ago(since: string, now: Date): string {
  const milliseconds = now.getTime() - Date.parse(since);
  return Number.isFinite(milliseconds) ? formatElapsed(milliseconds) : 'an unknown time';
}

/** True when the lock's expiry time has passed at `now`. */
export function isLockExpired(lock: DeployLock, now: Date): boolean {
  return Date.parse(lock.expiresAt) <= now.getTime();
}

/** The message and next step when a deploy finds the lock held by someone else. */
export function lockHeldText(lock: DeployLock, now: Date): { message: string; hint: string } {
  return {
    message:
      `Another ${lock.purpose} of ${lock.app} to ${lock.environment} is running: started by ${lock.holder} ` +
      `on ${lock.host} at ${lock.acquiredAt} (${ago(lock.acquiredAt, now)} ago); nothing was changed`,
    hint:
      `Wait for it to finish and run the command again. If that run crashed, the lock expires at ${lock.expiresAt}; ` +
      `to break it now, add --force-unlock (only when you are sure nothing is deploying).`,
  };
}
