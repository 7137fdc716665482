// The physical resources of a stack by logical id (all pages of ListStackResources): update_environment reads the
// fleets' Auto Scaling groups and the subnets' zones from them.
import type { Context } from '../context.js';
import { aws } from './errors.js';

/** One resource of a stack. */
export interface StackResource {
  logicalId: string;
  physicalId: string;
  type: string;
}

/** Every resource of the stack. */
export async function stackResources(
  context: Pick<Context, 'aws'>,
  region: string,
  stackName: string,
): Promise<StackResource[]> {
  const sdk = await import('@aws-sdk/client-cloudformation');
  const client = new sdk.CloudFormationClient(await context.aws.config(region));
  const resources: StackResource[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws(`list the resources of stack ${stackName}`, () =>
      client.send(new sdk.ListStackResourcesCommand({ StackName: stackName, NextToken: nextToken })),
    );
    for (const summary of page.StackResourceSummaries ?? []) {
      resources.push({
        logicalId: summary.LogicalResourceId ?? '',
        physicalId: summary.PhysicalResourceId ?? '',
        type: summary.ResourceType ?? '',
      });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return resources;
}
