// The stack engine's shared steps: the request and result types, the template upload, the existence checks, and
// following a started create or update to its final state (live progress, failure and Ctrl-C handling). The public
// API is src/deploy/stacks.ts; the update path is in stack-update.ts.
import type { StackApi, StackDescription } from '../aws/cloudformation.js';
import type { Context } from '../context.js';
import type { InterruptedError } from '../errors.js';
import type { ChangePreview } from '../core/change-preview.js';
import { classifyStackStatus, operationOutcome, rootCauseFailures } from '../core/stack-status.js';
import type { StackOperation } from '../core/stack-status.js';
import type { Template } from '../core/templates/template.js';
import { formatElapsed } from '../core/duration.js';
import { StackProgress } from '../ui/progress.js';
import {
  createInterruptedError,
  stackExistsError,
  stackFailedError,
  stackMissingError,
  updateInterruptedError,
} from './stack-messages.js';
import type { StackSubject } from './stack-messages.js';
import { prepareTemplate } from './template-transport.js';
import type { PreparedTemplate } from './template-transport.js';
import { watchStack } from './stack-watch.js';
import type { WatchResult } from './stack-watch.js';

/** Which stack, where. */
export interface StackRef {
  stackName: string;
  region: string;
}

/** What to create or update. */
export interface StackRequest extends StackRef {
  template: Template;
  parameters: Record<string, string>;
  /** Stack tags (propagated to resources). @default unchanged on update, none on create */
  tags?: Record<string, string>;
  /** What the stack is to the user, for messages, e.g. `environment staging`. */
  description: string;
  /** S3 bucket for templates over 51,200 bytes. @default $CLOUDLIFT_TEMPLATE_BUCKET, else cloudlift-service-template */
  templateBucket?: string;
  /**
   * True when the caller saved the configuration before this update: an update that stops before executing then
   * says the stack (not "nothing") was left unchanged, and the caller adds that the configuration is saved.
   */
  configurationSaved?: boolean;
  /** The cloudlift commands for this stack, named in hints, e.g. `{ update: 'cloudlift update_environment -e staging' }`. */
  commands?: { create?: string; update?: string };
}

/** A stack after a successful operation. */
export interface StackResult {
  stackId: string;
  stackName: string;
  status: string;
  outputs: Record<string, string>;
}

/** The result of updateStack; `changed: false` when there was nothing to change (outputs are the current ones). */
export interface UpdateResult extends StackResult {
  changed: boolean;
}

/** The result of previewStackUpdate. */
export interface StackPreview {
  hasChanges: boolean;
  /** Undefined when there are no changes. */
  preview?: ChangePreview;
}

/** The template as CreateStack / CreateChangeSet take it: inline, or uploaded to S3 when it is too big. */
export async function prepare(ctx: Context, request: StackRequest): Promise<PreparedTemplate> {
  return prepareTemplate(ctx, {
    template: request.template,
    parameters: request.parameters,
    stackName: request.stackName,
    region: request.region,
    ...(request.templateBucket === undefined ? {} : { bucket: request.templateBucket }),
  });
}

/** Throws when the stack exists (a failed-create leftover gets the delete command). */
export async function refuseExisting(api: StackApi, subject: StackSubject): Promise<void> {
  const existing = await api.describe(subject.stackName);
  if (existing !== undefined) {
    throw stackExistsError(subject, existing.status, classifyStackStatus(existing.status).needsCleanup);
  }
}

/** The stack; throws naming the create command when it does not exist. */
export async function requireStack(api: StackApi, subject: StackSubject): Promise<StackDescription> {
  const stack = await api.describe(subject.stackName);
  if (stack === undefined) {
    throw stackMissingError(subject);
  }
  return stack;
}

/** Follows a started operation to its final state and turns the outcome into a result or an error. */
export async function follow(
  ctx: Context,
  api: StackApi,
  subject: StackSubject,
  operation: StackOperation,
  stackId: string,
  afterEventId: string | undefined,
): Promise<StackResult> {
  const verb = operation === 'create' ? 'Creating' : 'Updating';
  const started = ctx.clock.now();
  const progress = new StackProgress(ctx.ui, subject.stackName, {
    title: `${verb} ${subject.description} (stack ${subject.stackName} in ${subject.region})`,
    now: () => ctx.clock.now(),
  });
  let watched: WatchResult;
  try {
    watched = await watchStack({
      api,
      stackId,
      stackName: subject.stackName,
      ...(afterEventId === undefined ? {} : { afterEventId }),
      watcher: progress,
      clock: ctx.clock,
      signal: ctx.signal,
    });
  } catch (error) {
    progress.close({ redraw: !ctx.signal.aborted });
    if (ctx.signal.aborted) {
      throw await interrupted(api, subject, operation, stackId);
    }
    throw error;
  }
  progress.close();
  const { stack, events } = watched;
  if (operationOutcome(operation, stack.status) !== 'succeeded') {
    const failures = rootCauseFailures(events, subject.stackName);
    throw stackFailedError(operation, subject, stack.status, failures, ctx.ui.colors);
  }
  const elapsed = formatElapsed(ctx.clock.now().getTime() - started.getTime());
  ctx.ui.success(
    `${operation === 'create' ? 'Created' : 'Updated'} ${subject.description} (stack ${subject.stackName}) in ${elapsed}.`,
  );
  printOutputs(ctx, stack.outputs);
  return resultOf(stack);
}

/** What Ctrl-C means: an update is cancelled (rolled back); a create goes on in the background. */
async function interrupted(
  api: StackApi,
  subject: StackSubject,
  operation: StackOperation,
  stackId: string,
): Promise<InterruptedError> {
  if (operation === 'create') {
    const stack = await api.describe(stackId).catch(() => undefined);
    return createInterruptedError(subject, stack?.status);
  }
  let cancelled = false;
  try {
    await api.cancelUpdate(stackId);
    cancelled = true;
  } catch {
    // Only an update in UPDATE_IN_PROGRESS can be cancelled; later phases (cleanup) already succeeded.
  }
  const stack = await api.describe(stackId).catch(() => undefined);
  return updateInterruptedError(subject, stack?.status, cancelled);
}

/** The result of an operation from the stack's final description. */
export function resultOf(stack: StackDescription): StackResult {
  return { stackId: stack.stackId, stackName: stack.stackName, status: stack.status, outputs: stack.outputs };
}

function printOutputs(ctx: Context, outputs: Readonly<Record<string, string>>): void {
  const keys = Object.keys(outputs).sort();
  if (keys.length === 0) {
    return;
  }
  ctx.ui.info(ctx.ui.colors.bold('Outputs:'));
  for (const key of keys) {
    ctx.ui.info(`  ${key}: ${outputs[key] ?? ''}`);
  }
}
