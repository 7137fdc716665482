// The CloudFormation stack engine every stack command uses (environments and services): create with live progress,
// update through a previewed and confirmed change set, Ctrl-C and failure handling, and stack read helpers.
//
// Public API (see docs/stacks.md for what users see):
//   createStack(ctx, request): Promise<StackResult>
//     Refuses when the stack exists (a failed-create leftover gets the exact delete-stack command), sends the template
//     inline (≤ 51,200 bytes) or through S3, CreateStack with CAPABILITY_NAMED_IAM and OnFailure ROLLBACK, shows live
//     progress until a final state, prints and returns the outputs. Failure → CloudliftError (exit 1) listing the
//     failed resources; Ctrl-C → InterruptedError (130), the stack goes on in the background.
//   updateStack(ctx, request): Promise<UpdateResult>
//     Change set → "No changes" (changed: false, exit 0) or a preview → ctx.ui.confirm (--yes) → execute → progress
//     → outputs. Declined → change set deleted, AbortedError (soft, exit 1). Ctrl-C during the update →
//     CancelUpdateStack (rollback) and InterruptedError (130). Non-updatable states → error with the fixing command.
//   previewStackUpdate(ctx, request): Promise<StackPreview>   change set → printed preview → change set deleted.
//   describeStack(ctx, ref): Promise<StackDescription | undefined>   undefined when the stack does not exist.
//   refuseExistingStack(ctx, subject) / requireExistingStack(ctx, subject)   the create/update pre-checks, for callers
//     that check before they save a configuration.
//   stackOutputs(ctx, ref): Promise<Record<string, string> | undefined>
import { stackApi } from '../aws/cloudformation.js';
import type { ChangeSetDescription, StackApi, StackDescription } from '../aws/cloudformation.js';
import type { Context } from '../context.js';
import { AbortedError, CloudliftError, InterruptedError, isCloudliftError } from '../errors.js';
import { buildChangePreview, effectiveParameters } from '../core/change-preview.js';
import type { ChangePreview } from '../core/change-preview.js';
import { changeSetName } from '../core/naming.js';
import {
  classifyStackStatus,
  isNoChangesReason,
  operationOutcome,
  rootCauseFailures,
  updateBlocker,
} from '../core/stack-status.js';
import type { StackOperation } from '../core/stack-status.js';
import type { Template } from '../core/templates/cdk.js';
import { formatChangePreview } from '../ui/format/change-preview.js';
import { formatElapsed } from '../core/duration.js';
import { StackProgress } from '../ui/progress.js';
import {
  awsCli,
  createInterruptedError,
  stackBlockedError,
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

export type { StackDescription } from '../aws/cloudformation.js';
export type { ChangePreview } from '../core/change-preview.js';

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

/** The stack, or undefined when it does not exist. */
export async function describeStack(ctx: Context, ref: StackRef): Promise<StackDescription | undefined> {
  const api = await stackApi(ctx, ref.region);
  return api.describe(ref.stackName);
}

/** The stack's outputs as a record, or undefined when the stack does not exist. */
export async function stackOutputs(ctx: Context, ref: StackRef): Promise<Record<string, string> | undefined> {
  return (await describeStack(ctx, ref))?.outputs;
}

/** Refuses (before anything is written) when the stack exists; a failed-create leftover gets the delete command. */
export async function refuseExistingStack(ctx: Context, subject: StackSubject): Promise<void> {
  await refuseExisting(await stackApi(ctx, subject.region), subject);
}

/** Refuses (before anything is written) when the stack does not exist, naming the command that creates it. */
export async function requireExistingStack(ctx: Context, subject: StackSubject): Promise<void> {
  await requireStack(await stackApi(ctx, subject.region), subject);
}

/** Creates a stack and follows it to the end. */
export async function createStack(ctx: Context, request: StackRequest): Promise<StackResult> {
  const api = await stackApi(ctx, request.region);
  await refuseExisting(api, request);
  const prepared = await prepare(ctx, request);
  let stackId: string;
  try {
    if (ctx.signal.aborted) {
      throw new InterruptedError(
        `Interrupted before stack ${request.stackName} was created: nothing was changed`,
      );
    }
    stackId = await api.create({
      stackName: request.stackName,
      template: prepared.source,
      parameters: request.parameters,
      ...(request.tags === undefined ? {} : { tags: request.tags }),
      // A failed create rolls back: nothing keeps costing money, the events stay readable, and the next step is
      // always the same (delete the stack, create again). See docs/stacks.md.
      onFailure: 'ROLLBACK',
    });
  } catch (error) {
    throw await explainRejectedCreate(api, request, error);
  } finally {
    await prepared.cleanup(); // CreateStack has read the template when it returns
  }
  return follow(ctx, api, request, 'create', stackId, undefined);
}

/** Updates a stack through a change set: preview, confirm, execute, follow. */
export async function updateStack(ctx: Context, request: StackRequest): Promise<UpdateResult> {
  const api = await stackApi(ctx, request.region);
  const proposal = await proposeChanges(ctx, api, request);
  if (proposal.changeSet === undefined) {
    return { ...resultOf(proposal.stack), changed: false };
  }
  const { changeSet, stack } = proposal;
  await confirmOrDiscard(ctx, api, request, changeSet.id);
  if (ctx.signal.aborted) {
    await api.deleteChangeSet(changeSet.id);
    throw new InterruptedError(
      'Interrupted before applying the changes: nothing changed (the change set was deleted)',
    );
  }
  const afterEventId = await api.latestEventId(stack.stackId);
  await api.executeChangeSet(changeSet.id);
  const result = await follow(ctx, api, request, 'update', stack.stackId, afterEventId);
  return { ...result, changed: true };
}

/** Shows what an update would change, without changing anything (the change set is deleted). */
export async function previewStackUpdate(ctx: Context, request: StackRequest): Promise<StackPreview> {
  const api = await stackApi(ctx, request.region);
  const proposal = await proposeChanges(ctx, api, request);
  if (proposal.changeSet === undefined) {
    return { hasChanges: false };
  }
  await api.deleteChangeSet(proposal.changeSet.id);
  ctx.ui.info(ctx.ui.colors.dim('Preview only: the change set was deleted and nothing was changed.'));
  return { hasChanges: true, preview: proposal.preview };
}

async function prepare(ctx: Context, request: StackRequest): Promise<PreparedTemplate> {
  return prepareTemplate(ctx, {
    template: request.template,
    parameters: request.parameters,
    stackName: request.stackName,
    region: request.region,
    ...(request.templateBucket === undefined ? {} : { bucket: request.templateBucket }),
  });
}

async function refuseExisting(api: StackApi, subject: StackSubject): Promise<void> {
  const existing = await api.describe(subject.stackName);
  if (existing !== undefined) {
    throw stackExistsError(subject, existing.status, classifyStackStatus(existing.status).needsCleanup);
  }
}

async function requireStack(api: StackApi, subject: StackSubject): Promise<StackDescription> {
  const stack = await api.describe(subject.stackName);
  if (stack === undefined) {
    throw stackMissingError(subject);
  }
  return stack;
}

/** A change set ready to execute, or (no change set) nothing to change. */
type Proposal =
  | { stack: StackDescription; changeSet: ChangeSetDescription; preview: ChangePreview }
  | { stack: StackDescription; changeSet?: undefined };

/** Creates the change set and prints its preview; without a change set (deleted) when nothing would change. */
async function proposeChanges(ctx: Context, api: StackApi, request: StackRequest): Promise<Proposal> {
  const stack = await requireStack(api, request);
  const blocker = updateBlocker(stack.status);
  if (blocker !== undefined) {
    throw stackBlockedError(request, blocker);
  }
  const prepared = await prepare(ctx, request);
  let changeSet: ChangeSetDescription | undefined;
  try {
    ctx.ui.info(`Preparing the changes to ${request.stackName} (${request.description})...`);
    const id = await api.createChangeSet({
      stackName: request.stackName,
      changeSetName: changeSetName(ctx.clock.now(), prepared.digest),
      template: prepared.source,
      parameters: request.parameters,
      ...(request.tags === undefined ? {} : { tags: request.tags }),
    });
    changeSet = id === undefined ? undefined : await waitForChangeSet(ctx, api, id);
  } finally {
    await prepared.cleanup(); // the change set holds its own copy of the template once created
  }
  if (
    changeSet === undefined ||
    (changeSet.status === 'FAILED' && isNoChangesReason(changeSet.statusReason))
  ) {
    if (changeSet !== undefined) {
      await api.deleteChangeSet(changeSet.id);
    }
    ctx.ui.success(`No changes to ${request.stackName} (${request.description}): it is up to date.`);
    return { stack };
  }
  if (changeSet.status === 'FAILED') {
    await api.deleteChangeSet(changeSet.id);
    throw new CloudliftError(
      'ChangeSetFailed',
      `CloudFormation could not prepare the changes to ${request.stackName}: ${changeSet.statusReason ?? 'no reason given'}`,
      { hint: 'Nothing was changed. Fix the template or parameters named above and run the command again.' },
    );
  }
  const preview = buildChangePreview(changeSet.changes, {
    before: stack.parameters,
    after: effectiveParameters(request.template, request.parameters, stack.parameters),
  });
  for (const line of formatChangePreview(preview, request, ctx.ui.colors)) {
    ctx.ui.info(line);
  }
  return { stack, changeSet, preview };
}

/** Polls a new change set until CloudFormation has computed it (about once a second, as the original). */
async function waitForChangeSet(ctx: Context, api: StackApi, id: string): Promise<ChangeSetDescription> {
  try {
    for (;;) {
      const changeSet = await api.describeChangeSet(id);
      if (changeSet.status !== 'CREATE_PENDING' && changeSet.status !== 'CREATE_IN_PROGRESS') {
        return changeSet;
      }
      await ctx.clock.sleep(1_000, ctx.signal);
    }
  } catch (error) {
    if (ctx.signal.aborted) {
      await api.deleteChangeSet(id);
      throw new InterruptedError('Interrupted before any change was made: the change set was deleted');
    }
    throw error;
  }
}

/** Asks before executing; any way of not saying yes deletes the change set. */
async function confirmOrDiscard(
  ctx: Context,
  api: StackApi,
  request: StackRequest,
  changeSetId: string,
): Promise<void> {
  let accepted: boolean;
  try {
    accepted = await ctx.ui.confirm(`Apply these changes to ${request.stackName}?`, {
      flagHint: 'Pass --yes to apply them without asking. Nothing was changed: the change set was deleted.',
    });
  } catch (error) {
    await api.deleteChangeSet(changeSetId);
    // @inquirer/prompts reads Ctrl-C itself (raw mode) and rejects with ExitPromptError instead of a SIGINT.
    if (!isCloudliftError(error) && (error as { name?: string }).name === 'ExitPromptError') {
      throw new InterruptedError('Interrupted: nothing was changed (the change set was deleted)');
    }
    throw error;
  }
  if (!accepted) {
    await api.deleteChangeSet(changeSetId);
    throw new AbortedError(
      `Not applied: nothing changed in ${request.stackName} (the change set was deleted)`,
    );
  }
}

/** Follows a started operation to its final state and turns the outcome into a result or an error. */
async function follow(
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

/** CreateStack itself refused (template or parameter errors); say whether anything was left behind. */
async function explainRejectedCreate(api: StackApi, subject: StackSubject, error: unknown): Promise<unknown> {
  if (!isCloudliftError(error) || error instanceof InterruptedError || error.code === 'StackExists') {
    return error;
  }
  const leftover = await api.describe(subject.stackName).catch(() => undefined);
  const hint =
    leftover === undefined
      ? 'Nothing was created. Fix the template or parameters named above and run the command again.'
      : `Stack ${subject.stackName} was left in ${leftover.status}; delete it with \`${awsCli('delete-stack', subject)}\` before trying again.`;
  return new CloudliftError(error.code, `Could not create ${subject.description}: ${error.message}`, {
    cause: error,
    hint,
  });
}

function resultOf(stack: StackDescription): StackResult {
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
