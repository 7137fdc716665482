// The update path of the stack engine: change set → readable preview → confirm (--yes) → execute → follow. Declining,
// Ctrl-C before the execution, or a change set CloudFormation cannot build all delete the change set. Public API:
// src/deploy/stacks/stacks.ts.
import { stackApi } from '../../aws/cloudformation.js';
import type { ChangeSetDescription, StackApi, StackDescription } from '../../aws/cloudformation.js';
import type { Context } from '../../context.js';
import { AbortedError, CloudliftError, InterruptedError, isCloudliftError } from '../../errors.js';
import { buildChangePreview, effectiveParameters } from '../../core/stacks/change-preview.js';
import type { ChangePreview } from '../../core/stacks/change-preview.js';
import { changeSetName } from '../../core/naming.js';
import { isNoChangesReason, updateBlocker } from '../../core/stacks/stack-status.js';
import { formatChangePreview } from '../../ui/format/change-preview.js';
import { stackBlockedError } from './stack-messages.js';
import { follow, prepare, requireStack, resultOf } from './stack-run.js';
import type { StackPreview, StackRequest, UpdateResult } from './stack-run.js';

/**
 * What an update that stopped before executing left unchanged: nothing, or only the stack when the caller saved the
 * configuration first (its own error then says the configuration is saved; see withSavedConfiguration).
 */
function unchanged(request: StackRequest): string {
  return request.configurationSaved === true
    ? `stack ${request.stackName} was not changed`
    : `nothing changed in ${request.stackName}`;
}

/** `unchanged` as the start of a sentence. */
function unchangedSentence(request: StackRequest): string {
  const text = unchanged(request);
  return text.charAt(0).toUpperCase() + text.slice(1);
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
      `Interrupted before applying the changes: ${unchanged(request)} (the change set was deleted)`,
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
    changeSet = id === undefined ? undefined : await waitForChangeSet(ctx, api, request, id);
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
      {
        hint: `${unchangedSentence(request)}. Fix the template or parameters named above and run the command again.`,
      },
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
async function waitForChangeSet(
  ctx: Context,
  api: StackApi,
  request: StackRequest,
  id: string,
): Promise<ChangeSetDescription> {
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
      throw new InterruptedError(`Interrupted: ${unchanged(request)} (the change set was deleted)`);
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
      flagHint: `Pass --yes to apply them without asking. ${unchangedSentence(request)}: the change set was deleted.`,
    });
  } catch (error) {
    await api.deleteChangeSet(changeSetId);
    // @inquirer/prompts reads Ctrl-C itself (raw mode) and rejects with ExitPromptError instead of a SIGINT.
    if (!isCloudliftError(error) && (error as { name?: string }).name === 'ExitPromptError') {
      throw new InterruptedError(`Interrupted: ${unchanged(request)} (the change set was deleted)`);
    }
    throw error;
  }
  if (!accepted) {
    await api.deleteChangeSet(changeSetId);
    throw new AbortedError(`Not applied: ${unchanged(request)} (the change set was deleted)`);
  }
}
