// The environment stack's interface: parameters, the AMI mapping, the console metadata, and the outputs and exports
// that service stacks, scripts and the original's `CloudliftOptions` readers consume.
import type { Ec2ClusterConfig } from '../../config/environment.js';
import { isEc2Cluster, isExistingVpc } from '../../config/environment.js';
import { fleetIds } from '../../naming.js';
import type { Build, Network } from './context.js';
import { addOutput, ref } from './context.js';
import { fleetEnabled } from './fleets.js';
import { pythonJson } from '../python-json.js';
import { originalFormatVersion } from '../../config/versions.js';

/** Parameters: Environment and NotificationSnsArn always; KeyPair, fleet sizes and instance types for EC2. */
export function addParameters(build: Build): string[] {
  const { stack, cdk, ids, config } = build;
  const added: string[] = [];
  const parameter = (id: string, type: string, value: string): void => {
    new cdk.CfnParameter(stack, id, { description: '', type, default: value });
    added.push(id);
  };
  parameter(ids.parameters.environment, 'String', '');
  if (isEc2Cluster(config.cluster)) {
    const cluster = config.cluster;
    parameter(ids.parameters.keyPair, 'AWS::EC2::KeyPair::KeyName', '');
    parameter(fleetIds('OnDemand').minSizeParameter, 'String', String(cluster.min_instances));
    parameter(fleetIds('OnDemand').maxSizeParameter, 'String', String(cluster.max_instances));
    parameter(fleetIds('Spot').minSizeParameter, 'String', String(cluster.spot_min_instances ?? 0));
    parameter(fleetIds('Spot').maxSizeParameter, 'String', String(cluster.spot_max_instances ?? 0));
  }
  parameter(ids.parameters.notificationSnsArn, 'String', config.environment.notifications_arn);
  if (isEc2Cluster(config.cluster)) {
    parameter(ids.parameters.instanceTypes, 'String', config.cluster.instance_type);
  }
  return added;
}

/** `AWSRegionToAMI: { <region>: { AMI: <id> } }` (EC2 only; CloudFormation rejects an empty mapping). */
export function addAmiMapping(build: Build): void {
  const { stack, cdk, ids, config, facts } = build;
  if (isEc2Cluster(config.cluster)) {
    // `lazy: false` is the default rendering (always emitted) said explicitly, so CDK does not annotate the stack
    // with a suggestion to make it lazy (an annotation that would load CDK's cloud assembly schema for nothing).
    new cdk.CfnMapping(stack, ids.amiMapping, {
      mapping: { [config.region]: { AMI: facts.amiId } },
      lazy: false,
    });
  }
}

const label = (text: string): { default: string } => ({ default: text });

/**
 * The console's parameter grouping. Templates the original could produce keep its text unchanged (it lists VPC,
 * Subnet1 and Subnet2, which are not parameters); ours (existing VPC, Fargate) list only their own parameters.
 */
export function addConsoleMetadata(build: Build, parameters: readonly string[]): void {
  const verbatim = isEc2Cluster(build.config.cluster) && !isExistingVpc(build.config.vpc);
  const keep = (id: string): boolean => verbatim || parameters.includes(id);
  const labels = Object.entries(parameterLabels).filter(([id]) => keep(id));
  build.stack.templateOptions.metadata = {
    'AWS::CloudFormation::Interface': {
      ParameterGroups: [{ Label: label('Cluster Configuration'), Parameters: groupParameters.filter(keep) }],
      ParameterLabels: Object.fromEntries(labels),
    },
  };
}

const groupParameters = [
  'KeyPair',
  'Environment',
  'OnDemandMinSize',
  'OnDemandMaxSize',
  'SpotMinSize',
  'SpotMaxSize',
  'InstanceTypes',
  'VPC',
  'Subnet1',
  'Subnet2',
  'NotificationSnsArn',
];

const parameterLabels: Record<string, { default: string }> = {
  Environment: label('Enter the environment e.g. dev or staging or sandbox or production'),
  InstanceTypes: label('Type of instance'),
  KeyPair: label('Select the key with which you want to login to the ec2 instances'),
  SpotMaxSize: label('Max. no. of instances in Spot cluster'),
  SpotMinSize: label('Min. no. of instances in Spot cluster'),
  OnDemandMinSize: label('Min. no. of instances in On-Demand cluster'),
  OnDemandMaxSize: label('Max. no. of instances in On-Demand cluster'),
  NotificationSnsArn: label('The SNS topic to which notifications has to be triggered'),
  Subnet1: label('Enter the ID of the 1st subnet'),
  Subnet2: label('Enter the ID of the 2nd subnet'),
  VPC: label('Enter the VPC in which you want the environment to be setup'),
};

/** The tool that rendered a template, as the CloudliftOptions output names it (`cloudlift-ts 0.1.0`). */
export function renderedBy(version: string): string {
  return `cloudlift-ts ${version}`;
}

/**
 * The CloudliftOptions output: the original's keys and values, `cloudlift_version` being the layout we keep (the
 * stamp our records carry too), plus `rendered_by`, naming this tool and its version. Our own version under
 * `cloudlift_version` read as a Cloudlift older than the one that created the stack.
 */
