// Pure mapping from CloudFormation stack events to progress rows, and the lines that describe a failed operation.
import { statusTone } from '../../core/stacks/stack-status.js';
import type { ResourceFailure, StackEvent } from '../../core/stacks/stack-status.js';
import type { Colors } from '../output.js';
import type { ProgressRow } from './progress.js';

/**
 * The row of a resource after `event`, given its previous row. A new in-progress phase after a final one (for example
 * the rollback of a resource that was created) restarts the elapsed time.
 */
export function stackEventRow(event: StackEvent, previous: ProgressRow | undefined): ProgressRow {
  const tone = statusTone(event.status);
  const phaseEnded = previous?.finishedAt !== undefined;
  const startedAt =
    previous?.startedAt !== undefined && !(phaseEnded && tone === 'active')
      ? previous.startedAt
      : event.timestamp;
  const row: ProgressRow = {
    id: event.logicalId,
    label: event.logicalId,
    detail: event.resourceType,
    status: event.status,
    tone,
    startedAt,
  };
  if (tone !== 'active') {
    row.finishedAt = event.timestamp;
  }
  // CloudFormation repeats "User Initiated" and similar on in-progress events; reasons matter once things fail.
  if (event.reason !== undefined && event.reason !== '' && tone !== 'active' && tone !== 'success') {
    row.note = event.reason;
  }
  return row;
}

/** The lines listing an operation's failed resources: `Name (Type) STATUS: reason`. */
export function failureLines(failures: readonly ResourceFailure[], colors: Colors): string[] {
  return failures.map(
    (failure) =>
      `${colors.bold(failure.logicalId)} ${colors.dim(`(${failure.resourceType})`)} ${colors.red(
        failure.status,
      )}: ${failure.reason}`,
  );
}
