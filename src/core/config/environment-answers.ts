// The original's environment creation prompts (§2.3) as data: each question has its prompt text, a flag for scripts,
// a default derived from earlier answers, and a check. The command layer asks on a terminal or reads the flags;
// `answersToDocument` turns the answers into the stored `<env>` document. No I/O here.
import { contains, nthSubnet, parseCidr } from '../cidr.js';
import { blockSizeProblem } from './environment-checks.js';
import { ValidationError } from '../../errors.js';
import { allocationStrategies, awsRegions, isInstanceType } from './environment-constants.js';

/** Every answer, as typed or passed (text); `answersToDocument` converts numbers. */
export type AnswerKey =
  | 'region'
  | 'vpcId'
  | 'publicSubnetIds'
  | 'privateSubnetIds'
  | 'vpcCidr'
  | 'natEipAllocationId'
  | 'publicSubnet1Cidr'
  | 'publicSubnet2Cidr'
  | 'privateSubnet1Cidr'
  | 'privateSubnet2Cidr'
  | 'clusterType'
  | 'minInstances'
  | 'maxInstances'
  | 'spotMinInstances'
  | 'spotMaxInstances'
  | 'instanceTypes'
  | 'defaultLifecycle'
  | 'allocationStrategy'
  | 'spotInstancePools'
  | 'amiSsmParameter'
  | 'keyName'
  | 'notificationsArn'
  | 'sslCertificateArn';

/** Answers collected so far. */
export type Answers = Partial<Record<AnswerKey, string>>;

/** The cluster kinds: the original's three (1, 2, 3) and ours, Fargate only. */
export const clusterTypes = ['ondemand', 'spot', 'both', 'fargate'] as const;
/** One cluster kind. */
export type ClusterType = (typeof clusterTypes)[number];

/** What defaults may depend on besides earlier answers. */
export interface AnswerContext {
  /** The region of the current AWS profile, if any (the original always offered ap-south-1). */
  defaultRegion?: string;
}

/** One question. `when` skips it; `defaultValue` may use earlier answers; `check` returns a problem or undefined. */
export interface Question {
  key: AnswerKey;
  /** The original's prompt text (without click's `: [default]`). */
  prompt: string;
  /** The flag that answers it, e.g. `--vpc-cidr`. */
  flag: string;
  /** The flag's placeholder, e.g. `<cidr>`. */
  placeholder: string;
  /** One line for `--help`. */
  description: string;
  when?: (answers: Answers) => boolean;
  defaultValue?: (answers: Answers, context: AnswerContext) => string | undefined;
  check?: (value: string, answers: Answers) => string | undefined;
}

/** `1`/`2`/`3` (the original's menu), `on-demand`, `OnDemand`, ... to a cluster type; undefined if unknown. */
export function normalizeClusterType(value: string): ClusterType | undefined {
  const text = value.trim().toLowerCase().replace(/[-_ ]/g, '');
  const aliases: Record<string, ClusterType> = { '1': 'ondemand', '2': 'spot', '3': 'both' };
  return aliases[text] ?? clusterTypes.find((type) => type === text);
}

const typeOf = (answers: Answers): ClusterType | undefined => normalizeClusterType(answers.clusterType ?? '');
const newVpc = (answers: Answers): boolean => (answers.vpcId ?? '').trim() === '';
const hasOnDemand = (answers: Answers): boolean => ['ondemand', 'both'].includes(typeOf(answers) ?? '');
const hasSpot = (answers: Answers): boolean => ['spot', 'both'].includes(typeOf(answers) ?? '');
const ec2 = (answers: Answers): boolean => typeOf(answers) !== 'fargate';

const wholeNumber = (value: string): string | undefined =>
  /^\d{1,4}$/.test(value.trim()) ? undefined : `"${value}" is not a whole number`;
// The size and place rules validation applies later, checked as each block is answered: on a terminal a block AWS
// refuses is asked again at once instead of failing the whole run after the last question.
const vpcBlock = (value: string): string | undefined => {
  const parsed = parseCidr(value);
  return parsed.ok ? blockSizeProblem(parsed.cidr) : parsed.problem;
};
const subnetBlock = (value: string, answers: Answers): string | undefined => {
  const parsed = parseCidr(value);
  const vpc = parseCidr(answers.vpcCidr ?? '');
  if (!parsed.ok) {
    return parsed.problem;
  }
  if (vpc.ok && !contains(vpc.cidr, parsed.cidr)) {
    return `${parsed.cidr.text} is not inside the VPC ${vpc.cidr.text}`;
  }
  return blockSizeProblem(parsed.cidr);
};
const required = (value: string): string | undefined =>
  value.trim() === '' ? 'a value is required' : undefined;
