// ECS adapter: services with their deployments and events, task definitions (with tags), stopped and running tasks,
// in the domain shapes of src/core. It decides nothing; src/core/release/deploy-verdict.ts judges what it reads. Its paging
// and chunking helpers also serve the other ECS adapters: ecs-agents.ts (container agents) and ecs-exec.ts (shells).
import type * as Ecs from '@aws-sdk/client-ecs';
import type { Context } from '../context.js';
import { CloudliftError } from '../errors.js';
import type { ObservedService, ServiceEvent } from '../core/release/deploy-verdict.js';
import type { StoppedTask } from '../core/release/stopped-task.js';
import type { TaskRegistration, TaskTag } from '../core/release/task-definition.js';
import { aws } from './errors.js';

/** A service and its events, newest first as ECS returns them. */
export interface ServiceSnapshot {
  service: ObservedService;
  events: ServiceEvent[];
  /** FARGATE or EC2 (absent with a capacity provider strategy). */
  launchType?: string;
}

/** A described task definition: the raw API object (all fields, for carrying them over) and its tags. */
export interface DescribedTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: string;
  definition: Record<string, unknown>;
  tags: TaskTag[];
}

/** A task as ListTasks + DescribeTasks see it. */
export interface TaskSummary {
  taskArn: string;
  taskDefinitionArn: string;
  lastStatus: string;
  startedAt?: Date;
}

/** The ECS operations deploy needs, bound to one region. */
export interface EcsApi {
  readonly region: string;
  /** The service, or undefined when the cluster has no such service (or it was deleted). */
  describeService(cluster: string, service: string): Promise<ServiceSnapshot | undefined>;
  describeTaskDefinition(taskDefinition: string): Promise<DescribedTaskDefinition>;
  /** Registers a revision; returns its ARN. */
  registerTaskDefinition(registration: TaskRegistration): Promise<string>;
  updateService(input: {
    cluster: string;
    service: string;
    taskDefinition: string;
    desiredCount: number;
  }): Promise<void>;
  /** ARNs of tasks of the service with this desired status (all pages). */
  listTaskArns(cluster: string, service: string, desiredStatus: 'RUNNING' | 'STOPPED'): Promise<string[]>;
  /** Stopped-task details (100 per call). */
  describeStoppedTasks(
    cluster: string,
    taskArns: readonly string[],
  ): Promise<(StoppedTask & { lastStatus: string })[]>;
  /** Summaries of tasks (100 per call). */
  describeTasks(cluster: string, taskArns: readonly string[]): Promise<TaskSummary[]>;
  /** ACTIVE revisions of a family, newest first (all pages). */
  listTaskDefinitions(family: string): Promise<string[]>;
}

/** Maps DescribeServices' service into the verdict's shape. */
export function toObservedService(service: Ecs.Service): ObservedService {
  return {
    serviceName: service.serviceName ?? '',
    status: service.status ?? 'ACTIVE',
    desiredCount: service.desiredCount ?? 0,
    runningCount: service.runningCount ?? 0,
    pendingCount: service.pendingCount ?? 0,
    taskDefinition: service.taskDefinition ?? '',
    deployments: (service.deployments ?? []).map((d) => ({
      id: d.id ?? '',
      status: d.status ?? '',
      taskDefinition: d.taskDefinition ?? '',
      desiredCount: d.desiredCount ?? 0,
      runningCount: d.runningCount ?? 0,
      pendingCount: d.pendingCount ?? 0,
      failedTasks: d.failedTasks ?? 0,
      ...(d.rolloutState === undefined ? {} : { rolloutState: d.rolloutState }),
      ...(d.rolloutStateReason === undefined ? {} : { rolloutStateReason: d.rolloutStateReason }),
      ...(d.createdAt === undefined ? {} : { createdAt: d.createdAt }),
      ...(d.updatedAt === undefined ? {} : { updatedAt: d.updatedAt }),
    })),
  };
}

/** Maps the service's events. */
export function toServiceEvents(service: Ecs.Service): ServiceEvent[] {
  return (service.events ?? []).map((e) => ({
    id: e.id ?? `${e.createdAt?.toISOString() ?? ''}:${e.message ?? ''}`,
    createdAt: e.createdAt ?? new Date(0),
    message: e.message ?? '',
  }));
}

/** Maps DescribeTasks' task into a stopped task. */
export function toStoppedTask(task: Ecs.Task): StoppedTask & { lastStatus: string } {
  return {
    taskArn: task.taskArn ?? '',
    taskDefinitionArn: task.taskDefinitionArn ?? '',
    lastStatus: task.lastStatus ?? '',
    ...(task.startedAt === undefined ? {} : { startedAt: task.startedAt }),
    ...(task.stoppedAt === undefined ? {} : { stoppedAt: task.stoppedAt }),
    ...(task.stopCode === undefined ? {} : { stopCode: task.stopCode }),
    ...(task.stoppedReason === undefined ? {} : { stoppedReason: task.stoppedReason }),
    containers: (task.containers ?? []).map((c) => ({
      name: c.name ?? '',
      ...(c.exitCode === undefined ? {} : { exitCode: c.exitCode }),
      ...(c.reason === undefined ? {} : { reason: c.reason }),
      ...(c.image === undefined ? {} : { image: c.image }),
    })),
  };
}

/** DescribeTasks and DescribeContainerInstances take at most 100 ids per call. */
export const describeLimit = 100;

