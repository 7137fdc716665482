import { describe, expect, it } from 'vitest';
import {
  effectiveAllocationStrategy,
  environmentJsonSchema,
  isEc2Cluster,
  parseEnvironmentConfig,
  unwrapEnvironmentDocument,
} from '../../../src/core/config/environment.js';
import type { Ec2ClusterConfig } from '../../../src/core/config/environment.js';
import { environmentProblems } from '../../../src/core/config/environment-checks.js';
import { ValidationError } from '../../../src/errors.js';
import { bothFleetsDocument, fargateExistingVpcDocument, withChange } from './environment-fixtures.js';

function problemOf(environment: string, document: unknown): ValidationError {
  try {
    parseEnvironmentConfig(environment, document);
  } catch (error) {
    if (error instanceof ValidationError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

const base = bothFleetsDocument();

// Each bad input must give exactly one problem, naming its field, and say what is allowed.
const badInputs: [string, Record<string, unknown>, string, RegExp][] = [
  ['unparsable VPC CIDR', withChange(base, 'vpc.cidr', 'ten.ten/16'), 'staging.vpc.cidr', /does not start with a valid IPv4 address/],
  ['VPC CIDR with host bits', withChange(base, 'vpc.cidr', '10.10.10.10/16'), 'staging.vpc.cidr', /host bits set \(did you mean 10\.10\.0\.0\/16\?\)/],
  ['VPC too large for AWS', withChange(base, 'vpc.cidr', '10.0.0.0/8'), 'staging.vpc.cidr', /AWS allows \/16 to \/28/],
  ['subnet outside the VPC', withChange(base, 'vpc.subnets.public.subnet-2.cidr', '10.20.4.0/22'), 'staging.vpc.subnets.public.subnet-2.cidr', /not inside the VPC 10\.10\.0\.0\/16/],
  ['overlapping subnets', withChange(base, 'vpc.subnets.private.subnet-1.cidr', '10.10.2.0/24'), 'staging.vpc.subnets.private.subnet-1.cidr', /overlaps staging\.vpc\.subnets\.public\.subnet-1\.cidr \(10\.10\.0\.0\/22\)/],
  ['subnet prefix out of range', withChange(base, 'vpc.subnets.private.subnet-2.cidr', '10.10.12.0/33'), 'staging.vpc.subnets.private.subnet-2.cidr', /invalid prefix length/],
  ['bad NAT EIP allocation id', withChange(base, 'vpc.nat-gateway.elastic-ip-allocation-id', 'eip-123'), 'staging.vpc.nat-gateway.elastic-ip-allocation-id', /not an Elastic IP allocation id/],
  ['missing NAT gateway', withChange(base, 'vpc.nat-gateway', undefined), 'staging.vpc.nat-gateway', /is required/],
  ['on-demand min > max', withChange(base, 'cluster.min_instances', 6), 'staging.cluster.max_instances', /5 is less than min_instances \(6\)/],
  ['spot min > max', withChange(base, 'cluster.spot_max_instances', 0), 'staging.cluster.spot_max_instances', /0 is less than spot_min_instances \(1\)/],
  ['instance count as text', withChange(base, 'cluster.min_instances', '1'), 'staging.cluster.min_instances', /expected a number, got "1"/],
  ['negative instance count', withChange(base, 'cluster.spot_min_instances', -1), 'staging.cluster.spot_min_instances', /must be at least 0/],
  ['misspelt instance type', withChange(base, 'cluster.instance_type', 't2.micro,m5.xlrge'), 'staging.cluster.instance_type', /"m5\.xlrge" is not an EC2 instance type/],
  ['unknown region', withChange(base, 'region', 'mars-east-1'), 'staging.region', /not an AWS region code/],
  ['missing certificate', withChange(base, 'environment.ssl_certificate_arn', undefined), 'staging.environment.ssl_certificate_arn', /is required \(a string\)/],
  ['certificate in another region', withChange(base, 'environment.ssl_certificate_arn', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'), 'staging.environment.ssl_certificate_arn', /is in us-east-1, but load balancers need a certificate in the environment region ap-south-1/],
  ['SNS topic name instead of ARN', withChange(base, 'environment.notifications_arn', 'platform-team'), 'staging.environment.notifications_arn', /not an SNS topic ARN/],
  ['missing key pair', withChange(base, 'cluster.key_name', undefined), 'staging.cluster.key_name', /is required/],
  ['unknown allocation strategy', withChange(base, 'cluster.allocation_strategy', 'cheapest'), 'staging.cluster.allocation_strategy', /must be one of "capacity-optimized"/],
  ['lowest-price without pools', withChange(base, 'cluster.allocation_strategy', 'lowest-price'), 'staging.cluster.spot_instance_pools', /required when the allocation strategy is lowest-price/],
  ['bad strategy in the original key', withChange(withChange(base, 'cluster.allocation_strategy', undefined), 'cluster.spot_allocation_strategy', 'cheap'), 'staging.cluster.spot_allocation_strategy', /"cheap" is not one of/],
  ['default lifecycle on a missing fleet', withChange(withChange(base, 'cluster.spot_min_instances', 0), 'cluster.ecs_instance_default_lifecycle_type', 'spot'), 'staging.cluster.ecs_instance_default_lifecycle_type', /that fleet is not created/],
  ['no EC2 fleet at all', withChange(withChange(withChange(base, 'cluster.min_instances', 0), 'cluster.spot_min_instances', 0), 'cluster.ecs_instance_default_lifecycle_type', undefined), 'staging.cluster.min_instances', /no EC2 hosts/],
  ['typo next to a known key', withChange(base, 'cluster.key_nmae', 'x'), 'staging.cluster.key_nmae', /did you mean "key_name"/],
  ['Fargate with instances', withChange(fargateExistingVpcDocument(), 'cluster.min_instances', 2), 'staging.cluster.min_instances', /Fargate-only environment has no EC2 instances/],
  ['existing VPC with one private subnet', withChange(fargateExistingVpcDocument(), 'vpc.subnets.private.subnet-2', undefined), 'staging.vpc.subnets.private', /has 1 subnet\(s\); give 2 to 5/],
  ['existing VPC with a bad subnet id', withChange(fargateExistingVpcDocument(), 'vpc.subnets.public.subnet-1.id', 'sub-1'), 'staging.vpc.subnets.public.subnet-1.id', /not a subnet id/],
  ['existing VPC subnet used twice', withChange(fargateExistingVpcDocument(), 'vpc.subnets.private.subnet-1.id', 'subnet-0aaaaaaaaaaaaaaa1'), 'staging.vpc.subnets.private.subnet-1.id', /already used by staging\.vpc\.subnets\.public\.subnet-1\.id/],
  ['create_new neither true nor false', withChange(base, 'vpc.create_new', 'no'), 'staging.vpc.create_new', /Invalid discriminator value/],
  ['unknown cluster type', withChange(base, 'cluster.type', 'kubernetes'), 'staging.cluster.type', /Invalid discriminator value/],
]; // prettier-ignore

describe('parseEnvironmentConfig', () => {
  it('accepts the documents our prompts and the original write', () => {
    const config = parseEnvironmentConfig('staging', base);
    expect(config.region).toBe('ap-south-1');
    expect(isEc2Cluster(config.cluster)).toBe(true);
    expect(parseEnvironmentConfig('staging', fargateExistingVpcDocument()).cluster.type).toBe('fargate');
  });

  it('keeps keys it does not know, so records of other versions survive a save', () => {
    const config = parseEnvironmentConfig('staging', withChange(base, 'cluster.future_setting', { a: 1 }));
    expect((config.cluster as Record<string, unknown>).future_setting).toEqual({ a: 1 });
  });

  it.each(badInputs)('rejects %s with one error naming the field', (_name, document, field, message) => {
    const error = problemOf('staging', document);
    expect(error.exitCode).toBe(2);
    expect(error.details).toEqual([]);
    expect(error.message).toMatch(
      new RegExp(`^Invalid environment configuration: ${field.replace(/[.]/g, '\\.')}: `),
    );
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/cloudlift schema environment/);
  });

  it('has at least 15 bad inputs in the table', () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(15);
  });

  it('rejects an environment name too long for the cluster load balancer names', () => {
    const error = problemOf('a-very-long-environment-name', base);
    expect(error.message).toMatch(/environment name: "a-very-long-environment-name" is too long/);
    expect(error.message).toMatch(/InternalALB1AVeryLongEnvironmentName has 36 characters and AWS allows 32/);
  });

  it('lists every problem when there are several', () => {
    const error = problemOf('staging', withChange(withChange(base, 'region', 'x'), 'vpc.cidr', 'y'));
    expect(error.message).toMatch(/\(and 1 more problem\)$/);
    expect(error.details).toEqual([
      'staging.region: "x" is not an AWS region code (e.g. us-east-1, ap-south-1)',
      'staging.vpc.cidr: "y" is not a CIDR block (expected e.g. 10.0.0.0/16)',
    ]);
  });

  it('warns, without failing, about a fleet skipped because its minimum is 0', () => {
    const document = withChange(
      withChange(base, 'cluster.spot_min_instances', 0),
      'cluster.spot_max_instances',
      3,
    );
    const config = parseEnvironmentConfig('staging', document);
    expect(environmentProblems('staging', config)).toEqual([
      {
        level: 'warning',
        field: 'staging.cluster.spot_min_instances',
        message:
          'is 0, so the spot fleet is not created (as in the original) even though spot_max_instances is 3',
      },
    ]);
  });
});

describe('allocation strategy (Appendix A #3)', () => {
  const cluster = (document: Record<string, unknown>): Ec2ClusterConfig => {
    const parsed = parseEnvironmentConfig('staging', document).cluster;
    if (!isEc2Cluster(parsed)) {
      throw new Error('expected EC2');
    }
    return parsed;
  };

  it('reads allocation_strategy first, then the key the original prompts saved, then the default', () => {
    const withoutKey = withChange(base, 'cluster.allocation_strategy', undefined);
    expect(effectiveAllocationStrategy(cluster(withoutKey))).toBe('capacity-optimized');
    const original = withChange(withoutKey, 'cluster.spot_allocation_strategy', 'price-capacity-optimized');
    expect(effectiveAllocationStrategy(cluster(original))).toBe('price-capacity-optimized');
    const both = withChange(original, 'cluster.allocation_strategy', 'capacity-optimized-prioritized');
    expect(effectiveAllocationStrategy(cluster(both))).toBe('capacity-optimized-prioritized');
  });
});

describe('unwrapEnvironmentDocument', () => {
  it('accepts the inner document and the stored layout', () => {
    expect(unwrapEnvironmentDocument('staging', base)).toBe(base);
    const stored = { staging: base, cloudlift_version: '2.1.1' };
    expect(unwrapEnvironmentDocument('staging', stored)).toBe(base);
    expect(unwrapEnvironmentDocument('other', stored)).toBe(stored);
  });
});

describe('environmentJsonSchema', () => {
  it('describes the hyphenated keys and both VPC kinds', () => {
    const schema = JSON.stringify(environmentJsonSchema());
    for (const key of [
      'nat-gateway',
      'elastic-ip-allocation-id',
      'subnet-1',
      'allocation_strategy',
      'fargate',
    ]) {
      expect(schema).toContain(`"${key}"`);
    }
    expect(environmentJsonSchema().title).toMatch(/environment configuration/);
  });
});
