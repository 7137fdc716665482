// Rolls one ECS service to a task definition and watches it until the verdict is in: polls DescribeServices, streams
// new events, inspects stopped tasks of our revision, and pulls the last log lines of a crashed container.
import type { Context } from '../context.js';
import type { EcsApi } from '../aws/ecs.js';
import { logsApi } from '../aws/logs.js';
import { judgeRollout } from '../core/deploy-verdict.js';
import { pollDelayMs } from '../core/deploy-settings.js';
import type {
  Progress,
  ServiceEvent,
  ServiceOutcome,
  Verdict,
  WatchSettings,
} from '../core/deploy-verdict.js';
import { classifyStoppedTask } from '../core/stopped-task.js';
import type { StoppedTask, TaskFailure } from '../core/stopped-task.js';
import type { ContainerDefinition } from '../core/task-definition.js';
import { messageOf } from '../errors.js';
import type { RolloutView } from '../ui/rollout.js';

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

/** Rolls the service out and waits for a verdict (or Ctrl-C). */
export async function rollOut(ctx: Context, input: RolloutInput): Promise<ServiceOutcome> {
  const { ecs, cluster, ecsServiceName, view, name } = input;
  const seenEvents = new Set(input.eventsBefore.map((event) => event.id));
  await ecs.updateService({
    cluster,
    service: ecsServiceName,
    taskDefinition: input.taskDefinition,
    desiredCount: input.desiredCount,
  });
  view.started(name, input.taskDefinition, input.desiredCount);
  const startedAt = ctx.clock.now();
  const stopped = new Map<string, StoppedTask>();
  const described = new Set<string>();
  let lastFullyRunningAt: Date | undefined;
  let progress: Progress | undefined;
  for (;;) {
    const snapshot = await ecs.describeService(cluster, ecsServiceName);
    if (snapshot === undefined) {
      return {
        kind: 'failed',
        reason: 'the ECS service disappeared while deploying',
        failures: [],
        progress: emptyProgress,
      };
    }
    const fresh = newEvents(snapshot.events, seenEvents);
    fresh.forEach((event) => view.event(name, event));
    const primary = snapshot.service.deployments.find((d) => d.status === 'PRIMARY');
    const ours = primary?.taskDefinition === input.taskDefinition ? primary : undefined;
    if (ours === undefined || ours.failedTasks > 0 || ours.runningCount < ours.desiredCount) {
      for (const task of await newlyStopped(ecs, cluster, ecsServiceName, described)) {
        if (task.taskDefinitionArn !== input.taskDefinition) {
          continue;
        }
        stopped.set(task.taskArn, task);
        const failure = classifyStoppedTask(task);
        if (failure !== undefined) {
          view.taskFailed(name, failure);
        }
      }
    }
    const now = ctx.clock.now();
    if (ours !== undefined && ours.desiredCount > 0 && ours.runningCount >= ours.desiredCount) {
      lastFullyRunningAt = now;
    }
    const verdict: Verdict = judgeRollout({
      ourTaskDefinition: input.taskDefinition,
      service: snapshot.service,
      newEvents: allNew(snapshot.events, input.eventsBefore),
      stoppedTasks: [...stopped.values()],
      startedAt,
      now,
      ...(lastFullyRunningAt === undefined ? {} : { lastFullyRunningAt }),
      settings: input.settings,
    });
    progress = verdict.progress;
    view.progress(name, verdict.progress);
    if (verdict.kind !== 'in-progress') {
      if (verdict.kind === 'failed') {
        await showLogs(ctx, input, verdict.failures);
      }
      return verdict;
    }
    try {
      await ctx.clock.sleep(
        pollDelayMs(now.getTime() - startedAt.getTime(), input.pollOverrideMs),
        ctx.signal,
      );
    } catch {
      return { kind: 'interrupted', ...(progress === undefined ? {} : { progress }) };
    }
  }
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
      (lines ?? []).map((line) => line.message),
    );
  } catch (error) {
    input.view.line(
      input.name,
      ctx.ui.colors.dim(`  (could not read ${group} ${stream}: ${messageOf(error)})`),
    );
  }
}
