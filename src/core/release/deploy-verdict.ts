// The honest verdict of a rollout: from what ECS reports (service, deployments, new events, stopped tasks of our
// revision) and the time spent, decide whether the deploy is still going, succeeded, failed, was rolled back, timed
// out, or cannot be placed. Pure; the watcher in src/deploy/rollout.ts polls ECS and calls it after every poll.
import { taskDefinitionLabel } from './releases.js';
import { classifyStoppedTask } from './stopped-task.js';
import type { StoppedTask, TaskFailure } from './stopped-task.js';

/** One entry of a service's `deployments`. */
export interface ObservedDeployment {
  id: string;
  /** PRIMARY (the newest), ACTIVE (being replaced) or INACTIVE. */
  status: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  failedTasks: number;
  /** IN_PROGRESS, COMPLETED or FAILED; absent for services ECS does not track (e.g. behind a Classic ELB). */
  rolloutState?: string;
  rolloutStateReason?: string;
  createdAt?: Date;
  updatedAt?: Date;
}

/** One service event (`(service x) has reached a steady state.`). */
export interface ServiceEvent {
  id: string;
  createdAt: Date;
  message: string;
}

/** A service as DescribeServices reports it. */
export interface ObservedService {
  serviceName: string;
  /** ACTIVE, DRAINING or INACTIVE. */
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  taskDefinition: string;
  deployments: ObservedDeployment[];
}

/** How long and how patiently to wait. */
export interface WatchSettings {
  timeoutMs: number;
  /** Stop after this many failed tasks of our revision in a row (ECS's circuit breaker waits for 10 or more). */
  maxFailedTasks: number;
  /** How long an inconclusive sign must last before it is a verdict (default verdictGraceMs). */
  graceMs?: number;
}

/**
 * Right after UpdateService, ECS may still show the old revision as PRIMARY, or emit one "unable to place a task"
 * event before it places the tasks: such signs become a verdict only once they lasted this long.
 */
export const verdictGraceMs = 10_000;

/** What the verdict remembers from earlier observations of the same rollout (kept by the caller, see remember()). */
export interface VerdictMemory {
  /** Our revision was the PRIMARY deployment in some observation. */
  seenOursAsPrimary: boolean;
  /** Since when "cannot place and nothing of ours starts" held in every observation, and in how many. */
  unplaceableSince?: Date;
  unplaceableObservations: number;
}

/** Everything the verdict is decided from. */
export interface Observation {
  /** The task definition ARN this deploy registered (or re-used). */
  ourTaskDefinition: string;
  service: ObservedService;
  /** Events that appeared after the deploy started. */
  newEvents: readonly ServiceEvent[];
  /** Stopped tasks of our revision. */
  stoppedTasks: readonly StoppedTask[];
  startedAt: Date;
  now: Date;
  /** The last time our revision was healthy (ECS: rollout COMPLETED; untracked: all tasks running): failures before it
   * do not count as a streak. */
  lastFullyRunningAt?: Date;
  settings: WatchSettings;
  /** remember() of every observation so far, this one included; absent = this is the first observation. */
  memory?: VerdictMemory;
}

/** Where a rollout stands, for progress lines and the final summary. */
export interface Progress {
  desired: number;
  running: number;
  pending: number;
  /** Tasks still running from older deployments. */
  oldRunning: number;
  failedTasks: number;
  rolloutState?: string;
  text: string;
}

/** The outcome, or the lack of one yet. */
export type Verdict =
  | { kind: 'in-progress'; progress: Progress }
  | { kind: 'succeeded'; progress: Progress }
  | { kind: 'failed'; reason: string; failures: TaskFailure[]; progress: Progress }
  | {
      kind: 'rolled-back';
      reason: string;
      byCircuitBreaker: boolean;
      runningTaskDefinition: string;
      /** Why tasks of our revision stopped before ECS gave up on it (what made the circuit breaker trip). */
      failures: TaskFailure[];
      progress: Progress;
    }
  | { kind: 'timed-out'; progress: Progress }
  | { kind: 'unplaceable'; reason: string; progress: Progress };

/** The kinds of verdict. */
export type VerdictKind = Verdict['kind'];

const unplaceablePattern = /unable to place a task/i;
const cannotStartPattern = /unable to consistently start tasks/i;

function primaryOf(service: ObservedService): ObservedDeployment | undefined {
  return service.deployments.find((deployment) => deployment.status === 'PRIMARY');
}

/**
 * The task definition the service's tasks actually run: the deployment with the most running tasks (the PRIMARY on a
 * tie), else the PRIMARY's. Differs from `taskDefinition` (always the PRIMARY's) while a rollout is under way or
 * after one that could not start its tasks.
 */
export function servingTaskDefinition(service: ObservedService): string {
  let best: ObservedDeployment | undefined;
  for (const deployment of service.deployments) {
    const better =
      best === undefined ||
      deployment.runningCount > best.runningCount ||
      (deployment.runningCount === best.runningCount && deployment.status === 'PRIMARY');
    if (deployment.runningCount > 0 && better) {
      best = deployment;
    }
  }
  return best?.taskDefinition ?? service.taskDefinition;
}