const idList = (prefix: string) => (value: string) => {
  const ids = splitList(value);
  const bad = ids.find((id) => !id.startsWith(prefix));
  if (ids.length < 2) {
    return 'give at least two ids, comma separated (load balancers need two availability zones)';
  }
  return bad === undefined ? undefined : `"${bad}" is not a ${prefix}... id`;
};

/** The n-th (0-based) /22 of the VPC CIDR answer, the original's subnet default. */
function subnetDefault(index: number) {
  return (answers: Answers): string | undefined => {
    const parsed = parseCidr(answers.vpcCidr ?? '');
    return parsed.ok ? nthSubnet(parsed.cidr, 22, index)?.text : undefined;
  };
}

/** `a, b,c` → `['a', 'b', 'c']`. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

const subnetQuestion = (key: AnswerKey, prompt: string, flag: string, index: number): Question => ({
  key,
  prompt,
  flag,
  placeholder: '<cidr>',
  description: `${prompt} (default: the ${['1st', '2nd', '3rd', '4th'][index] ?? ''} /22 of the VPC CIDR).`,
  when: newVpc,
  defaultValue: subnetDefault(index),
  check: subnetBlock,
});

const countQuestion = (key: AnswerKey, prompt: string, flag: string, fallback: string, when: (a: Answers) => boolean) =>
  ({ key, prompt, flag, placeholder: '<n>', description: `${prompt} (default ${fallback}).`, when,
    defaultValue: () => fallback, check: wholeNumber }) satisfies Question; // prettier-ignore

/** The questions in the original's order, with ours (existing VPC, Fargate) where they belong. */
export const environmentQuestions: readonly Question[] = [
  {
    key: 'region',
    prompt: 'AWS region for environment',
    flag: '--env-region',
    placeholder: '<region>',
    description: 'AWS region of the environment (default: your profile region, else ap-south-1).',
    defaultValue: (_answers, context) => context.defaultRegion ?? 'ap-south-1',
    check: (value) =>
      awsRegions.includes(value.trim()) ? undefined : `"${value}" is not an AWS region code`,
  },
  {
    key: 'vpcId',
    prompt: 'Existing VPC ID (leave empty to create a new VPC)',
    flag: '--vpc-id',
    placeholder: '<vpc-id>',
    description: 'Use this existing VPC instead of creating one (then also pass the subnet ids).',
    defaultValue: () => '',
    check: (value) =>
      value.trim() === '' || value.trim().startsWith('vpc-') ? undefined : `"${value}" is not a vpc-... id`,
  },
  { key: 'publicSubnetIds', prompt: 'Public subnet IDs of the VPC, comma separated', flag: '--public-subnet-ids',
    placeholder: '<ids>', description: 'Existing VPC only: its public subnets (2 to 5).',
    when: (answers) => !newVpc(answers), check: idList('subnet-') }, // prettier-ignore
  { key: 'privateSubnetIds', prompt: 'Private subnet IDs of the VPC, comma separated', flag: '--private-subnet-ids',
    placeholder: '<ids>', description: 'Existing VPC only: its private subnets (2 to 5).',
    when: (answers) => !newVpc(answers), check: idList('subnet-') }, // prettier-ignore
  { key: 'vpcCidr', prompt: 'VPC CIDR, for example 10.10.0.0/16', flag: '--vpc-cidr', placeholder: '<cidr>',
    description: 'CIDR block of the new VPC, e.g. 10.10.0.0/16.', when: newVpc, check: vpcBlock }, // prettier-ignore
  { key: 'natEipAllocationId', prompt: 'Allocation ID Elastic IP for NAT', flag: '--nat-eip-allocation-id',
    placeholder: '<eipalloc-id>', description: 'Allocation id of the Elastic IP the NAT gateway uses.',
    when: newVpc, check: required }, // prettier-ignore
  subnetQuestion('publicSubnet1Cidr', 'Public Subnet 1 CIDR', '--public-subnet-1-cidr', 0),
  subnetQuestion('publicSubnet2Cidr', 'Public Subnet 2 CIDR', '--public-subnet-2-cidr', 1),
  subnetQuestion('privateSubnet1Cidr', 'Private Subnet 1 CIDR', '--private-subnet-1-cidr', 2),
  subnetQuestion('privateSubnet2Cidr', 'Private Subnet 2 CIDR', '--private-subnet-2-cidr', 3),
  {
    key: 'clusterType',
    prompt: 'Cluster type: ondemand, spot, both or fargate',
    flag: '--cluster-type',
    placeholder: '<type>',
    description: 'ondemand, spot, both (default) or fargate (no EC2 hosts); 1/2/3 as in the original.',
    defaultValue: () => 'both',
    check: (value) =>
      normalizeClusterType(value) === undefined
        ? `"${value}" is not one of ${clusterTypes.join(', ')}`
        : undefined,
  },
  countQuestion('minInstances', 'Min instances in On-Demand cluster', '--min-instances', '1', hasOnDemand),
  countQuestion('maxInstances', 'Max instances in On-Demand cluster', '--max-instances', '5', hasOnDemand),
  countQuestion('spotMinInstances', 'Min instances in Spot cluster', '--spot-min-instances', '1', hasSpot),
  countQuestion('spotMaxInstances', 'Max instances in Spot cluster', '--spot-max-instances', '5', hasSpot),
  {
    key: 'instanceTypes',
    prompt:
      'Instance types in comma delimited string, For On-Demand only first instance type will be considered',
    flag: '--instance-types',
    placeholder: '<types>',
    description:
      'EC2 instance types, comma separated; on-demand uses the first (default t2.micro,m5.xlarge).',
    when: ec2,
    defaultValue: (answers) => (typeOf(answers) === 'ondemand' ? 't2.micro' : 't2.micro,m5.xlarge'),
    check: (value) => {
      const types = splitList(value.replace(/\s/g, ''));
      const bad = types.find((type) => !isInstanceType(type));
      return types.length === 0 ? 'a value is required' : bad && `Invalid instance type: ${bad}`;
    },
  },
  {
    key: 'defaultLifecycle',
    prompt: 'Default instance type for ECS cluster Spot/OnDemand',
    flag: '--default-lifecycle',
    placeholder: '<ondemand|spot>',
    description: 'Both fleets only: where services run by default, OnDemand (default) or Spot.',
    when: (answers) => typeOf(answers) === 'both',
    defaultValue: () => 'OnDemand',
    check: (value) =>
      ['ondemand', 'spot'].includes(lifecycle(value)) ? undefined : `"${value}" is not OnDemand or Spot`,
  },
  {
    key: 'allocationStrategy',
    prompt: `Spot Allocation Strategy ${allocationStrategies.slice(0, 3).join('/')}`,
    flag: '--allocation-strategy',
    placeholder: '<strategy>',
    description: 'Spot fleet allocation strategy (default capacity-optimized).',
    when: hasSpot,
    defaultValue: () => 'capacity-optimized',
    check: (value) =>
      (allocationStrategies as readonly string[]).includes(value.trim())
        ? undefined
        : `"${value}" is not one of ${allocationStrategies.join(', ')}`,
  },
  countQuestion(
    'spotInstancePools',
    'Number of Spot Instance Pools',
    '--spot-instance-pools',
    '2',
    (answers) => hasSpot(answers) && answers.allocationStrategy?.trim() === 'lowest-price',
  ),
  {
    key: 'amiSsmParameter',
    prompt: 'SSM parameter path of Custom AMI ID (Optional)',
    flag: '--ami-ssm-parameter',
    placeholder: '<path>',
    description:
      'SSM parameter holding a custom AMI (default None: the ECS-optimized Amazon Linux 2023 AMI).',
    when: ec2,
    defaultValue: () => 'None',
  },
  { key: 'keyName', prompt: 'SSH key name', flag: '--key-name', placeholder: '<name>',
    description: 'EC2 key pair for the hosts.', when: ec2, check: required }, // prettier-ignore
  { key: 'notificationsArn', prompt: 'Notification SNS ARN', flag: '--notifications-arn', placeholder: '<arn>',
    description: 'SNS topic for alarms and notifications.', check: required }, // prettier-ignore
  { key: 'sslCertificateArn', prompt: 'SSL certificate ARN', flag: '--ssl-certificate-arn', placeholder: '<arn>',
    description: 'ACM certificate of the cluster HTTPS listeners (same region).', check: required }, // prettier-ignore
];

