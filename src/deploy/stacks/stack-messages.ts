// The errors the stack engine raises, each saying what state the stack is in and the exact command to run next, and
// the notes the stack commands add about their configuration record (saved before the stack change, or not at all).
import { CloudliftError, InterruptedError, isCloudliftError } from '../../errors.js';
import type { ResourceFailure, StackOperation, UpdateBlocker } from '../../core/stacks/stack-status.js';
import type { Colors } from '../../ui/output.js';
import { failureLines } from '../../ui/format/stack-events.js';

/** The facts about a stack that messages need. */
export interface StackSubject {
  stackName: string;
  region: string;
  /** What the stack is to the user, e.g. `environment staging`. */
  description: string;
  /** The cloudlift commands for this stack, named in hints when given. */
  commands?: { create?: string; update?: string };
}

/** `aws cloudformation <verb> --stack-name <stack> --region <region>`. */
export function awsCli(verb: string, subject: Pick<StackSubject, 'stackName' | 'region'>): string {
  return `aws cloudformation ${verb} --stack-name ${subject.stackName} --region ${subject.region}`;
}

/** The command that shows a stack's status. */
export function statusCommand(subject: Pick<StackSubject, 'stackName' | 'region'>): string {
  return `${awsCli('describe-stacks', subject)} --query "Stacks[0].StackStatus"`;
}

function retry(subject: StackSubject, kind: 'create' | 'update'): string {
  const command = subject.commands?.[kind];
  return command === undefined ? 'run the command again' : `run \`${command}\` again`;
}

/** createStack found a stack with the same name. */
export function stackExistsError(
  subject: StackSubject,
  status: string,
  needsCleanup: boolean,
): CloudliftError {
  if (needsCleanup) {
    return new CloudliftError(
      'StackExists',
      `Cannot create ${subject.description}: stack ${subject.stackName} is left over from a failed create (${status})`,
      {
        hint: `A stack in ${status} can only be deleted. Check why it failed in the CloudFormation console, delete it with \`${awsCli('delete-stack', subject)}\`, wait for the deletion to finish, then ${retry(subject, 'create')}.`,
      },
    );
  }
  const update = subject.commands?.update;
  return new CloudliftError(
    'StackExists',
    `Cannot create ${subject.description}: stack ${subject.stackName} already exists in ${subject.region} (${status})`,
    {
      hint:
        update === undefined
          ? 'Update the existing stack instead of creating it again.'
          : `Update it instead: \`${update}\`.`,
    },
  );
}

/** updateStack found no stack. */
export function stackMissingError(subject: StackSubject): CloudliftError {
  const create = subject.commands?.create;
  return new CloudliftError(
    'StackNotFound',
    `Cannot update ${subject.description}: stack ${subject.stackName} does not exist in ${subject.region}`,
    { hint: create === undefined ? 'Create it first.' : `Create it first: \`${create}\`.` },
  );
}

/** updateStack found the stack in a state that refuses change sets. */
export function stackBlockedError(subject: StackSubject, blocker: UpdateBlocker): CloudliftError {
  const what = `Cannot update ${subject.description}: stack ${subject.stackName} is ${blocker.status}`;
  switch (blocker.kind) {
    case 'busy':
      return new CloudliftError('StackBusy', `${what} (another operation is running)`, {
        hint: `Wait until it finishes (\`${statusCommand(subject)}\`), then ${retry(subject, 'update')}.`,
      });
    case 'needs-delete':
      return new CloudliftError('StackNeedsCleanup', `${what}: it can only be deleted`, {
        hint: `Delete it with \`${awsCli('delete-stack', subject)}\`, then create it again${
          subject.commands?.create === undefined ? '' : ` with \`${subject.commands.create}\``
        }.`,
      });
    case 'needs-continue-rollback':
      return new CloudliftError('StackRollbackFailed', `${what}: a rollback could not finish`, {
        hint: `Read the failed resources with \`${awsCli('describe-stack-events', subject)}\`, fix them, run \`${awsCli(
          'continue-update-rollback',
          subject,
        )}\`, then ${retry(subject, 'update')}.`,
      });
    default:
      return new CloudliftError('StackNotUpdatable', `${what}, which cannot be updated`, {
        hint: `Check the stack in the CloudFormation console (\`${statusCommand(subject)}\`).`,
      });
  }
}

