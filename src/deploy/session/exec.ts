// exec: a shell (or one command) inside a running task through ECS Exec, after a pre-flight that names each
// missing piece and its fix (plugin, running task, exec enabled on service and tasks, task role, exec agent).
import { ecsExecApi, execAgentName } from '../../aws/ecs-exec.js';
import type { ServiceFacts, TaskContainer, TaskFacts } from '../../aws/ecs-exec.js';
import { simulatePermissions } from '../../aws/iam.js';
import type { PermissionCheck } from '../../aws/iam.js';
import { ssmEndpoint } from '../../aws/ssm-session.js';
import type { Context } from '../../context.js';
import { clusterName, containerName } from '../../core/naming.js';
import { CloudliftError, UsageError } from '../../errors.js';
import { environmentRegion } from '../config/config-store.js';
import { checkMfaCode, pluginCredentials, prepareCredentials } from './mfa.js';
import { requirePlugin, runPlugin } from './session-plugin.js';
import { appServices, chooseService, runningTasks } from './session-targets.js';
import type { AppService } from './session-targets.js';

/** What exec was asked for. */
export interface ExecInput {
  environment: string;
  app: string;
  component?: string;
  /** A task id or ARN; default: a ready task of the service. */
  task?: string;
  container?: string;
  /** Default: an interactive /bin/sh. */
  command?: string;
  mfaCode?: string;
  /** stdin and stdout are a terminal. Without one, --command is required and only its output comes back. */
  terminal: boolean;
}

/** The permissions the task role needs so the exec agent can open its channels. */
export const execTaskRoleActions = [
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
] as const;

/** The shell `exec` opens when no --command is given. */
export const defaultExecCommand = '/bin/sh';

/** The facts the pre-flight judges, gathered from ECS and IAM. */
export interface ExecFacts {
  service: AppService;
  ecsService: ServiceFacts;
  task: TaskFacts;
  container: TaskContainer;
  taskRole: string | undefined;
  /** undefined when there is no task role to check. */
  permissions: PermissionCheck | undefined;
}

/** One missing piece: what is wrong, in plain words, and the exact fix. */
export interface ExecProblem {
  what: string;
  fix: string;
}

/** The pre-flight verdict, in the order a user should fix things. */
export function execProblems(facts: ExecFacts, where: { app: string; environment: string }): ExecProblem[] {
  const flags = `-e ${where.environment} --name ${where.app}`;
  const redeploy = `cloudlift deploy_service ${flags} --force`;
  const problems: ExecProblem[] = [];
  if (!facts.ecsService.enableExecuteCommand) {
    problems.push({
      what: `ECS Exec is not enabled on service ${facts.service.component} (${facts.service.serviceName}).`,
      fix:
        `Set "enable_execute_command": true under services.${facts.service.component} with ` +
        `\`cloudlift update_service ${flags}\`, then start new tasks with \`${redeploy}\`.`,
    });
  } else if (!facts.task.enableExecuteCommand) {
    problems.push({
      what: `Task ${facts.task.taskId} was started before ECS Exec was enabled; only tasks started afterwards have it.`,
      fix: `Replace the running tasks with a new deployment: \`${redeploy}\`.`,
    });
  }
  const roleProblem = taskRoleProblem(facts, flags);
  if (roleProblem !== undefined) {
    problems.push(roleProblem);
  }
  // Without exec on the task there is no agent to look at; the fix above covers it.
  if (facts.task.enableExecuteCommand) {
    const agent = facts.container.agents.find((candidate) => candidate.name === execAgentName);
    if (agent === undefined) {
      problems.push({
        what: `Container ${facts.container.name} of task ${facts.task.taskId} has no ECS Exec agent.`,
        fix: `Start new tasks with \`${redeploy}\`.`,
      });
    } else if (agent.lastStatus === 'PENDING') {
      problems.push({
        what: `The ECS Exec agent in container ${facts.container.name} is still starting (PENDING).`,
        fix: 'Wait a minute and run the command again.',
      });
    } else if (agent.lastStatus !== 'RUNNING') {
      problems.push({
        what:
          `The ECS Exec agent in container ${facts.container.name} is ${agent.lastStatus}` +
          (agent.reason === undefined ? '.' : `: ${agent.reason}.`),
        fix:
          'The agent stops when it cannot open its channels: give the task role the ssmmessages permissions and ' +
          `the tasks outbound HTTPS to ssmmessages (NAT gateway or VPC endpoint), then \`${redeploy}\`.`,
      });
    }
  }
  return problems;
}

