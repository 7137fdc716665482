// ECS for shell access: a service's running tasks, their hosts, exec readiness facts, and ECS Exec itself
// (ExecuteCommand). Deploy-time ECS calls live in src/aws/ecs.ts.
import type * as Ecs from '@aws-sdk/client-ecs';
import type { Context } from '../context.js';
import { CloudliftError, messageOf } from '../errors.js';
import { allPages, chunks } from './ecs.js';
import { aws, isAwsError, toCloudliftError } from './errors.js';

/** The ECS managed agent that carries ECS Exec sessions. */
export const execAgentName = 'ExecuteCommandAgent';

/** One managed agent of a container (ECS Exec's agent is the only one today). */
export interface ManagedAgent {
  name: string;
  lastStatus: string;
  reason?: string;
}

/** One container of a running task. */
export interface TaskContainer {
  name: string;
  lastStatus: string;
  /** The container runtime (docker) id, part of the ECS Exec session target. */
  runtimeId?: string;
  agents: ManagedAgent[];
}

/** A task as DescribeTasks sees it, reduced to what shell access needs. */
export interface TaskFacts {
  taskArn: string;
  /** The last part of the ARN, which users type with --task. */
  taskId: string;
  lastStatus: string;
  launchType?: string;
  /** Absent for Fargate tasks: they run on no EC2 instance of ours. */
  containerInstanceArn?: string;
  taskDefinitionArn: string;
  /** Whether the task was started with ECS Exec enabled (set at start time, never changed afterwards). */
  enableExecuteCommand: boolean;
  startedAt?: Date;
  /** A task role override given at start time, if any. */
  taskRoleOverride?: string;
  containers: TaskContainer[];
}

/** A service as DescribeServices sees it, reduced to what shell access needs. */
export interface ServiceFacts {
  serviceName: string;
  status: string;
  enableExecuteCommand: boolean;
  taskDefinition?: string;
}

/** ECS Exec's session, field names as ECS returns them (the plugin accepts them as they are). */
export interface ExecSession {
  sessionId: string;
  streamUrl: string;
  tokenValue: string;
}

/** What ExecuteCommand needs. */
export interface ExecuteCommandInput {
  cluster: string;
  taskArn: string;
  container: string;
  command: string;
}

/** The ECS calls of shell access, bound to one region. */
export interface EcsExecApi {
  /** The service, or undefined when the cluster has no such (active or draining) service. */
  describeService(cluster: string, service: string): Promise<ServiceFacts | undefined>;
  /** Every task of the service whose desired status is RUNNING (all pages), described. */
  serviceTasks(cluster: string, service: string): Promise<TaskFacts[]>;
  /** EC2 instance ids by container instance ARN. */
  instanceIds(cluster: string, containerInstanceArns: readonly string[]): Promise<Map<string, string>>;
  /** The task role of a task definition, if it has one. */
  taskRoleArn(taskDefinitionArn: string): Promise<string | undefined>;
  /** ECS Exec: opens a session to run `command` in a container. */
  executeCommand(input: ExecuteCommandInput): Promise<ExecSession>;
}

function toTask(task: Ecs.Task): TaskFacts {
  const arn = task.taskArn ?? '';
  return {
    taskArn: arn,
    taskId: arn.split('/').pop() ?? arn,
    lastStatus: task.lastStatus ?? 'UNKNOWN',
    // moto answers "" for tasks started without a launch type; treat it as unknown
    ...(task.launchType ? { launchType: task.launchType } : {}),
    ...(task.containerInstanceArn === undefined || task.containerInstanceArn === ''
      ? {}
      : { containerInstanceArn: task.containerInstanceArn }),
    taskDefinitionArn: task.taskDefinitionArn ?? '',
    enableExecuteCommand: task.enableExecuteCommand === true,
    ...(task.startedAt === undefined ? {} : { startedAt: task.startedAt }),
    ...(task.overrides?.taskRoleArn === undefined ? {} : { taskRoleOverride: task.overrides.taskRoleArn }),
    containers: (task.containers ?? []).map((container) => ({
      name: container.name ?? '',
      lastStatus: container.lastStatus ?? 'UNKNOWN',
      ...(container.runtimeId === undefined ? {} : { runtimeId: container.runtimeId }),
      agents: (container.managedAgents ?? []).map((agent) => ({
        name: agent.name ?? '',
        lastStatus: agent.lastStatus ?? 'UNKNOWN',
        ...(agent.reason === undefined ? {} : { reason: agent.reason }),
      })),
    })),
  };
}

