// Semantic checks of an environment configuration, beyond its shape: CIDRs that parse and fit together, instance
// counts, instance types, ARNs, names AWS will accept. Each problem names its field, so a user can fix it at once.
import { contains, overlaps, parseCidr } from '../cidr.js';
import type { Cidr } from '../cidr.js';
import { clusterAlbIds, clusterAlbSchemes } from '../naming.js';
import type { Ec2ClusterConfig, EnvironmentConfig, ExistingVpcConfig, NewVpcConfig } from './environment.js';
import { allocationStrategies, awsRegions, isInstanceType } from './environment-constants.js';
import {
  effectiveAllocationStrategy,
  existingVpcSubnets,
  instanceTypes,
  isEc2Cluster,
  isExistingVpc,
  newVpcSubnets,
} from './environment-model.js';

/** One finding: `field` is the dotted path (`staging.vpc.cidr`), `message` says what is wrong and what is allowed. */
export interface Problem {
  level: 'error' | 'warning';
  field: string;
  message: string;
}

export { awsRegions, isInstanceType } from './environment-constants.js';

const EIP_ALLOCATION = /^eipalloc-[0-9a-f]{8,17}$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const SNS_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_.-]{1,256}$/;
const CERTIFICATE_ARN =
  /^arn:aws[a-z-]*:(acm:([a-z0-9-]+):\d{12}:certificate\/.+|iam::\d{12}:server-certificate\/.+)$/;
const AMI = /^(ami-[0-9a-f]{8,17}|\/?[A-Za-z0-9_.\-/]+)$/;
/** AWS allows VPC and subnet blocks from /16 to /28. */
const SMALLEST_PREFIX = 16;
const LARGEST_PREFIX = 28;

type Report = (field: string, message: string, level?: Problem['level']) => void;

/** What is wrong with a VPC or subnet block's size, if anything (also checked as the creation questions are answered). */
export function blockSizeProblem(cidr: Cidr): string | undefined {
  return cidr.prefix < SMALLEST_PREFIX || cidr.prefix > LARGEST_PREFIX
    ? `${cidr.text} is /${cidr.prefix}; AWS allows /16 to /28`
    : undefined;
}

function checkBlockSize(cidr: Cidr, field: string, report: Report): void {
  const problem = blockSizeProblem(cidr);
  if (problem !== undefined) {
    report(field, problem);
  }
}

function checkNewVpc(vpc: NewVpcConfig, at: string, report: Report): void {
  const parsedVpc = parseCidr(vpc.cidr);
  if (!parsedVpc.ok) {
    report(`${at}.cidr`, parsedVpc.problem);
  } else {
    checkBlockSize(parsedVpc.cidr, `${at}.cidr`, report);
  }
  const eip = vpc['nat-gateway']['elastic-ip-allocation-id'];
  if (!EIP_ALLOCATION.test(eip)) {
    report(
      `${at}.nat-gateway.elastic-ip-allocation-id`,
      `"${eip}" is not an Elastic IP allocation id (eipalloc-...)`,
    );
  }
  const seen: { field: string; cidr: Cidr }[] = [];
  for (const side of ['public', 'private'] as const) {
    for (const { key, cidr } of newVpcSubnets(vpc, side)) {
      const field = `${at}.subnets.${side}.${key}.cidr`;
      const parsed = parseCidr(cidr);
      if (!parsed.ok) {
        report(field, parsed.problem);
        continue;
      }
      checkBlockSize(parsed.cidr, field, report);
      if (parsedVpc.ok && !contains(parsedVpc.cidr, parsed.cidr)) {
        report(field, `${parsed.cidr.text} is not inside the VPC ${parsedVpc.cidr.text}`);
      }
      const clash = seen.find((other) => overlaps(other.cidr, parsed.cidr));
      if (clash !== undefined) {
        report(field, `${parsed.cidr.text} overlaps ${clash.field} (${clash.cidr.text})`);
      }
      seen.push({ field, cidr: parsed.cidr });
    }
  }
}

function checkExistingVpc(vpc: ExistingVpcConfig, at: string, report: Report): void {
  if (!VPC_ID.test(vpc.id)) {
    report(`${at}.id`, `"${vpc.id}" is not a VPC id (vpc-...)`);
  }
  const ids = new Map<string, string>();
  for (const side of ['public', 'private'] as const) {
    const subnets = existingVpcSubnets(vpc, side);
    if (subnets.length < 2 || subnets.length > 5) {
      report(
        `${at}.subnets.${side}`,
        `has ${subnets.length} subnet(s); give 2 to 5 (load balancers need two availability zones)`,
      );
    }
    for (const { key, id } of subnets) {
      const field = `${at}.subnets.${side}.${key}.id`;
      if (!SUBNET_ID.test(id)) {
        report(field, `"${id}" is not a subnet id (subnet-...)`);
      } else if (ids.has(id)) {
        report(field, `${id} is already used by ${ids.get(id) ?? ''}`);
      }
      ids.set(id, field);
    }
  }
}

function checkFleet(cluster: Ec2ClusterConfig, at: string, report: Report, spot: boolean): void {
  const min = spot ? (cluster.spot_min_instances ?? 0) : cluster.min_instances;
  const max = spot ? (cluster.spot_max_instances ?? 0) : cluster.max_instances;
  const [minKey, maxKey] = spot
    ? ['spot_min_instances', 'spot_max_instances']
    : ['min_instances', 'max_instances'];
  const fleet = spot ? 'spot' : 'on-demand';
  if (min > max) {
    report(`${at}.${maxKey}`, `${max} is less than ${minKey} (${min}); the ${fleet} fleet needs min <= max`);
  } else if (min === 0 && max > 0) {
    report(
      `${at}.${minKey}`,
      `is 0, so the ${fleet} fleet is not created (as in the original) even though ${maxKey} is ${max}`,
      'warning',
    );
  }
}

