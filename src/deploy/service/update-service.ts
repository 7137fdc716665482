// update_service: the service configuration edited (or read from --config-file), validated, saved, then the stack
// `<app>-<env>` updated through a change set whose preview names replacements and downtime risks.
import type { Context } from '../../context.js';
import { prepareServiceChange, saveServiceChange, serviceCommands, serviceStack } from './service-change.js';
import type { ServiceRequest } from './service-change.js';
import { withSavedConfiguration } from '../stacks/stack-messages.js';
import { requireExistingStack, updateStack } from '../stacks/stacks.js';
import type { UpdateResult } from '../stacks/stacks.js';

/** Updates the service stack of an app in an environment. */
export async function updateService(ctx: Context, request: ServiceRequest): Promise<UpdateResult> {
  const change = await prepareServiceChange(ctx, request, (environment) =>
    requireExistingStack(ctx, serviceStack(request, environment.region)),
  );
  if (change.stored === undefined) {
    ctx.ui.warn(
      `${request.app} had no stored configuration in ${request.environment}; saving the one just given.`,
    );
  }
  if (change.changed) {
    await saveServiceChange(ctx, request, change);
  }
  const subject = serviceStack(request, change.environment.region);
  // Nothing to change is reported by the stack engine ("No changes to <stack>: it is up to date"), once.
  return updateStack(ctx, {
    ...subject,
    template: change.template,
    parameters: { Environment: request.environment },
    configurationSaved: change.changed,
  }).catch((error: unknown) => {
    throw change.changed ? withSavedConfiguration(error, serviceCommands(request).update) : error;
  });
}
