// Drift detection against a mocked CloudFormation: moto does not implement DetectStackDrift (it answers HTTP 500,
// which test/integration/operate.test.ts checks as "drift unknown"), so the answers of real AWS are scripted here.
import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DetectStackDriftCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { detectDrift } from '../../src/aws/drift.js';
import { InterruptedError } from '../../src/errors.js';
import { FakeClock } from '../support/clock.js';

const cfn = mockClient(CloudFormationClient);
const wait = { timeoutMs: 10_000, pollMs: 2000 };

function context(signal: AbortSignal = new AbortController().signal) {
  return { aws: new AwsClients({ env: { AWS_REGION: 'us-east-1' } }), clock: new FakeClock(), signal };
}

afterEach(() => {
  cfn.reset();
});

describe('detectDrift', () => {
  it('waits for detection, then reads every page of drifted resources', async () => {
    cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-1' });
    cfn
      .on(DescribeStackDriftDetectionStatusCommand)
      .resolvesOnce({ DetectionStatus: 'DETECTION_IN_PROGRESS' } as never)
      .resolves({ DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'DRIFTED' } as never);
    cfn
      .on(DescribeStackResourceDriftsCommand)
      .resolvesOnce({
        StackResourceDrifts: [
          {
            LogicalResourceId: 'Web',
            ResourceType: 'AWS::ECS::Service',
            StackResourceDriftStatus: 'MODIFIED',
            PropertyDifferences: [
              {
                PropertyPath: '/DesiredCount',
                ExpectedValue: '2',
                ActualValue: '0',
                DifferenceType: 'NOT_EQUAL',
              },
            ],
          },
        ],
        NextToken: 'page-2',
      } as never)
      .resolves({
        StackResourceDrifts: [
          {
            LogicalResourceId: 'WebRole',
            ResourceType: 'AWS::IAM::Role',
            StackResourceDriftStatus: 'DELETED',
          },
        ],
      } as never);
    const ctx = context();
    const reading = await detectDrift(ctx, 'us-east-1', 'shop-staging', wait);
    expect(reading).toEqual({
      kind: 'checked',
      resources: [
        {
          logicalId: 'Web',
          resourceType: 'AWS::ECS::Service',
          status: 'MODIFIED',
          differences: [{ path: '/DesiredCount', expected: '2', actual: '0', kind: 'NOT_EQUAL' }],
        },
        { logicalId: 'WebRole', resourceType: 'AWS::IAM::Role', status: 'DELETED', differences: [] },
      ],
    });
    expect(ctx.clock.sleeps).toEqual([2000]);
    expect(cfn.commandCalls(DescribeStackResourceDriftsCommand)[0]?.args[0].input).toMatchObject({
      StackName: 'shop-staging',
      StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'],
    });
  });

  it('reports unknown when there is no permission', async () => {
    cfn
      .on(DetectStackDriftCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDenied' }));
    expect(await detectDrift(context(), 'us-east-1', 'shop-staging', wait)).toEqual({
      kind: 'unknown',
      reason: 'no permission for cloudformation:DetectStackDrift',
    });
  });

  it('reports unknown when the stack is busy or detection fails', async () => {
    cfn
      .on(DetectStackDriftCommand)
      .rejectsOnce(
        Object.assign(new Error('Drift detection cannot be performed on stack in UPDATE_IN_PROGRESS state'), {
          name: 'ValidationError',
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .resolves({ StackDriftDetectionId: 'd-2' });
    expect(await detectDrift(context(), 'us-east-1', 's', wait)).toEqual({
      kind: 'unknown',
      reason: 'ValidationError: Drift detection cannot be performed on stack in UPDATE_IN_PROGRESS state',
    });
    cfn.on(DescribeStackDriftDetectionStatusCommand).resolves({
      DetectionStatus: 'DETECTION_FAILED',
      DetectionStatusReason: 'resource X not supported',
    } as never);
    expect(await detectDrift(context(), 'us-east-1', 's', wait)).toEqual({
      kind: 'unknown',
      reason: 'drift detection failed: resource X not supported',
    });
  });

  it('gives up after the timeout, naming the command to look later', async () => {
    cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-3' });
    cfn
      .on(DescribeStackDriftDetectionStatusCommand)
      .resolves({ DetectionStatus: 'DETECTION_IN_PROGRESS' } as never);
    const ctx = context();
    const reading = await detectDrift(ctx, 'us-east-1', 's', wait);
    expect(reading).toEqual({
      kind: 'unknown',
      reason:
        'still detecting after 10s; see it later with: aws cloudformation describe-stack-drift-detection-status --stack-drift-detection-id d-3',
    });
    expect(ctx.clock.sleeps).toEqual([2000, 2000, 2000, 2000, 2000]);
  });

  it('lets Ctrl-C through while waiting', async () => {
    cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-4' });
    cfn
      .on(DescribeStackDriftDetectionStatusCommand)
      .resolves({ DetectionStatus: 'DETECTION_IN_PROGRESS' } as never);
    const interrupt = new AbortController();
    interrupt.abort(new InterruptedError('Interrupted'));
    await expect(detectDrift(context(interrupt.signal), 'us-east-1', 's', wait)).rejects.toBeInstanceOf(
      InterruptedError,
    );
  });
});
