// create_service: the service configuration (editor or --config-file), validated and checked against AWS, saved to
// service_configurations, then the stack `<app>-<env>` created with live progress. New services start at 0 tasks.
import type { Context } from '../context.js';
import { classifyStackStatus } from '../core/stack-status.js';
import { serviceStackName } from '../core/naming.js';
import { newRecordRevision } from './config-store.js';
import { prepareServiceChange } from './service-change.js';
import type { ServiceRequest } from './service-change.js';
import { stackExistsError } from './stack-messages.js';
import { createStack, describeStack } from './stacks.js';
import type { StackResult } from './stacks.js';

/** The commands named in hints for a service stack. */
export function serviceCommands(request: Pick<ServiceRequest, 'app' | 'environment'>) {
  const flags = `-e ${request.environment} --name ${request.app}`;
  return { create: `cloudlift create_service ${flags}`, update: `cloudlift update_service ${flags}` };
}

/** Creates the service stack of an app in an environment. */
export async function createService(ctx: Context, request: ServiceRequest): Promise<StackResult> {
  const stackName = serviceStackName(request.app, request.environment);
  const subject = {
    stackName,
    description: `service ${request.app} in ${request.environment}`,
    commands: serviceCommands(request),
  };
  const change = await prepareServiceChange(ctx, request, async (environment) => {
    const existing = await describeStack(ctx, { stackName, region: environment.region });
    if (existing !== undefined) {
      const needsCleanup = classifyStackStatus(existing.status).needsCleanup;
      throw stackExistsError({ ...subject, region: environment.region }, existing.status, needsCleanup);
    }
  });
  await change.store.saveService(
    request.app,
    request.environment,
    change.document,
    change.stored?.revision ?? newRecordRevision(),
  );
  ctx.ui.success(`Saved the service configuration of ${request.app} in ${request.environment}.`);
  const result = await createStack(ctx, {
    ...subject,
    region: change.environment.region,
    template: change.template,
    parameters: { Environment: request.environment },
  });
  const scaled = Object.entries(change.config.services).filter(
    ([, settings]) => settings.autoscaling !== undefined,
  );
  ctx.ui.recommend([
    `cloudlift deploy_service -e ${request.environment} --name ${request.app}   # build, push and start the first tasks`,
    ...(scaled.length > 0
      ? [
          `cloudlift update_service -e ${request.environment} --name ${request.app} --yes   # after the first deploy: turns on autoscaling of ${scaled.map(([key]) => key).join(', ')}`,
        ]
      : []),
  ]);
  return result;
}
