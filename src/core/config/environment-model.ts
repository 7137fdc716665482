// What an environment configuration means beyond its shape: its variants (new or existing VPC, EC2 or Fargate-only)
// and the values derived from it. Free of the schema library, so code that only reads a parsed configuration (the
// command definitions, the checks) does not load it.
import type {
  ClusterConfig,
  Ec2ClusterConfig,
  ExistingVpcConfig,
  NewVpcConfig,
  VpcConfig,
} from './environment.js';
import { defaultAllocationStrategy } from './environment-constants.js';

/** True for an existing VPC (`vpc.create_new: false`). */
export function isExistingVpc(vpc: VpcConfig): vpc is ExistingVpcConfig {
  return vpc.create_new === false;
}

/** True for an EC2 cluster (the default, and the original's only kind). */
export function isEc2Cluster(cluster: ClusterConfig): cluster is Ec2ClusterConfig {
  return cluster.type !== 'fargate';
}

/**
 * The strategy the spot fleet uses. We read and write `allocation_strategy`; a record created by the original's
 * prompts has it under `spot_allocation_strategy` instead (Appendix A #3), which the original then ignored.
 */
export function effectiveAllocationStrategy(cluster: Ec2ClusterConfig): string {
  return cluster.allocation_strategy ?? cluster.spot_allocation_strategy ?? defaultAllocationStrategy;
}

/**
 * The subnets of one side of a created VPC, in natural key order (`subnet-1`, `subnet-2`, ...). The schema requires
 * subnet-1 and subnet-2; like the original, further `subnet-N` entries with a `cidr` are created too.
 */
export function newVpcSubnets(
  vpc: NewVpcConfig,
  side: 'public' | 'private',
): { key: string; cidr: string }[] {
  const entries = Object.entries(vpc.subnets[side] as Record<string, unknown>);
  return entries
    .filter((entry): entry is [string, { cidr: string }] => {
      const value = entry[1];
      return (
        typeof value === 'object' && value !== null && typeof (value as { cidr?: unknown }).cidr === 'string'
      );
    })
    .map(([key, value]) => ({ key, cidr: value.cidr }))
    .sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
}

/** The subnets of one side of an existing VPC, in natural key order. */
export function existingVpcSubnets(
  vpc: ExistingVpcConfig,
  side: 'public' | 'private',
): { key: string; id: string }[] {
  return Object.entries(vpc.subnets[side])
    .map(([key, value]) => ({ key, id: value.id }))
    .sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
}

/** Instance types of `cluster.instance_type` (comma separated; the on-demand fleet uses only the first). */
export function instanceTypes(cluster: Ec2ClusterConfig): string[] {
  return cluster.instance_type
    .split(',')
    .map((type) => type.trim())
    .filter((type) => type !== '');
}

/** The SSM parameter path of a custom AMI, or undefined for the ECS-optimized default (null and "None" mean unset). */
export function customAmiParameter(cluster: Ec2ClusterConfig): string | undefined {
  const value = cluster.ami_id;
  return value === undefined || value === null || value === 'None' || value.trim() === ''
    ? undefined
    : value.trim();
}

/** The SSM parameter the original reads the ECS-optimized Amazon Linux 2023 AMI from. */
export const defaultAmiParameter = '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended';
