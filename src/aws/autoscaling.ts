// Auto Scaling adapter: the desired capacity of the environment's groups, so an update keeps each fleet's size.
import type { Context } from '../context.js';
import { aws } from './errors.js';

/** Desired capacity by group name (groups that do not exist are absent). */
export async function desiredCapacities(
  context: Pick<Context, 'aws'>,
  region: string,
  groupNames: readonly string[],
): Promise<Record<string, number>> {
  if (groupNames.length === 0) {
    return {};
  }
  const sdk = await import('@aws-sdk/client-auto-scaling');
  const client = new sdk.AutoScalingClient(await context.aws.config(region));
  const answer = await aws(`read the desired capacity of ${groupNames.join(', ')}`, () =>
    client.send(new sdk.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [...groupNames] })),
  );
  return Object.fromEntries(
    (answer.AutoScalingGroups ?? []).map((group) => [
      group.AutoScalingGroupName ?? '',
      group.DesiredCapacity ?? 0,
    ]),
  );
}
