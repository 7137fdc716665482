// Rolls one ECS service to a task definition and watches it until the verdict is in: polls DescribeServices, streams
// new events, inspects stopped tasks of our revision, and pulls the last log lines of a crashed container.
import type { Context } from '../../context.js';
import type { EcsApi } from '../../aws/ecs.js';
import { logsApi } from '../../aws/logs.js';
import { judgeRollout, remember, rolloutBegan } from '../../core/release/deploy-verdict.js';
import { pollDelayMs } from '../../core/release/deploy-settings.js';
import type {
  Observation,
  Progress,
  ServiceEvent,
  ServiceOutcome,
  Verdict,
  VerdictMemory,
  WatchSettings,
} from '../../core/release/deploy-verdict.js';
import { classifyStoppedTask } from '../../core/release/stopped-task.js';
import type { StoppedTask, TaskFailure } from '../../core/release/stopped-task.js';
import type { ContainerDefinition } from '../../core/release/task-definition.js';
import { messageOf } from '../../errors.js';
import type { RolloutView } from '../../ui/rollout.js';

/** What to roll out where. */
export interface RolloutInput {
  ecs: EcsApi;
  cluster: string;
  /** Display name (the logical service name) and ECS name. */
  name: string;
  ecsServiceName: string;
  taskDefinition: string;
  desiredCount: number;
  /** The service's events before the deploy (from the plan), so only new ones are shown and judged. */
  eventsBefore: readonly ServiceEvent[];
  containers: readonly ContainerDefinition[];
  settings: WatchSettings;
  /** Fixed poll interval (CLOUDLIFT_POLL_INTERVAL_MS); default: 1 s, then 3 s (see pollDelayMs). */
  pollOverrideMs?: number;
  view: RolloutView;
}

/** How many log lines of a crashed container are shown. */
export const logLinesShown = 15;

/** What the watcher remembers between polls. */
interface WatchState {
  startedAt: Date;
  seenEvents: Set<string>;
  /** Stopped tasks of our revision. */
  stopped: Map<string, StoppedTask>;
  /** Every stopped task already described (of any revision). */
  described: Set<string>;
  lastFullyRunningAt?: Date;
  /** What the verdict needs from earlier polls (a sign seen once is not yet a verdict). */
  memory?: VerdictMemory;
}

/** Rolls the service out and waits for a verdict (or Ctrl-C); prints the verdict line (and crash logs). */
export async function rollOut(ctx: Context, input: RolloutInput): Promise<ServiceOutcome> {
  const { ecs, view, name } = input;
  await ecs.updateService({
    cluster: input.cluster,
    service: input.ecsServiceName,
    taskDefinition: input.taskDefinition,
    desiredCount: input.desiredCount,
  });
  view.started(name, input.taskDefinition, input.desiredCount);
  const state: WatchState = {
    startedAt: ctx.clock.now(),
    seenEvents: new Set(input.eventsBefore.map((event) => event.id)),
    stopped: new Map(),
    described: new Set(),
  };
  for (;;) {
    const verdict = await pollOnce(ctx, input, state);
    if (verdict.kind !== 'in-progress') {
      view.finished(name, verdict);
      // A circuit-breaker rollback is a failure too: its crashed tasks' logs say why, as for `failed`.
      if (verdict.kind === 'failed' || verdict.kind === 'rolled-back') {
        await showLogs(ctx, input, verdict.failures);
      }
      return verdict;
    }
    try {
      const elapsed = ctx.clock.now().getTime() - state.startedAt.getTime();
      await ctx.clock.sleep(pollDelayMs(elapsed, input.pollOverrideMs), ctx.signal);
    } catch {
      const interrupted: ServiceOutcome = { kind: 'interrupted', progress: verdict.progress };
      view.finished(name, interrupted);
      return interrupted;
    }
  }
}

