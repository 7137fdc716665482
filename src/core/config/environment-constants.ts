// Environment configuration constants without the schema library, so the command definitions (flags, --help) can use
// them without loading zod at start-up.

/** Spot allocation strategies an Auto Scaling group accepts. */
export const allocationStrategies = [
  'capacity-optimized',
  'lowest-price',
  'price-capacity-optimized',
  'capacity-optimized-prioritized',
] as const;

/** The allocation strategy when none is configured (the original's fallback). */
export const defaultAllocationStrategy = 'capacity-optimized';

/** AWS region codes (commercial, GovCloud and China partitions). */
export const awsRegions: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1', 'mx-central-1', 'sa-east-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6',
  'ap-southeast-7', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'us-gov-east-1', 'us-gov-west-1',
  'cn-north-1', 'cn-northwest-1',
]; // prettier-ignore

// The original's pre_flight regex is `family.size` over a 2022 list of families; the same shape, open to families
// launched since (m7i, c8g, ...), still catches the typos it was written for (`t2.mciro`, `t2micro`).
const INSTANCE_TYPE =
  /^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\.(nano|micro|small|medium|large|xlarge|[0-9]+xlarge|metal(-[0-9]+xl)?)$/;

/** True for an EC2 instance type name of the `family.size` shape (`t3.micro`, `m7i.2xlarge`, `c6gn.metal`). */
export function isInstanceType(text: string): boolean {
  return INSTANCE_TYPE.test(text);
}
