// Pre-flight checks before an environment configuration is saved or a stack is touched: the region is enabled and
// everything the configuration names exists (Elastic IP, key pair, SNS topic, certificate, AMI, existing VPC and
// subnets). All checks are read-only and run together; every problem is reported at once, naming its field.
import { amiFromParameter } from '../../aws/ssm.js';
import { certificateStatus } from '../../aws/acm.js';
import { ec2Api } from '../../aws/ec2.js';
import type { Ec2Api } from '../../aws/ec2.js';
import { topicExists } from '../../aws/sns.js';
import type { Context } from '../../context.js';
import type { EnvironmentConfig, ExistingVpcConfig } from '../../core/config/environment.js';
import {
  customAmiParameter,
  defaultAmiParameter,
  existingVpcSubnets,
  isEc2Cluster,
  isExistingVpc,
} from '../../core/config/environment.js';
import { isAmiId } from '../../core/names.js';
import { ValidationError } from '../../errors.js';

/** What the checks looked up, for the template. */
export interface PreflightFacts {
  /** The region's first two availability zones, as the original chose them. */
  availabilityZones: [string, string];
  /** The hosts' AMI ('' for Fargate-only environments). */
  amiId: string;
}

type Report = (field: string, message: string) => void;

async function checkExistingVpc(
  ec2: Ec2Api,
  vpc: ExistingVpcConfig,
  at: string,
  report: Report,
): Promise<void> {
  if (!(await ec2.vpcExists(vpc.id))) {
    report(`${at}.id`, `VPC ${vpc.id} does not exist in ${ec2.region}`);
    return;
  }
  for (const side of ['public', 'private'] as const) {
    const zones = new Set<string>();
    for (const { key, id } of existingVpcSubnets(vpc, side)) {
      const subnet = await ec2.subnet(id);
      if (subnet === undefined) {
        report(`${at}.subnets.${side}.${key}.id`, `subnet ${id} does not exist in ${ec2.region}`);
      } else if (subnet.vpcId !== vpc.id) {
        report(
          `${at}.subnets.${side}.${key}.id`,
          `subnet ${id} belongs to ${subnet.vpcId}, not to ${vpc.id}`,
        );
      } else {
        zones.add(subnet.availabilityZone);
      }
    }
    if (zones.size === 1) {
      report(
        `${at}.subnets.${side}`,
        `all subnets are in ${[...zones].join('')}; load balancers need two zones`,
      );
    }
  }
}

async function resolveAmi(
  ctx: Context,
  config: EnvironmentConfig,
  at: string,
  report: Report,
): Promise<string> {
  if (!isEc2Cluster(config.cluster)) {
    return '';
  }
  const custom = customAmiParameter(config.cluster);
  if (custom !== undefined && isAmiId(custom)) {
    return custom;
  }
  const parameter = custom ?? defaultAmiParameter;
  const amiId = await amiFromParameter(ctx, config.region, parameter);
  if (amiId === undefined) {
    report(
      custom === undefined ? `${at}.region` : `${at}.cluster.ami_id`,
      `SSM parameter ${parameter} does not exist in ${config.region} or holds no image_id`,
    );
    return '';
  }
  return amiId;
}

async function checkNetwork(
  ec2: Ec2Api,
  config: EnvironmentConfig,
  mode: 'create' | 'update',
  at: string,
  report: Report,
) {
  if (isExistingVpc(config.vpc)) {
    await checkExistingVpc(ec2, config.vpc, `${at}.vpc`, report);
    return;
  }
  const allocationId = config.vpc['nat-gateway']['elastic-ip-allocation-id'];
  const address = await ec2.address(allocationId);
  const field = `${at}.vpc.nat-gateway.elastic-ip-allocation-id`;
  if (address === undefined) {
    report(field, `Elastic IP ${allocationId} does not exist in ${ec2.region}`);
  } else if (mode === 'create' && address.associationId !== undefined) {
    report(
      field,
      `Elastic IP ${allocationId} is already in use (${address.associationId}); the NAT gateway needs a free one`,
    );
  }
}

async function checkNotifications(ctx: Context, config: EnvironmentConfig, at: string, report: Report) {
  const topic = config.environment.notifications_arn;
  if (!(await topicExists(ctx, topic))) {
    report(`${at}.environment.notifications_arn`, `SNS topic ${topic} does not exist`);
  }
  const certificate = config.environment.ssl_certificate_arn;
  if (certificate.includes(':acm:')) {
    const status = await certificateStatus(ctx, certificate);
    if (status === undefined) {
      report(`${at}.environment.ssl_certificate_arn`, `certificate ${certificate} does not exist`);
    } else if (status === 'PENDING_VALIDATION') {
      ctx.ui.warn(
        `Certificate ${certificate} is not validated yet: the HTTPS listeners fail until it is issued.`,
      );
    } else if (status !== 'ISSUED') {
      report(
        `${at}.environment.ssl_certificate_arn`,
        `certificate ${certificate} is ${status}; HTTPS listeners need an issued one`,
      );
    }
  }
}

const hints = (environment: string, mode: 'create' | 'update'): string =>
  `Create what is missing in that region (or fix the configuration${
    mode === 'update' ? ` with \`cloudlift edit_environment -e ${environment}\`` : ''
  }), then run the command again. Nothing was saved or changed.`;

/**
 * Runs every check; throws one ValidationError listing all problems (exit 2, nothing written), or returns the
 * looked-up facts. `update` skips the "Elastic IP in use" check: the environment's own NAT gateway uses it.
 */
export async function environmentPreflight(
  ctx: Context,
  environment: string,
  config: EnvironmentConfig,
  mode: 'create' | 'update',
): Promise<PreflightFacts> {
  const problems: string[] = [];
  const report: Report = (field, message) => problems.push(`${field}: ${message}`);
  const at = environment;
  const home = ec2Api(ctx, await ctx.aws.defaultRegion());
  const enabled = await (await home).enabledRegions();
  if (!enabled.includes(config.region)) {
    report(
      `${at}.region`,
      `${config.region} is not enabled for this AWS account (enable it under Account → AWS Regions)`,
    );
    throw preflightError(environment, mode, problems);
  }
  const ec2 = await ec2Api(ctx, config.region);
  const [zones, amiId] = await Promise.all([
    ec2.availabilityZones(),
    resolveAmi(ctx, config, at, report),
    checkNetwork(ec2, config, mode, at, report),
    checkNotifications(ctx, config, at, report),
    isEc2Cluster(config.cluster) ? keyPair(ec2, config.cluster.key_name, at, report) : Promise.resolve(),
  ]);
  const [first, second] = zones;
  if (first === undefined || second === undefined) {
    report(`${at}.region`, `${config.region} has fewer than two availability zones available`);
  }
  if (problems.length > 0) {
    throw preflightError(environment, mode, problems);
  }
  return { availabilityZones: [first ?? '', second ?? ''], amiId };
}

async function keyPair(ec2: Ec2Api, name: string, at: string, report: Report): Promise<void> {
  if (!(await ec2.keyPairExists(name))) {
    report(`${at}.cluster.key_name`, `key pair ${name} does not exist in ${ec2.region}`);
  }
}

function preflightError(environment: string, mode: 'create' | 'update', problems: string[]): ValidationError {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new ValidationError(`Pre-flight check failed: ${problems[0] ?? ''}${more}`, {
    code: 'PreflightFailed',
    details: problems.length > 1 ? problems : [],
    hint: hints(environment, mode),
  });
}
