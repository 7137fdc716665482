import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { failureLines, stackEventRow } from '../../../src/ui/format/stack-events.js';
import type { StackEvent } from '../../../src/core/stacks/stack-status.js';

const at = (seconds: number): Date => new Date(Date.UTC(2025, 0, 1, 0, 0, 0) + seconds * 1000);
const event = (status: string, seconds: number, reason?: string): StackEvent => ({
  eventId: `${status}-${seconds}`,
  stackName: 'web-staging',
  logicalId: 'WebService',
  resourceType: 'AWS::ECS::Service',
  status,
  timestamp: at(seconds),
  ...(reason === undefined ? {} : { reason }),
});

describe('stackEventRow', () => {
  it('keeps the start of a phase and stops the clock when the resource is done', () => {
    const started = stackEventRow(event('CREATE_IN_PROGRESS', 2, 'Resource creation Initiated'), undefined);
    expect(started).toEqual({
      id: 'WebService',
      label: 'WebService',
      detail: 'AWS::ECS::Service',
      status: 'CREATE_IN_PROGRESS',
      tone: 'active',
      startedAt: at(2),
    });
    const done = stackEventRow(event('CREATE_COMPLETE', 40), started);
    expect(done).toMatchObject({
      status: 'CREATE_COMPLETE',
      tone: 'success',
      startedAt: at(2),
      finishedAt: at(40),
    });
  });

  it('restarts the clock when a finished resource starts a new phase (rollback) and shows failure reasons', () => {
    const done = stackEventRow(
      event('UPDATE_COMPLETE', 40),
      stackEventRow(event('UPDATE_IN_PROGRESS', 2), undefined),
    );
    const rolling = stackEventRow(event('UPDATE_IN_PROGRESS', 90), done);
    expect(rolling.startedAt).toEqual(at(90));
    expect(rolling.finishedAt).toBeUndefined();
    const failed = stackEventRow(event('UPDATE_FAILED', 95, 'Service did not stabilize'), rolling);
    expect(failed).toMatchObject({ tone: 'failure', note: 'Service did not stabilize', finishedAt: at(95) });
  });
});

describe('failureLines', () => {
  it('names the resource, its type, status and reason', () => {
    expect(
      failureLines(
        [
          {
            logicalId: 'Alb',
            resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
            status: 'CREATE_FAILED',
            reason: 'Certificate not found',
          },
        ],
        pc.createColors(false),
      ),
    ).toEqual(['Alb (AWS::ElasticLoadBalancingV2::LoadBalancer) CREATE_FAILED: Certificate not found']);
  });
});