function cloudliftOptions(build: Build): string {
  const { env, config, facts } = build;
  const stamp = { cloudlift_version: originalFormatVersion, rendered_by: renderedBy(facts.cloudliftVersion) };
  if (!isEc2Cluster(config.cluster)) {
    return pythonJson({ env, cluster_type: 'fargate', ...stamp });
  }
  const cluster = config.cluster;
  return pythonJson({
    env,
    min_instances: String(cluster.min_instances),
    max_instances: String(cluster.max_instances),
    spot_min_instances: String(cluster.spot_min_instances ?? 0),
    spot_max_instances: String(cluster.spot_max_instances ?? 0),
    instance_types: cluster.instance_type,
    key_name: cluster.key_name,
    ...stamp,
  });
}

/**
 * Subnet outputs. For a created VPC they stay reversed as in the original (`PrivateSubnet1` is the 2nd configured
 * subnet, Appendix A #7): existing stacks' outputs must not change under their readers. For an existing VPC (ours,
 * no legacy) `PrivateSubnetN` is the N-th configured subnet.
 */
function addSubnetOutputs(build: Build, network: Network): void {
  const { ids, config } = build;
  const ordinal = ['1st', '2nd', '3rd', '4th', '5th'];
  const sides = [
    ['private', network.privateSubnets, ids.outputs.privateSubnet],
    ['public', network.publicSubnets, ids.outputs.publicSubnet],
  ] as const;
  for (const [, subnets, outputId] of sides) {
    const ordered = isExistingVpc(config.vpc) ? subnets : [...subnets].reverse().slice(0, 2);
    ordered.forEach((subnet, index) => {
      addOutput(build, outputId(index + 1), {
        description: `ID of the ${ordinal[index] ?? `${index + 1}th`} subnet`,
        value: subnet.ref,
      });
    });
  }
}

function addInstanceOutputs(build: Build, cluster: Ec2ClusterConfig): void {
  const { ids } = build;
  const output = (id: string, description: string, value: string): void => {
    addOutput(build, id, { description, value });
  };
  for (const [fleet, name] of [
    ['Spot', 'Spot'],
    ['OnDemand', 'On-Demand'],
  ] as const) {
    if (fleetEnabled(cluster, fleet)) {
      const { autoScalingGroupOutput, autoScalingGroup } = fleetIds(fleet);
      output(
        autoScalingGroupOutput,
        `${name} AutoScaling group for ECS container instances`,
        ref(build, autoScalingGroup),
      );
    }
  }
  output(ids.outputs.minInstances, 'Minimum on-demand instances in cluster', String(cluster.min_instances));
  output(ids.outputs.maxInstances, 'Maximum on-demand instances in cluster', String(cluster.max_instances));
  output(
    ids.outputs.spotMinInstances,
    'Minimum spot instances in cluster',
    String(cluster.spot_min_instances ?? 0),
  );
  output(
    ids.outputs.spotMaxInstances,
    'Maximum spot instances in cluster',
    String(cluster.spot_max_instances ?? 0),
  );
  output(ids.outputs.instanceTypes, 'EC2 instance type', cluster.instance_type);
  output(ids.outputs.keyName, 'Key Pair name for accessing the instances', cluster.key_name);
  if (cluster.ecs_instance_default_lifecycle_type !== undefined) {
    addOutput(build, ids.outputs.defaultInstanceLifecycle, {
      exportName: ids.exports.defaultInstanceLifecycle,
      description: 'Default instance type for ECS cluster',
      value: cluster.ecs_instance_default_lifecycle_type,
    });
  }
}

/** The stack outputs (the ALB outputs are added with the ALBs). */
export function addOutputs(build: Build, network: Network): void {
  const { cdk, ids, config } = build;
  addOutput(build, ids.outputs.stackId, {
    description:
      'The unique ID of the stack. To be supplied to circle CI environment variables to validate during deployment.',
    value: cdk.Aws.STACK_ID,
  });
  addOutput(build, ids.outputs.stackName, {
    description: 'The name of the stack',
    value: cdk.Aws.STACK_NAME,
  });
  addOutput(build, ids.outputs.cloudliftOptions, {
    description: 'Options used with cloudlift when building this cluster',
    value: cloudliftOptions(build),
  });
  addOutput(build, ids.outputs.vpc, {
    description: 'VPC in which environment is setup',
    value: network.vpcRef,
  });
  addSubnetOutputs(build, network);
  addOutput(build, ids.outputs.albSecurityGroup, {
    description: 'Security group ID for ALB',
    value: ref(build, ids.albSecurityGroup),
  });
  if (isEc2Cluster(config.cluster)) {
    addInstanceOutputs(build, config.cluster);
  } else {
    addOutput(build, ids.outputs.clusterType, {
      description: 'Fargate-only environment: no EC2 hosts',
      value: 'fargate',
    });
  }
  addOutput(build, ids.outputs.cloudMapId, {
    description: 'CloudMap Namespace ID for service discovery',
    exportName: ids.exports.cloudMap,
    value: cdk.Fn.getAtt(ids.cloudMap, 'Id').toString(),
  });
  addOutput(build, ids.outputs.hostsSecurityGroup, {
    exportName: ids.exports.hostsSecurityGroup,
    description: 'EC2Host Security group ID',
    value: ref(build, ids.hostsSecurityGroup),
  });
}