/** One look at ECS: prints what is new and returns the verdict so far. */
async function pollOnce(ctx: Context, input: RolloutInput, state: WatchState): Promise<Verdict> {
  const { ecs, cluster, ecsServiceName, view, name } = input;
  const snapshot = await ecs.describeService(cluster, ecsServiceName);
  if (snapshot === undefined) {
    const reason = 'the ECS service disappeared while deploying';
    return { kind: 'failed', reason, failures: [], progress: emptyProgress };
  }
  newEvents(snapshot.events, state.seenEvents).forEach((event) => view.event(name, event));
  const primary = snapshot.service.deployments.find((d) => d.status === 'PRIMARY');
  const ours = primary?.taskDefinition === input.taskDefinition ? primary : undefined;
  // Stopped tasks only matter while ours is short of tasks (or ECS counted failures): saves calls when healthy.
  if (ours === undefined || ours.failedTasks > 0 || ours.runningCount < ours.desiredCount) {
    const began = rolloutBegan(snapshot.service, input.taskDefinition, state.startedAt).getTime();
    for (const task of await newlyStopped(ecs, cluster, ecsServiceName, state.described)) {
      // A rollback re-uses a revision: its tasks that stopped before this rollout are history, not failures.
      const before = task.stoppedAt !== undefined && task.stoppedAt.getTime() <= began;
      if (task.taskDefinitionArn === input.taskDefinition && !before) {
        state.stopped.set(task.taskArn, task);
        const failure = classifyStoppedTask(task);
        if (failure !== undefined) {
          view.taskFailed(name, failure);
        }
      }
    }
  }
  const now = ctx.clock.now();
  // RUNNING is not healthy: a task behind a load balancer runs before it passes (or fails) its health check. When ECS
  // tracks the rollout, only its COMPLETED ends a failure streak; an untracked service's streak ends when all run.
  const healthy =
    ours?.rolloutState === undefined
      ? ours !== undefined && ours.runningCount >= ours.desiredCount
      : ours.rolloutState === 'COMPLETED';
  if (ours !== undefined && ours.desiredCount > 0 && healthy) {
    state.lastFullyRunningAt = now;
  }
  const observation: Observation = {
    ourTaskDefinition: input.taskDefinition,
    service: snapshot.service,
    newEvents: allNew(snapshot.events, input.eventsBefore),
    stoppedTasks: [...state.stopped.values()],
    startedAt: state.startedAt,
    now,
    ...(state.lastFullyRunningAt === undefined ? {} : { lastFullyRunningAt: state.lastFullyRunningAt }),
    settings: input.settings,
  };
  state.memory = remember(state.memory, observation);
  const verdict = judgeRollout({ ...observation, memory: state.memory });
  view.progress(name, verdict.progress);
  return verdict;
}

const emptyProgress: Progress = {
  desired: 0,
  running: 0,
  pending: 0,
  oldRunning: 0,
  failedTasks: 0,
  text: '',
};

/** Events not seen before, oldest first; marks them seen. */
function newEvents(events: readonly ServiceEvent[], seen: Set<string>): ServiceEvent[] {
  const fresh = events.filter((event) => !seen.has(event.id));
  fresh.forEach((event) => seen.add(event.id));
  return fresh.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** Every event that appeared after the deploy started. */
function allNew(events: readonly ServiceEvent[], before: readonly ServiceEvent[]): ServiceEvent[] {
  const old = new Set(before.map((event) => event.id));
  return events.filter((event) => !old.has(event.id));
}

/** Tasks of the service that stopped since the last call (each is described once, when it is fully STOPPED). */
async function newlyStopped(
  ecs: EcsApi,
  cluster: string,
  service: string,
  described: Set<string>,
): Promise<StoppedTask[]> {
  const arns = await ecs.listTaskArns(cluster, service, 'STOPPED');
  const unknown = arns.filter((arn) => !described.has(arn));
  if (unknown.length === 0) {
    return [];
  }
  const tasks = await ecs.describeStoppedTasks(cluster, unknown);
  // A task still stopping has no final reason or exit code yet: look at it again next time.
  const final = tasks.filter((task) => task.lastStatus === 'STOPPED');
  final.forEach((task) => described.add(task.taskArn));
  return final;
}

/** Prints the last log lines of the newest failed task whose container logs to CloudWatch (awslogs). */
async function showLogs(ctx: Context, input: RolloutInput, failures: readonly TaskFailure[]): Promise<void> {
  const failure = [...failures].reverse().find((f) => f.container !== undefined);
  if (failure === undefined) {
    return;
  }
  const container = input.containers.find((c) => c.name === failure.container);
  const options = container?.logConfiguration?.options ?? {};
  const group = options['awslogs-group'];
  const prefix = options['awslogs-stream-prefix'];
  if (container?.logConfiguration?.logDriver !== 'awslogs' || group === undefined || prefix === undefined) {
    return;
  }
  const stream = `${prefix}/${failure.container ?? ''}/${failure.taskId}`;
  try {
    const logs = await logsApi(ctx, options['awslogs-region'] ?? input.ecs.region);
    const lines = await logs.tail(group, stream, logLinesShown);
    input.view.logs(
      input.name,
      failure,
      `${group} ${stream}`,
      lines?.map((line) => line.message),
    );
  } catch (error) {
    input.view.line(
      input.name,
      ctx.ui.colors.dim(`  (could not read ${group} ${stream}: ${messageOf(error)})`),
    );
  }
}