/** `items` in slices of at most `size` (for the ECS adapters' chunked describe calls). */
export function chunks<T>(items: readonly T[], size: number = describeLimit): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) {
    out.push(items.slice(index, index + size));
  }
  return out;
}

/** Every page of an ECS list call: `read` gets the previous page's `nextToken` (undefined for the first page). */
export async function allPages<Page extends { nextToken?: string | undefined }>(
  read: (nextToken: string | undefined) => Promise<Page>,
): Promise<Page[]> {
  const pages: Page[] = [];
  let nextToken: string | undefined;
  do {
    const page = await read(nextToken);
    pages.push(page);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return pages;
}

/** An ECS client for `region`. */
export async function ecsApi(context: Pick<Context, 'aws'>, region: string): Promise<EcsApi> {
  const sdk = await import('@aws-sdk/client-ecs');
  const client = new sdk.ECSClient(await context.aws.config(region));
  const describeTasksRaw = async (cluster: string, taskArns: readonly string[]): Promise<Ecs.Task[]> => {
    const tasks: Ecs.Task[] = [];
    for (const chunk of chunks(taskArns)) {
      const answer = await aws(`describe tasks in ${cluster} (${region})`, () =>
        client.send(new sdk.DescribeTasksCommand({ cluster, tasks: chunk })),
      );
      tasks.push(...(answer.tasks ?? []));
    }
    return tasks;
  };

  return {
    region,
    async describeService(cluster, service) {
      const answer = await aws(`describe ECS service ${service} in ${cluster} (${region})`, () =>
        client.send(new sdk.DescribeServicesCommand({ cluster, services: [service] })),
      );
      const found = answer.services?.[0];
      if (found === undefined || found.status === 'INACTIVE') {
        return undefined;
      }
      return {
        service: toObservedService(found),
        events: toServiceEvents(found),
        ...(found.launchType === undefined ? {} : { launchType: found.launchType }),
      };
    },

    async describeTaskDefinition(taskDefinition) {
      const answer = await aws(`describe task definition ${taskDefinition} (${region})`, () =>
        client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] })),
      );
      const definition = answer.taskDefinition;
      if (definition === undefined) {
        throw new CloudliftError(
          'TaskDefinitionNotFound',
          `ECS returned no task definition for ${taskDefinition}`,
          {
            hint: 'Check the service with `aws ecs describe-services`; it may point at a deleted revision.',
          },
        );
      }
      return {
        arn: definition.taskDefinitionArn ?? taskDefinition,
        family: definition.family ?? '',
        revision: definition.revision ?? 0,
        status: definition.status ?? '',
        definition: definition as unknown as Record<string, unknown>,
        tags: (answer.tags ?? []).map((t) => ({ key: t.key ?? '', value: t.value ?? '' })),
      };
    },

    async registerTaskDefinition(registration) {
      const input = registration as unknown as Ecs.RegisterTaskDefinitionRequest;
      const answer = await aws(`register a task definition for ${registration.family} (${region})`, () =>
        client.send(new sdk.RegisterTaskDefinitionCommand(input)),
      );
      const arn = answer.taskDefinition?.taskDefinitionArn;
      if (arn === undefined) {
        throw new CloudliftError('RegisterFailed', `ECS registered no revision of ${registration.family}`, {
          hint: 'Run the command again; if it persists, check the ECS console for the family.',
        });
      }
      return arn;
    },

    async updateService(input) {
      await aws(`update ECS service ${input.service} (${region})`, () =>
        client.send(
          new sdk.UpdateServiceCommand({
            cluster: input.cluster,
            service: input.service,
            taskDefinition: input.taskDefinition,
            desiredCount: input.desiredCount,
          }),
        ),
      );
    },

    async listTaskArns(cluster, service, desiredStatus) {
      const pages = await allPages((nextToken) =>
        aws(`list tasks of ${service} (${region})`, () =>
          client.send(new sdk.ListTasksCommand({ cluster, serviceName: service, desiredStatus, nextToken })),
        ),
      );
      return pages.flatMap((page) => page.taskArns ?? []);
    },

    async describeStoppedTasks(cluster, taskArns) {
      return (await describeTasksRaw(cluster, taskArns)).map(toStoppedTask);
    },

    async describeTasks(cluster, taskArns) {
      return (await describeTasksRaw(cluster, taskArns)).map((task) => ({
        taskArn: task.taskArn ?? '',
        taskDefinitionArn: task.taskDefinitionArn ?? '',
        lastStatus: task.lastStatus ?? '',
        ...(task.startedAt === undefined ? {} : { startedAt: task.startedAt }),
      }));
    },

    async listTaskDefinitions(family) {
      const pages = await allPages((nextToken) =>
        aws(`list task definitions of ${family} (${region})`, () =>
          client.send(
            new sdk.ListTaskDefinitionsCommand({
              familyPrefix: family,
              status: 'ACTIVE',
              sort: 'DESC',
              nextToken,
            }),
          ),
        ),
      );
      const arns = pages.flatMap((page) => page.taskDefinitionArns ?? []);
      // familyPrefix matches other families starting with the same text; keep this family, newest first.
      return arns
        .filter((arn) => arn.slice(arn.lastIndexOf('/') + 1).replace(/:\d+$/, '') === family)
        .sort((a, b) => revisionOf(b) - revisionOf(a));
    },
  };
}

/** The revision number at the end of a task definition ARN. */
export function revisionOf(arn: string): number {
  const match = /:(\d+)$/.exec(arn);
  return match === null ? 0 : Number(match[1]);
}