/** An ECS client for shell access in `region`. */
export async function ecsExecApi(context: Pick<Context, 'aws'>, region: string): Promise<EcsExecApi> {
  const sdk = await import('@aws-sdk/client-ecs');
  const client = new sdk.ECSClient(await context.aws.config(region));
  return {
    async describeService(cluster, service) {
      const answer = await aws(`read ECS service ${service} in ${cluster}`, () =>
        client.send(new sdk.DescribeServicesCommand({ cluster, services: [service] })),
      );
      const found = (answer.services ?? []).find((candidate) => candidate.status !== 'INACTIVE');
      if (found === undefined) {
        return undefined;
      }
      return {
        serviceName: found.serviceName ?? service,
        status: found.status ?? 'UNKNOWN',
        enableExecuteCommand: found.enableExecuteCommand === true,
        ...(found.taskDefinition === undefined ? {} : { taskDefinition: found.taskDefinition }),
      };
    },

    async serviceTasks(cluster, service) {
      const pages = await allPages((nextToken) =>
        aws(`list the tasks of ECS service ${service}`, () =>
          client.send(
            new sdk.ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'RUNNING', nextToken }),
          ),
        ),
      );
      const tasks: TaskFacts[] = [];
      for (const chunk of chunks(pages.flatMap((page) => page.taskArns ?? []))) {
        const answer = await aws(`describe the tasks of ECS service ${service}`, () =>
          client.send(new sdk.DescribeTasksCommand({ cluster, tasks: chunk })),
        );
        tasks.push(...(answer.tasks ?? []).map(toTask));
      }
      return tasks;
    },

    async instanceIds(cluster, containerInstanceArns) {
      const ids = new Map<string, string>();
      for (const chunk of chunks([...new Set(containerInstanceArns)])) {
        const answer = await aws(`describe the container instances of ${cluster}`, () =>
          client.send(new sdk.DescribeContainerInstancesCommand({ cluster, containerInstances: chunk })),
        );
        for (const instance of answer.containerInstances ?? []) {
          if (instance.containerInstanceArn !== undefined && instance.ec2InstanceId !== undefined) {
            ids.set(instance.containerInstanceArn, instance.ec2InstanceId);
          }
        }
      }
      return ids;
    },

    async taskRoleArn(taskDefinitionArn) {
      const answer = await aws(`read task definition ${taskDefinitionArn}`, () =>
        client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })),
      );
      const role = answer.taskDefinition?.taskRoleArn;
      return role === undefined || role === '' ? undefined : role;
    },

    async executeCommand(input) {
      let answer;
      try {
        answer = await client.send(
          new sdk.ExecuteCommandCommand({
            cluster: input.cluster,
            task: input.taskArn,
            container: input.container,
            command: input.command,
            // ECS accepts only interactive sessions; without a terminal the output is still streamed back.
            interactive: true,
          }),
        );
      } catch (error) {
        throw executeCommandError(error, input);
      }
      const session = answer.session;
      if (
        session?.sessionId === undefined ||
        session.streamUrl === undefined ||
        session.tokenValue === undefined
      ) {
        throw new CloudliftError('ExecFailed', `ECS returned no session for task ${input.taskArn}`, {
          hint: 'Run the command again; if it keeps failing, the task may be stopping.',
        });
      }
      return { sessionId: session.sessionId, streamUrl: session.streamUrl, tokenValue: session.tokenValue };
    },
  };
}

/** ExecuteCommand failures in plain words: which piece is missing and how to fix it. */
function executeCommandError(error: unknown, input: ExecuteCommandInput): CloudliftError {
  const taskId = input.taskArn.split('/').pop() ?? input.taskArn;
  if (isAwsError(error, 'TargetNotConnectedException')) {
    return new CloudliftError(
      'ExecNotConnected',
      `ECS could not reach the exec agent in container ${input.container} of task ${taskId}`,
      {
        cause: error,
        hint:
          'The agent needs the task role permissions ssmmessages:CreateControlChannel/CreateDataChannel/' +
          'OpenControlChannel/OpenDataChannel and outbound HTTPS to ssmmessages (NAT or VPC endpoint). Fix those, ' +
          'then replace the tasks with `cloudlift deploy_service --force`.',
      },
    );
  }
  if (isAwsError(error, 'InvalidParameterException')) {
    return new CloudliftError(
      'ExecRefused',
      `ECS refused to open a session in task ${taskId}: ${messageOf(error)}`,
      {
        cause: error,
        hint:
          'This usually means ECS Exec was not enabled when the task started. Set "enable_execute_command": true ' +
          'for the service (cloudlift update_service), then replace the tasks with `cloudlift deploy_service --force`.',
      },
    );
  }
  return toCloudliftError(error, `open ECS Exec in container ${input.container} of task ${taskId}`);
}
