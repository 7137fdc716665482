// create_service: the service configuration (editor or --config-file), validated and checked against AWS, saved to
// service_configurations, then the stack `<app>-<env>` created with live progress. New services start at 0 tasks.
import type { Context } from '../../context.js';
import { prepareServiceChange, saveServiceChange, serviceStack } from './service-change.js';
import type { ServiceRequest } from './service-change.js';
import { createStack, refuseExistingStack } from '../stacks/stacks.js';
import type { StackResult } from '../stacks/stacks.js';

/** Creates the service stack of an app in an environment. */
export async function createService(ctx: Context, request: ServiceRequest): Promise<StackResult> {
  const change = await prepareServiceChange(ctx, request, (environment) =>
    refuseExistingStack(ctx, serviceStack(request, environment.region)),
  );
  await saveServiceChange(ctx, request, change);
  const result = await createStack(ctx, {
    ...serviceStack(request, change.environment.region),
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