/** The rollout's counts and a one-line summary (`1/2 running, 1 pending, 2 old still running`). */
export function progressOf(service: ObservedService, ours: string): Progress {
  const mine = service.deployments.find((d) => d.taskDefinition === ours && d.status === 'PRIMARY');
  const desired = mine?.desiredCount ?? service.desiredCount;
  const running = mine?.runningCount ?? 0;
  const pending = mine?.pendingCount ?? 0;
  const oldRunning = service.deployments
    .filter((d) => d !== mine)
    .reduce((sum, d) => sum + d.runningCount, 0);
  const parts = [`${running}/${desired} running`];
  if (pending > 0) {
    parts.push(`${pending} pending`);
  }
  if (oldRunning > 0) {
    parts.push(`${oldRunning} old still running`);
  }
  const failedTasks = mine?.failedTasks ?? 0;
  if (failedTasks > 0) {
    parts.push(`${failedTasks} failed`);
  }
  return {
    desired,
    running,
    pending,
    oldRunning,
    failedTasks,
    ...(mine?.rolloutState === undefined ? {} : { rolloutState: mine.rolloutState }),
    text: parts.join(', '),
  };
}

/**
 * When our rollout began: ECS's creation time of our deployment (no clock skew), else when we asked for it. A rollback
 * re-uses an older revision, whose tasks that crashed earlier ECS still lists for about an hour: they are not ours.
 */
export function rolloutBegan(service: ObservedService, ourTaskDefinition: string, startedAt: Date): Date {
  // PRIMARY first: an older deployment of the same revision may still be listed while ours starts.
  const ours =
    service.deployments.find((d) => d.status === 'PRIMARY' && d.taskDefinition === ourTaskDefinition) ??
    service.deployments.find((d) => d.taskDefinition === ourTaskDefinition);
  return ours?.createdAt ?? startedAt;
}

/** Failures of our revision in this rollout since it last had every task running, oldest first. */
export function failureStreak(observation: Observation): TaskFailure[] {
  const since = Math.max(
    observation.lastFullyRunningAt?.getTime() ?? Number.NEGATIVE_INFINITY,
    rolloutBegan(observation.service, observation.ourTaskDefinition, observation.startedAt).getTime(),
  );
  return observation.stoppedTasks
    .filter((task) => task.taskDefinitionArn === observation.ourTaskDefinition)
    .filter((task) => (task.stoppedAt?.getTime() ?? Number.POSITIVE_INFINITY) > since)
    .sort((a, b) => (a.stoppedAt?.getTime() ?? 0) - (b.stoppedAt?.getTime() ?? 0))
    .map(classifyStoppedTask)
    .filter((failure): failure is TaskFailure => failure !== undefined);
}

function rolledBack(
  observation: Observation,
  primary: ObservedDeployment | undefined,
  progress: Progress,
): Verdict {
  const ours = observation.service.deployments.find(
    (d) => d.taskDefinition === observation.ourTaskDefinition,
  );
  const running = primary?.taskDefinition ?? observation.service.taskDefinition;
  const breakerEvent = observation.newEvents.find((e) =>
    /circuit breaker|rolling back|rolled back/i.test(e.message),
  );
  const byCircuitBreaker = ours?.rolloutState === 'FAILED' || breakerEvent !== undefined;
  // The reason is read by people (and cut to fit the summary table): family:revision, not the whole ARN.
  const label = taskDefinitionLabel(running);
  const reason = byCircuitBreaker
    ? `ECS rolled back to ${label}: ${ours?.rolloutStateReason ?? breakerEvent?.message ?? 'the deployment circuit breaker tripped'}`
    : `another deployment (${label}) replaced ours while we were waiting`;
  return {
    kind: 'rolled-back',
    reason,
    byCircuitBreaker,
    runningTaskDefinition: running,
    failures: failureStreak(observation),
    progress,
  };
}

function unplaceableEvent(observation: Observation): ServiceEvent | undefined {
  const primary = primaryOf(observation.service);
  if (primary?.taskDefinition !== observation.ourTaskDefinition) {
    return undefined;
  }
  const stuck = primary.runningCount + primary.pendingCount === 0;
  return stuck ? observation.newEvents.find((e) => unplaceablePattern.test(e.message)) : undefined;
}

/** The memory after one more observation (pure: the watcher keeps the result and passes it to judgeRollout). */
export function remember(previous: VerdictMemory | undefined, observation: Observation): VerdictMemory {
  const primary = primaryOf(observation.service);
  const seenOursAsPrimary =
    (previous?.seenOursAsPrimary ?? false) || primary?.taskDefinition === observation.ourTaskDefinition;
  if (unplaceableEvent(observation) === undefined) {
    return { seenOursAsPrimary, unplaceableObservations: 0 };
  }
  return {
    seenOursAsPrimary,
    unplaceableSince: previous?.unplaceableSince ?? observation.now,
    unplaceableObservations: (previous?.unplaceableObservations ?? 0) + 1,
  };
}