function lifecycle(value: string): string {
  return value.trim().toLowerCase().replace(/[-_ ]/g, '');
}

/** `service_defaults` as the original's prompts write it. */
export function defaultServiceDefaults(): Record<string, unknown> {
  return {
    logging: 'awslogs',
    fluentbit_config: { image_uri: 'amazon/aws-for-fluent-bit:stable', env: { kinesis_role_arn: '' } },
    alb_mode: 'dedicated',
    disable_service_alarms: false,
  };
}

/**
 * Collects answers: a given value (a flag) is checked and used; otherwise `ask` gets the question and its default
 * (a terminal prompt, or the default itself when nothing can be asked). A bad flag value throws; a bad typed answer
 * is reported through `ask` again with the problem.
 */
export async function collectAnswers(
  given: Answers,
  ask: (question: Question, defaultValue: string | undefined, problem?: string) => Promise<string>,
  context: AnswerContext = {},
): Promise<Answers> {
  const answers: Answers = {};
  for (const question of environmentQuestions) {
    if (question.when !== undefined && !question.when(answers)) {
      continue;
    }
    const flagValue = given[question.key];
    if (flagValue !== undefined) {
      const problem = question.check?.(flagValue, answers);
      if (problem !== undefined) {
        throw new ValidationError(`${question.flag} ${flagValue}: ${problem}`, {
          code: 'InvalidFlag',
          hint: `Pass ${question.flag} ${question.placeholder}: ${question.description}`,
        });
      }
      answers[question.key] = flagValue.trim();
      continue;
    }
    const fallback = question.defaultValue?.(answers, context);
    let value = await ask(question, fallback);
    let problem = question.check?.(value, answers);
    while (problem !== undefined) {
      value = await ask(question, fallback, problem);
      problem = question.check?.(value, answers);
    }
    answers[question.key] = value.trim();
  }
  return answers;
}

