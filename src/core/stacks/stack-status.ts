// Classifies CloudFormation stack and resource statuses (final, failed, rolling back, needs cleanup), in one place,
// so the watcher, the renderer and the error messages agree on what a status means.

/** One stack event, in domain terms (the adapter converts the SDK's shape). */
export interface StackEvent {
  eventId: string;
  stackName: string;
  /** The logical id; the stack's own events carry the stack name. */
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  status: string;
  reason?: string;
  timestamp: Date;
}

/** The colour class of a status, for renderers. */
export type StatusTone = 'active' | 'success' | 'failure' | 'rollback' | 'neutral';

/** What a stack status means. */
export interface StackStatusInfo {
  /** Something is still happening (and will finish by itself). */
  isInProgress: boolean;
  /** Nothing will change any more without a new request. */
  isFinal: boolean;
  /** The last operation did not do what was asked (failed or rolled back). */
  isFailed: boolean;
  /** CloudFormation is undoing, or has undone, an operation. */
  isRollback: boolean;
  /** The stack is a leftover of a failed create (or an unexecuted review): it can only be deleted. */
  needsCleanup: boolean;
  /** A change set can be created and executed on it now. */
  isUpdatable: boolean;
  tone: StatusTone;
}

/** Statuses of a stack that never got resources to update: only deleting it helps. */
const cleanupStatuses = new Set([
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'CREATE_FAILED',
  'REVIEW_IN_PROGRESS',
]);

/** Statuses from which a change set can be executed. */
const updatableStatuses = new Set([
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  // Only reachable with rollback disabled; CloudFormation accepts a new update from it.
  'UPDATE_FAILED',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
]);

/** Classifies a stack status (`StackStatus` of DescribeStacks). */
export function classifyStackStatus(status: string): StackStatusInfo {
  // REVIEW_IN_PROGRESS waits for a person to execute a CREATE change set: nothing happens by itself.
  const isInProgress = status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
  const isRollback = status.includes('ROLLBACK');
  const isFailed = !isInProgress && (status.endsWith('_FAILED') || isRollback);
  return {
    isInProgress,
    isFinal: !isInProgress,
    isFailed,
    isRollback,
    needsCleanup: cleanupStatuses.has(status),
    isUpdatable: updatableStatuses.has(status),
    tone: statusTone(status),
  };
}

/** The colour class of a stack or resource status. */
export function statusTone(status: string): StatusTone {
  if (status.endsWith('_FAILED')) {
    return 'failure';
  }
  if (status.includes('ROLLBACK')) {
    return 'rollback';
  }
  if (status.endsWith('_IN_PROGRESS')) {
    return 'active';
  }
  if (status.endsWith('_COMPLETE')) {
    return 'success';
  }
  return 'neutral';
}

/** Which operation a watch follows; decides which final status counts as success. */
export type StackOperation = 'create' | 'update';

/** How an operation ended, judged from the stack's final status. */
export type OperationOutcome = 'in-progress' | 'succeeded' | 'rolled-back' | 'failed';

/** The outcome of a create or update, given the stack's status after it. */
export function operationOutcome(operation: StackOperation, status: string): OperationOutcome {
  const info = classifyStackStatus(status);
  if (info.isInProgress) {
    return 'in-progress';
  }
  const success = operation === 'create' ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE';
  if (status === success) {
    return 'succeeded';
  }
  // A fully rolled-back update leaves the previous, working stack; a rolled-back create leaves an empty shell.
  if (status === 'UPDATE_ROLLBACK_COMPLETE' || status === 'ROLLBACK_COMPLETE') {
    return 'rolled-back';
  }
  return 'failed';
}

/**
 * CloudFormation answers an empty change set with status FAILED and this reason (and UpdateStack with "No updates are
 * to be performed."); there is no error code for it, so the text is matched here, once.
 */
export function isNoChangesReason(reason: string | undefined): boolean {
  return (
    reason !== undefined &&
    /didn't contain changes|did not contain changes|No updates are to be performed/i.test(reason)
  );
}

/** Reasons CloudFormation gives to resources it stopped because another one failed: not root causes. */
function isCascadeReason(reason: string): boolean {
  return /^Resource (creation|update) cancelled/i.test(reason);
}

/** One failure worth showing: a resource (or the stack) and why. */
export interface ResourceFailure {
  logicalId: string;
  resourceType: string;
  status: string;
  reason: string;
}

/**
 * The root causes among an operation's events: failed resources with their reasons, cascading cancellations and the
 * stack's own summary line left out when a resource says more. Oldest first, one entry per resource.
 */
export function rootCauseFailures(events: readonly StackEvent[], stackName: string): ResourceFailure[] {
  const failed = events.filter((event) => event.status.endsWith('_FAILED'));
  const ofResources = failed.filter((event) => event.logicalId !== stackName);
  const causes = ofResources.filter((event) => !isCascadeReason(event.reason ?? ''));
  const chosen = causes.length > 0 ? causes : ofResources.length > 0 ? ofResources : failed;
  const seen = new Set<string>();
  const result: ResourceFailure[] = [];
  for (const event of chosen) {
    if (seen.has(event.logicalId)) {
      continue;
    }
    seen.add(event.logicalId);
    result.push({
      logicalId: event.logicalId,
      resourceType: event.resourceType,
      status: event.status,
      reason: event.reason ?? 'no reason given by CloudFormation',
    });
  }
  return result;
}

/** Why a stack cannot be updated right now, and what kind of fix it needs. */
export type UpdateBlocker =
  | { kind: 'busy'; status: string }
  | { kind: 'needs-delete'; status: string }
  | { kind: 'needs-continue-rollback'; status: string }
  | { kind: 'other'; status: string };

/** Undefined when the stack can take a change set now; otherwise why not. */
export function updateBlocker(status: string): UpdateBlocker | undefined {
  const info = classifyStackStatus(status);
  if (info.isUpdatable) {
    return undefined;
  }
  if (info.isInProgress) {
    return { kind: 'busy', status };
  }
  if (info.needsCleanup || status === 'DELETE_FAILED') {
    return { kind: 'needs-delete', status };
  }
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    return { kind: 'needs-continue-rollback', status };
  }
  return { kind: 'other', status };
}