function taskRoleProblem(facts: ExecFacts, flags: string): ExecProblem | undefined {
  if (facts.taskRole === undefined) {
    return {
      what: `Task ${facts.task.taskId} has no IAM task role, and the ECS Exec agent needs one.`,
      fix: `Re-create the service template (it gives every service a task role): \`cloudlift update_service ${flags}\`.`,
    };
  }
  if (facts.permissions?.kind === 'denied') {
    return {
      what: `The task role ${roleName(facts.taskRole)} is not allowed ${facts.permissions.actions.join(', ')}.`,
      fix:
        `With "enable_execute_command": true, \`cloudlift update_service ${flags}\` adds these permissions to the ` +
        `task role; or attach a policy allowing ${execTaskRoleActions.join(', ')} on "*" to ${roleName(facts.taskRole)}.`,
    };
  }
  return undefined;
}

function roleName(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

/** The task to open: --task (id or ARN), else the newest task that passes the checks, else the newest. */
export function pickTask(
  tasks: readonly TaskFacts[],
  wanted: string | undefined,
  container: (task: TaskFacts) => string,
): TaskFacts {
  if (wanted !== undefined) {
    const found = tasks.find((task) => task.taskArn === wanted || task.taskId === wanted);
    if (found === undefined) {
      throw new UsageError(`Task ${wanted} is not a running task of this service`, {
        hint: `Running tasks: ${tasks.map((task) => task.taskId).join(', ')}.`,
      });
    }
    return found;
  }
  const newestFirst = [...tasks].sort(
    (a, b) => (b.startedAt?.getTime() ?? 0) - (a.startedAt?.getTime() ?? 0),
  );
  const ready = newestFirst.find((task) => {
    const agent = task.containers
      .find((candidate) => candidate.name === container(task))
      ?.agents.find((candidate) => candidate.name === execAgentName);
    return task.enableExecuteCommand && agent?.lastStatus === 'RUNNING';
  });
  const chosen = ready ?? newestFirst[0];
  if (chosen === undefined) {
    throw new CloudliftError('NoRunningTask', 'The service has no running task', {
      hint: 'Deploy it with `cloudlift deploy_service`.',
    });
  }
  return chosen;
}

/** The container to open: --container, else the app's main container `<Svc>Container`, else the task's first. */
export function pickContainer(task: TaskFacts, wanted: string | undefined, component: string): TaskContainer {
  const names = task.containers.map((container) => container.name);
  if (wanted !== undefined) {
    const found = task.containers.find((container) => container.name === wanted);
    if (found === undefined) {
      throw new UsageError(`Task ${task.taskId} has no container "${wanted}"`, {
        hint: `Its containers: ${names.join(', ')} (e.g. --container ${names[0] ?? containerName(component)}).`,
      });
    }
    return found;
  }
  const found =
    task.containers.find((container) => container.name === containerName(component)) ?? task.containers[0];
  if (found === undefined) {
    throw new CloudliftError('NoContainer', `Task ${task.taskId} has no containers`, {
      hint: 'The task is probably still starting or already stopping; run the command again in a minute.',
    });
  }
  return found;
}

/** Opens the shell (or runs the command) and returns when the session ends. */
export async function execInTask(context: Context, input: ExecInput): Promise<void> {
  if (input.mfaCode !== undefined) {
    checkMfaCode(input.mfaCode);
  }
  if (!input.terminal && input.command === undefined) {
    throw new UsageError('exec opens an interactive shell, which needs a terminal, and there is none here', {
      hint: `Pass the command to run, e.g. cloudlift exec -e ${input.environment} --name ${input.app} --command "ls -la"`,
    });
  }
  const plugin = requirePlugin(context.env, 'exec');
  context.ui.success(`session-manager-plugin found (${plugin})`);
  const session = await prepareCredentials(context, {
    mfaCode: input.mfaCode,
    policy: 'when-given',
    command: 'exec',
  });
  const ctx = session.context;
  const region = await environmentRegion(ctx, input.environment);
  const services = await appServices(ctx, region, input.app, input.environment);
  const service = await chooseService(ctx, services, input.component, 'exec');
  const cluster = clusterName(input.environment);
  const ecs = await ecsExecApi(ctx, region);
  const facts = await gatherFacts(ctx, { ecs, cluster, service, input });
  throwUnlessReady(facts, input);
  ctx.ui.success(
    `ECS Exec is enabled on ${service.component} and on task ${facts.task.taskId}; its agent is running`,
  );
  const runtimeId = facts.container.runtimeId;
  if (runtimeId === undefined) {
    throw new CloudliftError(
      'NoContainer',
      `Container ${facts.container.name} of task ${facts.task.taskId} is not running`,
      { hint: 'Run the command again in a minute, or pick another task with --task.' },
    );
  }
  const command = input.command ?? defaultExecCommand;
  const opened = await ecs.executeCommand({
    cluster,
    taskArn: facts.task.taskArn,
    container: facts.container.name,
    command,
  });
  const where = `${facts.container.name} of task ${facts.task.taskId}`;
  if (input.terminal) {
    ctx.ui.step(`Opening ${command} in ${where} (exit the shell to leave)`);
  } else {
    ctx.ui.step(`Running ${command} in ${where}`);
    ctx.ui.info(
      'No terminal: the output is streamed here and no input is sent. ECS Exec does not pass the exit status back.',
    );
  }
  const credentials = await pluginCredentials(session);
  await runPlugin(ctx, plugin, {
    session: opened,
    region,
    profile: credentials === undefined ? (ctx.globals.profile ?? '') : '',
    target: `ecs:${cluster}_${facts.task.taskId}_${runtimeId}`,
    // The AWS CLI passes the ECS endpoint here, but the plugin uses it for SSM calls (end/resume session).
    endpoint: await ssmEndpoint(ctx, ctx.env, region),
    ...(credentials === undefined ? {} : { credentials }),
    interactive: input.terminal,
  });
}

/** Every missing piece as one error: what, and the fix, in the order to fix them. */
function throwUnlessReady(facts: ExecFacts, input: ExecInput): void {
  const problems = execProblems(facts, { app: input.app, environment: input.environment });
  if (problems.length === 0) {
    return;
  }
  throw new CloudliftError(
    'ExecNotReady',
    `ECS Exec cannot open ${facts.container.name} in task ${facts.task.taskId} yet: ` +
      `${problems.length} thing${problems.length === 1 ? ' is' : 's are'} missing`,
    {
      details: problems.flatMap((problem, index) => [
        `${index + 1}. ${problem.what}`,
        `   Fix: ${problem.fix}`,
      ]),
      hint: `Fix ${problems.length === 1 ? 'it' : 'them in this order'}, then run the same cloudlift exec command again.`,
    },
  );
}

/** Reads the service, its tasks, the chosen task's role and what that role may do, printing each passed check. */
async function gatherFacts(
  ctx: Context,
  scope: {
    ecs: Awaited<ReturnType<typeof ecsExecApi>>;
    cluster: string;
    service: AppService;
    input: ExecInput;
  },
): Promise<ExecFacts> {
  const { ecs, cluster, service, input } = scope;
  const ecsService = await ecs.describeService(cluster, service.serviceName);
  if (ecsService === undefined) {
    throw new CloudliftError(
      'ServiceNotFound',
      `ECS service ${service.serviceName} not found in cluster ${cluster}`,
      {
        hint: `The stack names it but ECS does not know it; run \`cloudlift update_service -e ${input.environment} --name ${input.app}\`.`,
      },
    );
  }
  const tasks = await runningTasks(ecs, cluster, service, input);
  ctx.ui.success(`${tasks.length} running task${tasks.length === 1 ? '' : 's'} in ${service.component}`);
  const mainContainer = (task: TaskFacts): string =>
    input.container ??
    (
      task.containers.find((candidate) => candidate.name === containerName(service.component)) ??
      task.containers[0]
    )?.name ??
    '';
  const task = pickTask(tasks, input.task, mainContainer);
  const container = pickContainer(task, input.container, service.component);
  const taskRole = task.taskRoleOverride ?? (await ecs.taskRoleArn(task.taskDefinitionArn));
  let permissions: PermissionCheck | undefined;
  if (taskRole !== undefined) {
    permissions = await simulatePermissions(ctx, taskRole, execTaskRoleActions);
    if (permissions.kind === 'unknown') {
      ctx.ui.warn(
        `Could not check the task role's permissions (${permissions.reason}). If the session fails, make sure ` +
          `${roleName(taskRole)} allows ${execTaskRoleActions.join(', ')}.`,
      );
    } else if (permissions.kind === 'allowed') {
      ctx.ui.success(`Task role ${roleName(taskRole)} allows the ssmmessages actions ECS Exec needs`);
    }
  }
  return { service, ecsService, task, container, taskRole, permissions };
}
