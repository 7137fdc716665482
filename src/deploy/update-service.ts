// update_service: the service configuration edited (or read from --config-file), validated, saved, then the stack
// `<app>-<env>` updated through a change set whose preview names replacements and downtime risks.
import type { Context } from '../context.js';
import { AbortedError } from '../errors.js';
import { serviceStackName } from '../core/naming.js';
import { newRecordRevision } from './config-store.js';
import { serviceCommands } from './create-service.js';
import { prepareServiceChange } from './service-change.js';
import type { ServiceRequest } from './service-change.js';
import { stackMissingError } from './stack-messages.js';
import { describeStack, updateStack } from './stacks.js';
import type { UpdateResult } from './stacks.js';

/** Updates the service stack of an app in an environment. */
export async function updateService(ctx: Context, request: ServiceRequest): Promise<UpdateResult> {
  const stackName = serviceStackName(request.app, request.environment);
  const subject = {
    stackName,
    description: `service ${request.app} in ${request.environment}`,
    commands: serviceCommands(request),
  };
  const change = await prepareServiceChange(ctx, request, async (environment) => {
    if ((await describeStack(ctx, { stackName, region: environment.region })) === undefined) {
      throw stackMissingError({ ...subject, region: environment.region });
    }
  });
  if (change.stored === undefined) {
    ctx.ui.warn(
      `${request.app} had no stored configuration in ${request.environment}; saving the one just given.`,
    );
  }
  if (change.changed) {
    await change.store.saveService(
      request.app,
      request.environment,
      change.document,
      change.stored?.revision ?? newRecordRevision(),
    );
    ctx.ui.success(`Saved the service configuration of ${request.app} in ${request.environment}.`);
  }
  const result = await updateStack(ctx, {
    ...subject,
    region: change.environment.region,
    template: change.template,
    parameters: { Environment: request.environment },
  }).catch((error: unknown) => {
    if (error instanceof AbortedError && change.changed) {
      throw new AbortedError(
        `${error.message}; the configuration stays saved and is applied the next time you run \`${subject.commands.update}\``,
      );
    }
    throw error;
  });
  if (!result.changed) {
    ctx.ui.info(`${stackName} already matches the configuration: nothing to update.`);
  }
  return result;
}