function checkEc2Cluster(cluster: Ec2ClusterConfig, at: string, report: Report): void {
  checkFleet(cluster, at, report, false);
  checkFleet(cluster, at, report, true);
  const spotFleet = (cluster.spot_min_instances ?? 0) > 0;
  if (cluster.min_instances === 0 && !spotFleet) {
    report(
      `${at}.min_instances`,
      'both fleets have 0 minimum instances, so the cluster would have no EC2 hosts; ' +
        'set min_instances or spot_min_instances above 0, or use "type": "fargate"',
    );
  }
  const types = instanceTypes(cluster);
  if (types.length === 0) {
    report(
      `${at}.instance_type`,
      'is empty; give one or more instance types, comma separated (e.g. t3.micro)',
    );
  }
  const badType = types.find((type) => !isInstanceType(type));
  if (badType !== undefined) {
    report(
      `${at}.instance_type`,
      `"${badType}" is not an EC2 instance type (expected family.size, e.g. t3.micro)`,
    );
  }
  if (cluster.key_name.trim() === '') {
    report(`${at}.key_name`, 'is empty; give the name of an EC2 key pair in the environment region');
  }
  const strategy = effectiveAllocationStrategy(cluster);
  const strategyKey =
    cluster.allocation_strategy === undefined ? 'spot_allocation_strategy' : 'allocation_strategy';
  if (!(allocationStrategies as readonly string[]).includes(strategy)) {
    report(`${at}.${strategyKey}`, `"${strategy}" is not one of ${allocationStrategies.join(', ')}`);
  } else if (strategy === 'lowest-price' && spotFleet && cluster.spot_instance_pools === undefined) {
    report(`${at}.spot_instance_pools`, 'is required when the allocation strategy is lowest-price (e.g. 2)');
  }
  const lifecycle = cluster.ecs_instance_default_lifecycle_type;
  if ((lifecycle === 'spot' && !spotFleet) || (lifecycle === 'ondemand' && cluster.min_instances === 0)) {
    report(
      `${at}.ecs_instance_default_lifecycle_type`,
      `is "${lifecycle}" but that fleet is not created (its minimum is 0); services placed on it would never start`,
    );
  }
  const ami = cluster.ami_id;
  if (typeof ami === 'string' && ami !== 'None' && ami.trim() !== '' && !AMI.test(ami.trim())) {
    report(`${at}.ami_id`, `"${ami}" is neither an SSM parameter path nor an AMI id`);
  }
}

function checkFargateCluster(cluster: EnvironmentConfig['cluster'], at: string, report: Report): void {
  for (const key of ['min_instances', 'max_instances', 'spot_min_instances', 'spot_max_instances'] as const) {
    const value = (cluster as Record<string, unknown>)[key];
    if (typeof value === 'number' && value > 0) {
      report(`${at}.${key}`, `is ${value}, but a Fargate-only environment has no EC2 instances; set it to 0`);
    }
  }
}

function checkArns(config: EnvironmentConfig, at: string, report: Report): void {
  const sns = config.environment.notifications_arn;
  if (!SNS_ARN.test(sns)) {
    report(
      `${at}.notifications_arn`,
      `"${sns}" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)`,
    );
  }
  const certificate = config.environment.ssl_certificate_arn;
  const match = CERTIFICATE_ARN.exec(certificate);
  if (match === null) {
    report(
      `${at}.ssl_certificate_arn`,
      `"${certificate}" is not a certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)`,
    );
  } else if (match[2] !== undefined && match[2] !== config.region && awsRegions.includes(config.region)) {
    report(
      `${at}.ssl_certificate_arn`,
      `is in ${match[2]}, but load balancers need a certificate in the environment region ${config.region}`,
    );
  }
}

function checkEnvironmentName(environment: string, report: Report): void {
  for (const scheme of clusterAlbSchemes) {
    const ids = clusterAlbIds(environment, scheme);
    const tooLong = [ids.alb, ids.securityGroup].find((name) => name.length > 32);
    if (tooLong !== undefined) {
      report(
        'environment name',
        `"${environment}" is too long: the cluster load balancer name ${tooLong} has ${tooLong.length} ` +
          'characters and AWS allows 32; use an environment name of at most 18 letters and digits',
      );
      return;
    }
  }
}

/** Every problem of a schema-valid configuration, errors and warnings, in document order. */
export function environmentProblems(environment: string, config: EnvironmentConfig): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (field, message, level = 'error') => problems.push({ level, field, message });
  const at = (path: string): string => `${environment}.${path}`;
  checkEnvironmentName(environment, report);
  if (!awsRegions.includes(config.region)) {
    report(at('region'), `"${config.region}" is not an AWS region code (e.g. us-east-1, ap-south-1)`);
  }
  if (isExistingVpc(config.vpc)) {
    checkExistingVpc(config.vpc, at('vpc'), report);
  } else {
    checkNewVpc(config.vpc, at('vpc'), report);
  }
  if (isEc2Cluster(config.cluster)) {
    checkEc2Cluster(config.cluster, at('cluster'), report);
  } else {
    checkFargateCluster(config.cluster, at('cluster'), report);
  }
  checkArns(config, at('environment'), report);
  const fluentBit = config.service_defaults?.fluentbit_config;
  if (fluentBit !== undefined && fluentBit.image_uri.trim() === '') {
    report(
      at('service_defaults.fluentbit_config.image_uri'),
      'is empty; give an image, e.g. amazon/aws-for-fluent-bit:stable',
    );
  }
  return problems;
}