/** True when "not PRIMARY" may just be ECS not showing our new deployment yet (no sign of ours, within the grace). */
function notShownYet(observation: Observation, memory: VerdictMemory, graceMs: number): boolean {
  const listed = observation.service.deployments.some(
    (d) => d.taskDefinition === observation.ourTaskDefinition,
  );
  const elapsed = observation.now.getTime() - observation.startedAt.getTime();
  return !listed && !memory.seenOursAsPrimary && elapsed < graceMs;
}

/** The cannot-place condition held in two observations or more, spanning the grace period. */
function unplaceableLasted(memory: VerdictMemory, now: Date, graceMs: number): boolean {
  const since = memory.unplaceableSince;
  return (
    since !== undefined && memory.unplaceableObservations >= 2 && now.getTime() - since.getTime() >= graceMs
  );
}

function isDone(primary: ObservedDeployment, service: ObservedService): boolean {
  const countsMatch = primary.runningCount === primary.desiredCount && primary.pendingCount === 0;
  if (primary.rolloutState !== undefined) {
    return primary.rolloutState === 'COMPLETED' && countsMatch;
  }
  // No rollout state (ECS does not track every service): the original's rule, one deployment left, all running.
  return service.deployments.length === 1 && countsMatch;
}

/** Decides where a rollout stands (see the module comment). */
export function judgeRollout(observation: Observation): Verdict {
  const { service, ourTaskDefinition: ours, settings } = observation;
  const primary = primaryOf(service);
  const progress = progressOf(service, ours);
  const memory = observation.memory ?? remember(undefined, observation);
  const graceMs = settings.graceMs ?? verdictGraceMs;
  if (service.status !== 'ACTIVE') {
    const reason = `the service is ${service.status} (it is being deleted)`;
    return { kind: 'failed', reason, failures: [], progress };
  }
  if (primary === undefined || primary.taskDefinition !== ours) {
    return notShownYet(observation, memory, graceMs)
      ? { kind: 'in-progress', progress }
      : rolledBack(observation, primary, progress);
  }
  if (isDone(primary, service)) {
    return { kind: 'succeeded', progress };
  }
  const failures = failureStreak(observation);
  if (primary.rolloutState === 'FAILED') {
    const reason = `ECS marked the deployment failed: ${primary.rolloutStateReason ?? 'no reason given'}`;
    return { kind: 'failed', reason, failures, progress };
  }
  if (failures.length >= settings.maxFailedTasks) {
    const reason = `${failures.length} tasks of the new version failed in a row (--max-failed-tasks ${settings.maxFailedTasks})`;
    return { kind: 'failed', reason, failures, progress };
  }
  const cannotStart = observation.newEvents.find((e) => cannotStartPattern.test(e.message));
  if (cannotStart !== undefined && failures.length > 0) {
    return { kind: 'failed', reason: cleanEventMessage(cannotStart.message), failures, progress };
  }
  const unplaceable = unplaceableEvent(observation);
  if (unplaceable !== undefined && unplaceableLasted(memory, observation.now, graceMs)) {
    return { kind: 'unplaceable', reason: cleanEventMessage(unplaceable.message), progress };
  }
  if (observation.now.getTime() - observation.startedAt.getTime() >= settings.timeoutMs) {
    return { kind: 'timed-out', progress };
  }
  return { kind: 'in-progress', progress };
}

/** `(service web) has reached a steady state.` → `web has reached a steady state.` (what the original printed). */
export function cleanEventMessage(message: string): string {
  return message
    .replace(/^\(service ([^)]*)\)/, '$1')
    .replace(/\((task|deployment|instance) ([^)]*)\)/g, '$1 $2');
}

/** How one service's deploy ended, including the ways that are not ECS verdicts. */
export type ServiceOutcome =
  | Exclude<Verdict, { kind: 'in-progress' }>
  | { kind: 'interrupted'; progress?: Progress }
  | { kind: 'not-started' }
  | { kind: 'unchanged' };

/** Outcome kinds, most severe first: the exit code of a multi-service deploy follows the most severe one. */
export const outcomeSeverity: readonly ServiceOutcome['kind'][] = [
  'interrupted',
  'not-started', // only after Ctrl-C: the services --concurrency had not reached yet
  'failed',
  'rolled-back',
  'unplaceable',
  'timed-out',
  'succeeded',
  'unchanged',
];

/** The most severe outcome kind of a set (`unchanged` for none). */
export function worstOutcome(kinds: readonly ServiceOutcome['kind'][]): ServiceOutcome['kind'] {
  for (const kind of outcomeSeverity) {
    if (kinds.includes(kind)) {
      return kind;
    }
  }
  return 'unchanged';
}
