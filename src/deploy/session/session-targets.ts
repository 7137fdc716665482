// Where a shell can go: the app's ECS services (from its stack's `<Svc>EcsServiceName` outputs), the one the user
// means (--component, a question on a terminal, or the only one), and the EC2 hosts running its tasks.
import { stackApi } from '../../aws/cloudformation.js';
import type { EcsExecApi, TaskFacts } from '../../aws/ecs-exec.js';
import type { Context } from '../../context.js';
import { CloudliftError, UsageError } from '../../errors.js';
import { ecsServiceNameOutputSuffix, serviceStackName } from '../../core/naming.js';

/** One ECS service of the app. */
export interface AppService {
  /** The logical name in the service configuration and template, e.g. `Web` (from the output key). */
  component: string;
  /** The physical ECS service name, e.g. `dummy-staging-Web-1A2B3C`. */
  serviceName: string;
}

/** The app's ECS services in `environment`, in the order of the stack outputs. */
export async function appServices(
  context: Context,
  region: string,
  app: string,
  environment: string,
): Promise<AppService[]> {
  const stackName = serviceStackName(app, environment);
  const stack = await (await stackApi(context, region)).describe(stackName);
  if (stack === undefined) {
    throw new CloudliftError('ServiceNotFound', `Service stack ${stackName} not found in ${region}`, {
      hint: `Check --name and -e, or create it with \`cloudlift create_service -e ${environment} --name ${app}\`.`,
    });
  }
  const services = Object.entries(stack.outputs)
    .filter(([key]) => key.endsWith(ecsServiceNameOutputSuffix) && key !== ecsServiceNameOutputSuffix)
    .map(([key, value]) => ({
      component: key.slice(0, -ecsServiceNameOutputSuffix.length),
      serviceName: value,
    }));
  if (services.length === 0) {
    throw new CloudliftError(
      'NoServices',
      `Stack ${stackName} has no ECS services (no *EcsServiceName outputs)`,
      {
        hint: `Add a service under "services" with \`cloudlift update_service -e ${environment} --name ${app}\`.`,
      },
    );
  }
  return services;
}

/**
 * The service `component` names: its logical name (exactly, then ignoring case), else — as the original matched —
 * the physical name containing `-<component>-`.
 */
export function matchComponent(services: readonly AppService[], component: string): AppService | undefined {
  return (
    services.find((service) => service.component === component) ??
    services.find((service) => service.component.toLowerCase() === component.toLowerCase()) ??
    services.find((service) => service.serviceName.includes(`-${component}-`))
  );
}

/** How to say "pick one" in errors: `Web, Worker`. */
function componentList(services: readonly AppService[]): string {
  return services.map((service) => service.component).join(', ');
}

/** The service to use: --component, the only one, or (on a terminal) the user's choice. */
export async function chooseService(
  context: Context,
  services: readonly AppService[],
  component: string | undefined,
  command: string,
): Promise<AppService> {
  if (component !== undefined) {
    const found = matchComponent(services, component);
    if (found === undefined) {
      throw new UsageError(`The app has no ECS service "${component}"`, {
        hint: `Pick one of: ${componentList(services)} (e.g. --component ${services[0]?.component ?? 'Web'}).`,
      });
    }
    return found;
  }
  const [first, ...others] = services;
  if (first === undefined) {
    throw new CloudliftError('NoServices', 'The app has no ECS services', {
      hint: 'Add a service under "services" with `cloudlift update_service`.',
    });
  }
  if (others.length === 0) {
    context.ui.info(`Using the app's only ECS service, ${first.component}.`);
    return first;
  }
  if (!context.ui.options.interactive) {
    throw new UsageError(
      `The app has ${services.length} ECS services (${componentList(services)}) and there is no terminal to ask which one`,
      { hint: `Pass --component, e.g. cloudlift ${command} ... --component ${first.component}.` },
    );
  }
  context.ui.step('List of services running');
  for (const service of services) {
    context.ui.info(`  ${service.component}`);
  }
  for (;;) {
    const answer = (
      await context.ui.ask('Choose an ecs service', {
        defaultValue: first.component,
        flag: '--component <name>',
      })
    ).trim();
    const found = matchComponent(services, answer);
    if (found !== undefined) {
      return found;
    }
    context.ui.warn(`No service "${answer}"; pick one of: ${componentList(services)}.`);
  }
}

/** The service's running tasks; none is an error that says how to get one. */
export async function runningTasks(
  ecs: EcsExecApi,
  cluster: string,
  service: AppService,
  where: { app: string; environment: string },
): Promise<TaskFacts[]> {
  const tasks = (await ecs.serviceTasks(cluster, service.serviceName)).filter(
    (task) => task.lastStatus !== 'STOPPED' && task.lastStatus !== 'DEPROVISIONING',
  );
  if (tasks.length === 0) {
    throw new CloudliftError(
      'NoRunningTask',
      `Service ${service.component} (${service.serviceName}) has no running task in ${where.environment}`,
      {
        hint:
          `Deploy it with \`cloudlift deploy_service -e ${where.environment} --name ${where.app}\`; if it is ` +
          'deployed, its desired count may be 0 or its tasks keep stopping (see the ECS console).',
      },
    );
  }
  return tasks;
}

/** The EC2 instances (ids, first seen first) running `tasks`; Fargate tasks have none, which is said plainly. */
export async function taskInstances(
  ecs: EcsExecApi,
  cluster: string,
  service: AppService,
  tasks: readonly TaskFacts[],
  where: { app: string; environment: string },
): Promise<string[]> {
  const arns = tasks.flatMap((task) =>
    task.containerInstanceArn === undefined ? [] : [task.containerInstanceArn],
  );
  if (arns.length === 0) {
    throw new CloudliftError(
      'FargateHasNoHost',
      `Service ${service.component} runs on Fargate: its tasks have no EC2 instance to open a session on`,
      {
        hint: `Open a shell inside a task instead: cloudlift exec -e ${where.environment} --name ${where.app} --component ${service.component}`,
      },
    );
  }
  const byArn = await ecs.instanceIds(cluster, arns);
  const ids = [...new Set(arns.flatMap((arn) => byArn.get(arn) ?? []))];
  if (ids.length === 0) {
    throw new CloudliftError('NoInstances', "Couldn't find instances. Exiting.", {
      hint: `The container instances of ${cluster} could not be described; check the cluster in the ECS console.`,
    });
  }
  return ids;
}
