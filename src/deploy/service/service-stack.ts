// The ECS services of an app in an environment: the outputs `<Svc>EcsServiceName` of the service stack `<app>-<env>`,
// in output order, as the original read them.
import type { Context } from '../../context.js';
import { stackApi } from '../../aws/cloudformation.js';
import { ecsServiceNameOutputSuffix, serviceStackName } from '../../core/naming.js';
import { CloudliftError } from '../../errors.js';

/** One ECS service of the app. */
export interface AppService {
  /** The logical name from the template (`Web` for output `WebEcsServiceName`). */
  logicalName: string;
  /** The ECS service name (CloudFormation-generated, e.g. `hello-staging-Web-1AB2C3`). */
  ecsServiceName: string;
}

/** The ECS services listed in the outputs of a service stack (pure, for tests). */
export function servicesFromOutputs(outputs: Readonly<Record<string, string>>): AppService[] {
  return Object.entries(outputs)
    .filter(([key]) => key.endsWith(ecsServiceNameOutputSuffix))
    .map(([key, value]) => ({
      logicalName: key.slice(0, -ecsServiceNameOutputSuffix.length),
      ecsServiceName: value,
    }));
}

/** Reads the service stack; a missing stack or one without services is an error with the command that fixes it. */
export async function appServices(
  ctx: Context,
  app: string,
  environment: string,
  region: string,
): Promise<AppService[]> {
  const stackName = serviceStackName(app, environment);
  const stacks = await stackApi(ctx, region);
  const stack = await stacks.describe(stackName);
  if (stack === undefined) {
    throw new CloudliftError(
      'ServiceNotFound',
      `No service ${app} in ${environment}: stack ${stackName} does not exist in ${region}`,
      {
        // --name defaults to the folder's name, so a wrong folder is the usual cause.
        hint: `Create it with \`cloudlift create_service -e ${environment} --name ${app}\`, or, if the app has another name (--name defaults to this folder's name), pass --name <app>.`,
      },
    );
  }
  const services = servicesFromOutputs(stack.outputs);
  if (services.length === 0) {
    throw new CloudliftError(
      'NoServices',
      `Stack ${stackName} has no *EcsServiceName outputs, so there is nothing to deploy`,
      {
        hint: `Check the stack (status ${stack.status}); re-create it with cloudlift update_service -e ${environment} --name ${app}.`,
      },
    );
  }
  return services;
}
