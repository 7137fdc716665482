import { describe, expect, it } from 'vitest';
import {
  classifyStackStatus,
  isNoChangesReason,
  operationOutcome,
  rootCauseFailures,
  statusTone,
  updateBlocker,
} from '../../../src/core/stacks/stack-status.js';
import type { StackEvent } from '../../../src/core/stacks/stack-status.js';

function event(logicalId: string, status: string, reason?: string, seconds = 0): StackEvent {
  return {
    eventId: `${logicalId}-${status}-${seconds}`,
    stackName: 'cluster-staging',
    logicalId,
    resourceType: logicalId === 'cluster-staging' ? 'AWS::CloudFormation::Stack' : 'AWS::EC2::VPC',
    status,
    ...(reason === undefined ? {} : { reason }),
    timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, seconds)),
  };
}

describe('classifyStackStatus', () => {
  it('treats every *_IN_PROGRESS except REVIEW_IN_PROGRESS as moving', () => {
    for (const status of [
      'CREATE_IN_PROGRESS',
      'UPDATE_IN_PROGRESS',
      'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'UPDATE_ROLLBACK_IN_PROGRESS',
      'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'ROLLBACK_IN_PROGRESS',
      'DELETE_IN_PROGRESS',
    ]) {
      expect(classifyStackStatus(status), status).toMatchObject({ isInProgress: true, isFinal: false });
    }
    expect(classifyStackStatus('REVIEW_IN_PROGRESS')).toMatchObject({
      isInProgress: false,
      isFinal: true,
      needsCleanup: true,
    });
  });

  it('flags failed-create leftovers as needing cleanup and not updatable', () => {
    for (const status of ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED']) {
      expect(classifyStackStatus(status), status).toMatchObject({
        isFinal: true,
        isFailed: true,
        needsCleanup: true,
        isUpdatable: false,
      });
    }
  });

  it('knows which final states take a change set', () => {
    expect(classifyStackStatus('CREATE_COMPLETE')).toMatchObject({ isUpdatable: true, isFailed: false });
    expect(classifyStackStatus('UPDATE_ROLLBACK_COMPLETE')).toMatchObject({
      isUpdatable: true,
      isFailed: true,
      isRollback: true,
    });
    expect(classifyStackStatus('UPDATE_ROLLBACK_FAILED')).toMatchObject({
      isUpdatable: false,
      isFailed: true,
    });
  });
});

describe('statusTone', () => {
  it('colours by status class', () => {
    expect(statusTone('CREATE_FAILED')).toBe('failure');
    expect(statusTone('UPDATE_ROLLBACK_FAILED')).toBe('failure');
    expect(statusTone('ROLLBACK_IN_PROGRESS')).toBe('rollback');
    expect(statusTone('UPDATE_ROLLBACK_COMPLETE')).toBe('rollback');
    expect(statusTone('CREATE_IN_PROGRESS')).toBe('active');
    expect(statusTone('CREATE_COMPLETE')).toBe('success');
    expect(statusTone('DELETE_SKIPPED')).toBe('neutral');
  });
});

describe('operationOutcome', () => {
  it('judges create and update separately', () => {
    expect(operationOutcome('create', 'CREATE_COMPLETE')).toBe('succeeded');
    expect(operationOutcome('create', 'CREATE_IN_PROGRESS')).toBe('in-progress');
    expect(operationOutcome('create', 'ROLLBACK_COMPLETE')).toBe('rolled-back');
    expect(operationOutcome('create', 'ROLLBACK_FAILED')).toBe('failed');
    expect(operationOutcome('create', 'UPDATE_COMPLETE')).toBe('failed');
    expect(operationOutcome('update', 'UPDATE_COMPLETE')).toBe('succeeded');
    expect(operationOutcome('update', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).toBe('in-progress');
    expect(operationOutcome('update', 'UPDATE_ROLLBACK_COMPLETE')).toBe('rolled-back');
    expect(operationOutcome('update', 'UPDATE_ROLLBACK_FAILED')).toBe('failed');
  });
});

describe('isNoChangesReason', () => {
  it('recognises both wordings CloudFormation uses for an empty change', () => {
    expect(
      isNoChangesReason(
        "The submitted information didn't contain changes. Submit different information to create a change set.",
      ),
    ).toBe(true);
    expect(isNoChangesReason('No updates are to be performed.')).toBe(true);
    expect(isNoChangesReason('Template format error: Unresolved resource dependencies [X]')).toBe(false);
    expect(isNoChangesReason(undefined)).toBe(false);
  });
});

describe('rootCauseFailures', () => {
  it('keeps the first real failure per resource and drops cascading cancellations and the stack summary', () => {
    const failures = rootCauseFailures(
      [
        event('cluster-staging', 'CREATE_IN_PROGRESS', 'User Initiated', 0),
        event('stagingVpc', 'CREATE_FAILED', 'Resource creation cancelled', 3),
        event('stagingSubnet', 'CREATE_FAILED', 'The CIDR 10.0.0.0/33 is invalid', 2),
        event('stagingSubnet', 'DELETE_FAILED', 'still in use', 4),
        event('cluster-staging', 'ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to create', 5),
      ],
      'cluster-staging',
    );
    expect(failures).toEqual([
      {
        logicalId: 'stagingSubnet',
        resourceType: 'AWS::EC2::VPC',
        status: 'CREATE_FAILED',
        reason: 'The CIDR 10.0.0.0/33 is invalid',
      },
    ]);
  });

  it('falls back to the stack event when no resource failed (e.g. a template-level error)', () => {
    const failures = rootCauseFailures(
      [event('cluster-staging', 'UPDATE_FAILED', 'Parameter validation failed', 1)],
      'cluster-staging',
    );
    expect(failures.map((failure) => failure.reason)).toEqual(['Parameter validation failed']);
  });
});

describe('updateBlocker', () => {
  it('names the kind of fix a stack needs', () => {
    expect(updateBlocker('UPDATE_COMPLETE')).toBeUndefined();
    expect(updateBlocker('UPDATE_ROLLBACK_COMPLETE')).toBeUndefined();
    expect(updateBlocker('UPDATE_IN_PROGRESS')).toEqual({ kind: 'busy', status: 'UPDATE_IN_PROGRESS' });
    expect(updateBlocker('ROLLBACK_COMPLETE')).toEqual({ kind: 'needs-delete', status: 'ROLLBACK_COMPLETE' });
    expect(updateBlocker('DELETE_FAILED')).toEqual({ kind: 'needs-delete', status: 'DELETE_FAILED' });
    expect(updateBlocker('UPDATE_ROLLBACK_FAILED')).toEqual({
      kind: 'needs-continue-rollback',
      status: 'UPDATE_ROLLBACK_FAILED',
    });
    expect(updateBlocker('IMPORT_ROLLBACK_FAILED')).toEqual({
      kind: 'other',
      status: 'IMPORT_ROLLBACK_FAILED',
    });
  });
});
