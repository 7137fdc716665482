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
//
// Layout: this file (public API, create path, reads), stack-update.ts (the change-set path), stack-run.ts (types and
// the steps both share: template upload, existence checks, following an operation to its end).
import { stackApi } from '../../aws/cloudformation.js';
import type { StackApi, StackDescription } from '../../aws/cloudformation.js';
import type { Context } from '../../context.js';
import { CloudliftError, InterruptedError, isCloudliftError } from '../../errors.js';
import { awsCli } from './stack-messages.js';
import type { StackSubject } from './stack-messages.js';
import { follow, prepare, refuseExisting, requireStack } from './stack-run.js';
import type { StackRef, StackRequest, StackResult } from './stack-run.js';

export type { StackDescription } from '../../aws/cloudformation.js';
export type { ChangePreview } from '../../core/stacks/change-preview.js';
export type { StackPreview, StackRef, StackRequest, StackResult, UpdateResult } from './stack-run.js';
export { previewStackUpdate, updateStack } from './stack-update.js';

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