/** The operation ended in a failed or rolled-back state. */
export function stackFailedError(
  operation: StackOperation,
  subject: StackSubject,
  status: string,
  failures: readonly ResourceFailure[],
  colors: Colors,
): CloudliftError {
  const verb = operation === 'create' ? 'create' : 'update';
  const message = `Could not ${verb} ${subject.description}: stack ${subject.stackName} ended in ${status}`;
  const details = failureLines(failures, colors);
  let hint: string;
  if (status === 'UPDATE_ROLLBACK_COMPLETE') {
    hint = `CloudFormation rolled the stack back to its previous state. Fix the cause above, then ${retry(subject, 'update')}.`;
  } else if (status === 'UPDATE_ROLLBACK_FAILED') {
    hint = `The rollback itself failed. Fix the resources above, run \`${awsCli('continue-update-rollback', subject)}\`, then ${retry(subject, 'update')}.`;
  } else if (operation === 'create') {
    hint = `Nothing usable was created. Fix the cause above, delete the failed stack with \`${awsCli('delete-stack', subject)}\`, then ${retry(subject, 'create')}.`;
  } else {
    hint = `See every event with \`${awsCli('describe-stack-events', subject)}\`.`;
  }
  return new CloudliftError(operation === 'create' ? 'StackCreateFailed' : 'StackUpdateFailed', message, {
    hint,
    details,
  });
}

/** Ctrl-C while a stack was being created. */
export function createInterruptedError(subject: StackSubject, status: string | undefined): InterruptedError {
  const state = status === undefined ? '' : ` (status: ${status})`;
  return new InterruptedError(
    `Stopped watching: CloudFormation keeps creating stack ${subject.stackName} in the background${state}; if it fails, it rolls back by itself`,
    `Watch it with \`${statusCommand(subject)}\`. To remove it, run \`${awsCli('delete-stack', subject)}\`.`,
  );
}

/** Ctrl-C while a stack was being updated. */
export function updateInterruptedError(
  subject: StackSubject,
  status: string | undefined,
  cancelled: boolean,
): InterruptedError {
  const state = status === undefined ? '' : ` (status: ${status})`;
  const message = cancelled
    ? `Update of stack ${subject.stackName} cancelled: CloudFormation is rolling it back to its previous state${state}`
    : `Stopped watching stack ${subject.stackName}; the update could not be cancelled and goes on${state}`;
  return new InterruptedError(
    message,
    `Watch it with \`${statusCommand(subject)}\`, then ${retry(subject, 'update')} if needed.`,
  );
}

/** The same error (code, exit code, details, cause) with its message and hint rewritten. */
function amended(
  error: unknown,
  rewrite: (error: CloudliftError) => { message: string; hint: string | undefined },
): unknown {
  if (!isCloudliftError(error)) {
    return error;
  }
  const { message, hint } = rewrite(error);
  return new CloudliftError(error.code, message, {
    ...(hint === undefined ? {} : { hint }),
    cause: error.cause,
    exitCode: error.exitCode,
    soft: error.soft,
    details: error.details,
  });
}

/**
 * An error after update_environment / update_service saved the configuration but before the stack took it (declined,
 * Ctrl-C, a change set or update that failed): the stored configuration did change, so the message says so and how
 * to apply it.
 */
export function withSavedConfiguration(error: unknown, updateCommand: string): unknown {
  return amended(error, (original) => ({
    message: `${original.message}. The configuration is saved; it is applied the next time you run \`${updateCommand}\``,
    hint: original.hint,
  }));
}
