// The environment configuration: the `<env>` document stored in DynamoDB table `environment_configurations`, with
// the keys and value types of Cloudlift 2.1.1 (hyphenated `nat-gateway`, `subnet-1`, ...) so both tools read each
// other's records, plus two additions the original ignores: an existing VPC and a Fargate-only cluster.
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { environmentProblems } from './environment-checks.js';
import { formatIssues, jsonSchemaOf, lenientObject } from './validate.js';

import { allocationStrategies } from './environment-constants.js';

export { allocationStrategies, defaultAllocationStrategy } from './environment-constants.js';
export {
  customAmiParameter,
  defaultAmiParameter,
  effectiveAllocationStrategy,
  existingVpcSubnets,
  instanceTypes,
  isEc2Cluster,
  isExistingVpc,
  newVpcSubnets,
} from './environment-model.js';

const count = z.int().min(0);
const subnetByCidr = lenientObject({ cidr: z.string() });
const subnetById = lenientObject({ id: z.string() });
const subnetPairByCidr = lenientObject({ 'subnet-1': subnetByCidr, 'subnet-2': subnetByCidr });
const subnetsById = z.record(z.string().regex(/^subnet-[0-9]$/, 'keys are subnet-1 .. subnet-9'), subnetById);

/** A VPC created by the environment stack (the original's only kind). */
const newVpcSchema = lenientObject({
  create_new: z.literal(true).optional(),
  cidr: z.string(),
  'nat-gateway': lenientObject({ 'elastic-ip-allocation-id': z.string() }),
  subnets: lenientObject({ public: subnetPairByCidr, private: subnetPairByCidr }),
});

/** Ours (the Rippling fork's layout): an existing VPC and subnets, referenced by id, never modified. */
const existingVpcSchema = lenientObject({
  create_new: z.literal(false),
  id: z.string(),
  subnets: lenientObject({ public: subnetsById, private: subnetsById }),
});

/** EC2 hosts in up to two fleets (on-demand and spot), as in the original. */
const ec2ClusterSchema = lenientObject({
  type: z.literal('ec2').optional(),
  min_instances: count,
  max_instances: count,
  spot_min_instances: count.optional(),
  spot_max_instances: count.optional(),
  instance_type: z.string(),
  key_name: z.string(),
  allocation_strategy: z.enum(allocationStrategies).optional(),
  /** Where the original's prompts mistakenly saved the strategy (Appendix A #3); read, never written. */
  spot_allocation_strategy: z.string().optional(),
  spot_instance_pools: z.int().min(1).max(20).optional(),
  ecs_instance_default_lifecycle_type: z.enum(['ondemand', 'spot']).optional(),
  /** SSM parameter path of a custom AMI (its value is JSON with `image_id`), an AMI id, or null / "None". */
  ami_id: z.string().nullable().optional(),
});

/** Ours: no EC2 hosts at all; services run on Fargate. Instance counts, if present, must be 0. */
const fargateClusterSchema = lenientObject({
  type: z.literal('fargate'),
  min_instances: count.optional(),
  max_instances: count.optional(),
  spot_min_instances: count.optional(),
  spot_max_instances: count.optional(),
});

const serviceDefaultsSchema = lenientObject({
  logging: z.union([z.enum(['awslogs', 'awsfirelens', 'null']), z.null()]).optional(),
  alb_mode: z.enum(['cluster', 'dedicated']).optional(),
  disable_service_alarms: z.boolean().optional(),
  fluentbit_config: lenientObject({
    image_uri: z.string(),
    env: z.record(z.string(), z.unknown()).optional(),
  }).optional(),
});

/** The `<env>` document. */
export const environmentConfigSchema = lenientObject({
  region: z.string(),
  vpc: z.discriminatedUnion('create_new', [newVpcSchema, existingVpcSchema]),
  cluster: z.discriminatedUnion('type', [ec2ClusterSchema, fargateClusterSchema]),
  environment: lenientObject({ notifications_arn: z.string(), ssl_certificate_arn: z.string() }),
  service_defaults: serviceDefaultsSchema.optional(),
});

/** A validated environment configuration. */
export type EnvironmentConfig = z.output<typeof environmentConfigSchema>;
/** The VPC part: created by the stack, or existing. */
export type VpcConfig = EnvironmentConfig['vpc'];
/** A VPC the stack creates. */
export type NewVpcConfig = z.output<typeof newVpcSchema>;
/** An existing VPC. */
export type ExistingVpcConfig = z.output<typeof existingVpcSchema>;
/** The cluster part: EC2 fleets or Fargate only. */
export type ClusterConfig = EnvironmentConfig['cluster'];
/** EC2 fleets. */
export type Ec2ClusterConfig = z.output<typeof ec2ClusterSchema>;
/** One spot allocation strategy. */
export type AllocationStrategy = (typeof allocationStrategies)[number];

/** Accepts a config file in either layout: the `<env>` document, or the stored `{ "<env>": {...}, ... }` item. */
export function unwrapEnvironmentDocument(environment: string, document: unknown): unknown {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return document;
  }
  const record = document as Record<string, unknown>;
  const looksInner = 'region' in record && 'vpc' in record;
  const inner = record[environment];
  return !looksInner && typeof inner === 'object' && inner !== null ? inner : document;
}

const hint = (environment: string): string =>
  `Fix the field named above, then run the command again (cloudlift schema environment prints every field; ` +
  `cloudlift render_environment -e ${environment} --config-file <file> checks a file without touching AWS).`;

/**
 * Validates an `<env>` document: the schema first, then the semantic checks (CIDRs, counts, ARNs, ...). Throws a
 * ValidationError naming every problem's field (`staging.vpc.cidr: ...`); returns the typed config otherwise.
 */
export function parseEnvironmentConfig(environment: string, document: unknown): EnvironmentConfig {
  const result = environmentConfigSchema.safeParse(document, { reportInput: true });
  const lines = result.success
    ? environmentProblems(environment, result.data)
        .filter((problem) => problem.level === 'error')
        .map((problem) => `${problem.field}: ${problem.message}`)
    : formatIssues(result.error.issues, [environment]);
  if (result.success && lines.length === 0) {
    return result.data;
  }
  const first = lines[0] ?? 'invalid';
  const more =
    lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : '';
  throw new ValidationError(`Invalid environment configuration: ${first}${more}`, {
    code: 'InvalidEnvironmentConfig',
    details: lines.length > 1 ? lines : [],
    hint: hint(environment),
  });
}

/** The JSON Schema of the `<env>` document, for `cloudlift schema environment` and editor autocompletion. */
export function environmentJsonSchema(): Record<string, unknown> {
  return jsonSchemaOf(environmentConfigSchema, 'Cloudlift environment configuration (the <env> document)');
}