const toInt = (value: string | undefined, fallback: number): number =>
  value === undefined || value.trim() === '' ? fallback : Number.parseInt(value, 10);

function vpcDocument(answers: Answers): Record<string, unknown> {
  if (!newVpc(answers)) {
    const byKey = (ids: string | undefined): Record<string, { id: string }> =>
      Object.fromEntries(splitList(ids ?? '').map((id, index) => [`subnet-${index + 1}`, { id }]));
    return {
      create_new: false,
      id: (answers.vpcId ?? '').trim(),
      subnets: { public: byKey(answers.publicSubnetIds), private: byKey(answers.privateSubnetIds) },
    };
  }
  return {
    cidr: answers.vpcCidr ?? '',
    'nat-gateway': { 'elastic-ip-allocation-id': answers.natEipAllocationId ?? '' },
    subnets: {
      public: { 'subnet-1': { cidr: answers.publicSubnet1Cidr ?? '' }, 'subnet-2': { cidr: answers.publicSubnet2Cidr ?? '' } },
      private: { 'subnet-1': { cidr: answers.privateSubnet1Cidr ?? '' }, 'subnet-2': { cidr: answers.privateSubnet2Cidr ?? '' } },
    },
  }; // prettier-ignore
}

function clusterDocument(answers: Answers): Record<string, unknown> {
  const type = typeOf(answers) ?? 'both';
  if (type === 'fargate') {
    return {
      type: 'fargate',
      min_instances: 0,
      max_instances: 0,
      spot_min_instances: 0,
      spot_max_instances: 0,
    };
  }
  const ami = (answers.amiSsmParameter ?? '').trim();
  const cluster: Record<string, unknown> = {
    min_instances: hasOnDemand(answers) ? toInt(answers.minInstances, 1) : 0,
    max_instances: hasOnDemand(answers) ? toInt(answers.maxInstances, 5) : 0,
    spot_min_instances: hasSpot(answers) ? toInt(answers.spotMinInstances, 1) : 0,
    spot_max_instances: hasSpot(answers) ? toInt(answers.spotMaxInstances, 5) : 0,
    instance_type: (answers.instanceTypes ?? '').replace(/\s/g, ''),
    key_name: answers.keyName ?? '',
    ami_id: ami === '' || ami === 'None' ? null : ami,
    ecs_instance_default_lifecycle_type:
      type === 'both' ? lifecycle(answers.defaultLifecycle ?? 'ondemand') : type,
  };
  if (hasSpot(answers)) {
    // Written where the template reads it (the original wrote spot_allocation_strategy, Appendix A #3).
    cluster.allocation_strategy = answers.allocationStrategy ?? 'capacity-optimized';
    if (cluster.allocation_strategy === 'lowest-price') {
      cluster.spot_instance_pools = toInt(answers.spotInstancePools, 2);
    }
  }
  return cluster;
}

/** The `<env>` document the answers describe, in the original's layout (the store adds `cloudlift_version`). */
export function answersToDocument(answers: Answers): Record<string, unknown> {
  return {
    region: answers.region ?? 'ap-south-1',
    vpc: vpcDocument(answers),
    cluster: clusterDocument(answers),
    environment: {
      notifications_arn: answers.notificationsArn ?? '',
      ssl_certificate_arn: answers.sslCertificateArn ?? '',
    },
    service_defaults: defaultServiceDefaults(),
  };
}
