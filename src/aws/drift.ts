// CloudFormation drift detection for `status`: start DetectStackDrift, wait for it, read the drifted resources. Any
// failure (no permission, a stack in an operation, an endpoint without the API such as the moto emulator) comes back
// as "unknown" with the reason: drift is extra information and never fails the command.
import type * as CfnSdk from '@aws-sdk/client-cloudformation';
import type { Context } from '../context.js';
import { isCloudliftError } from '../errors.js';
import type { DriftedResource } from '../core/operate/status.js';
import { awsErrorName, httpStatusOf, shortReason } from './errors.js';

/** What drift detection found, before cloudlift decides which differences matter. */
export type DriftReading =
  { kind: 'checked'; resources: DriftedResource[] } | { kind: 'unknown'; reason: string };

/** How long to wait for CloudFormation to finish detecting. */
export interface DriftWait {
  timeoutMs: number;
  pollMs: number;
}

/** Turns a failed drift call into the reason shown as "drift unknown (...)"; Ctrl-C passes through. */
function unknown(error: unknown): DriftReading {
  if (isCloudliftError(error)) {
    throw error; // the InterruptedError of Ctrl-C while waiting
  }
  return { kind: 'unknown', reason: unknownReason(error) };
}

function unknownReason(error: unknown): string {
  const status = httpStatusOf(error);
  if (/AccessDenied|UnauthorizedOperation/.test(awsErrorName(error))) {
    return 'no permission for cloudformation:DetectStackDrift';
  }
  if (status !== undefined && status >= 500) {
    return `the CloudFormation endpoint does not support drift detection (HTTP ${status})`;
  }
  return shortReason(error);
}

/** Detects drift of `stackName` in `region`, waiting at most `wait.timeoutMs`. */
export async function detectDrift(
  context: Pick<Context, 'aws' | 'clock' | 'signal'>,
  region: string,
  stackName: string,
  wait: DriftWait,
): Promise<DriftReading> {
  const sdk = await import('@aws-sdk/client-cloudformation');
  const client = new sdk.CloudFormationClient(await context.aws.config(region));
  let detectionId: string | undefined;
  try {
    const started = await client.send(new sdk.DetectStackDriftCommand({ StackName: stackName }));
    detectionId = started.StackDriftDetectionId;
  } catch (error) {
    return unknown(error);
  }
  if (detectionId === undefined) {
    return { kind: 'unknown', reason: 'CloudFormation returned no drift detection id' };
  }
  const deadline = context.clock.now().getTime() + wait.timeoutMs;
  try {
    for (;;) {
      const status = await client.send(
        new sdk.DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: detectionId }),
      );
      if (status.DetectionStatus === 'DETECTION_FAILED') {
        return {
          kind: 'unknown',
          reason: `drift detection failed: ${status.DetectionStatusReason ?? 'no reason given'}`,
        };
      }
      if (status.DetectionStatus === 'DETECTION_COMPLETE') {
        break;
      }
      if (context.clock.now().getTime() >= deadline) {
        return {
          kind: 'unknown',
          reason: `still detecting after ${Math.round(wait.timeoutMs / 1000)}s; see it later with: aws cloudformation describe-stack-drift-detection-status --stack-drift-detection-id ${detectionId}`,
        };
      }
      await context.clock.sleep(wait.pollMs, context.signal);
    }
    return { kind: 'checked', resources: await driftedResources(client, sdk, stackName) };
  } catch (error) {
    return unknown(error);
  }
}

type Sdk = typeof CfnSdk;

async function driftedResources(
  client: InstanceType<Sdk['CloudFormationClient']>,
  sdk: Sdk,
  stackName: string,
): Promise<DriftedResource[]> {
  const resources: DriftedResource[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new sdk.DescribeStackResourceDriftsCommand({
        StackName: stackName,
        StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'],
        NextToken: nextToken,
      }),
    );
    for (const drift of page.StackResourceDrifts ?? []) {
      resources.push({
        logicalId: drift.LogicalResourceId ?? '',
        resourceType: drift.ResourceType ?? '',
        status: drift.StackResourceDriftStatus ?? '',
        differences: (drift.PropertyDifferences ?? []).map((difference) => ({
          path: difference.PropertyPath ?? '',
          kind: difference.DifferenceType ?? '',
          ...(difference.ExpectedValue === undefined ? {} : { expected: difference.ExpectedValue }),
          ...(difference.ActualValue === undefined ? {} : { actual: difference.ActualValue }),
        })),
      });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return resources;
}
