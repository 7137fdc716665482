// The EC2 fleets: for on-demand and spot, a launch template (IMDSv2, gp3 root volume), an Auto Scaling group with a
// mixed-instances policy, a scale-out policy and two alarms. A fleet whose minimum is 0 is left out, as in the original.
import type { Ec2ClusterConfig } from '../../config/environment.js';
import { effectiveAllocationStrategy, instanceTypes, isExistingVpc } from '../../config/environment.js';
import type { Fleet } from '../../naming.js';
import { fleetIds, launchTemplateName } from '../../naming.js';
import type { Build, Network } from './context.js';
import { rawProperty, ref, setTags } from './context.js';
import { hostInitMetadata, hostUserData } from './host-init.js';

/** Minimum and maximum size of a fleet. */
export function fleetSize(cluster: Ec2ClusterConfig, fleet: Fleet): { min: number; max: number } {
  return fleet === 'OnDemand'
    ? { min: cluster.min_instances, max: cluster.max_instances }
    : { min: cluster.spot_min_instances ?? 0, max: cluster.spot_max_instances ?? 0 };
}

/** True when the fleet is in the template (its minimum is above 0). */
export function fleetEnabled(cluster: Ec2ClusterConfig, fleet: Fleet): boolean {
  return fleetSize(cluster, fleet).min > 0;
}

/**
 * The desired capacity (a string, as the original wrote it): on update, the fleet's own running count, kept within
 * the new min..max so lowering the maximum cannot fail the update; otherwise the fleet minimum.
 */
export function desiredCapacity(build: Build, cluster: Ec2ClusterConfig, fleet: Fleet): string {
  const { min, max } = fleetSize(cluster, fleet);
  const running =
    fleet === 'OnDemand' ? build.facts.desiredInstances?.onDemand : build.facts.desiredInstances?.spot;
  if (running === undefined || running < 1) {
    return String(min);
  }
  return String(Math.min(Math.max(running, min), max));
}

function addLaunchTemplate(build: Build, fleet: Fleet): string {
  const { stack, cdk, env, ids, config } = build;
  const launchTemplate = new cdk.aws_ec2.CfnLaunchTemplate(stack, fleetIds(fleet).launchTemplate, {
    launchTemplateName: launchTemplateName(env, fleet),
    launchTemplateData: {
      userData: cdk.Fn.base64(cdk.Fn.sub(hostUserData(fleet))),
      iamInstanceProfile: { arn: cdk.Fn.getAtt(ids.instanceProfile, 'Arn').toString() },
      securityGroupIds: [cdk.Fn.getAtt(ids.hostsSecurityGroup, 'GroupId').toString()],
      imageId: cdk.Fn.findInMap(ids.amiMapping, cdk.Aws.REGION, 'AMI'),
      keyName: ref(build, ids.parameters.keyPair),
      metadataOptions: { httpTokens: 'required' },
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeType: 'gp3' } }],
    },
  });
  launchTemplate.cfnOptions.metadata = hostInitMetadata(fleet, config.region);
  return launchTemplate.ref;
}

function addAutoScalingGroup(
  build: Build,
  cluster: Ec2ClusterConfig,
  fleet: Fleet,
  network: Network,
): string {
  const { stack, cdk, env, ids, team, config } = build;
  const fleetId = fleetIds(fleet);
  const privateRefs = network.privateSubnets.map((subnet) => subnet.ref).reverse();
  const types = instanceTypes(cluster);
  const strategy = fleet === 'OnDemand' ? 'capacity-optimized' : effectiveAllocationStrategy(cluster);
  const launchTemplateId = addLaunchTemplate(build, fleet);
  const group = new cdk.aws_autoscaling.CfnAutoScalingGroup(stack, fleetId.autoScalingGroup, {
    desiredCapacity: desiredCapacity(build, cluster, fleet),
    minSize: ref(build, fleetId.minSizeParameter),
    maxSize: ref(build, fleetId.maxSizeParameter),
    // The original popped two private subnets from the end (last first); an existing VPC uses all of its own.
    vpcZoneIdentifier: isExistingVpc(config.vpc) ? privateRefs : privateRefs.slice(0, 2),
    notificationConfigurations: [
      {
        notificationTypes: ['autoscaling:EC2_INSTANCE_LAUNCH_ERROR'],
        topicArn: ref(build, ids.parameters.notificationSnsArn),
      },
    ],
    mixedInstancesPolicy: {
      launchTemplate: {
        launchTemplateSpecification: {
          launchTemplateId,
          version: cdk.Fn.getAtt(fleetId.launchTemplate, 'LatestVersionNumber').toString(),
        },
        // On-demand uses only the first type; spot may use them all.
        overrides: (fleet === 'OnDemand' ? types.slice(0, 1) : types).map((instanceType) => ({
          instanceType,
        })),
      },
      instancesDistribution: {
        onDemandBaseCapacity: 0,
        onDemandPercentageAboveBaseCapacity: fleet === 'Spot' ? 0 : 100,
        spotAllocationStrategy: strategy,
        ...(strategy === 'lowest-price' && fleet === 'Spot'
          ? { spotInstancePools: cluster.spot_instance_pools ?? 2 }
          : {}),
      },
    },
  });
  const hostName = cdk.Fn.sub('${AWS::StackName} - ECS Host');
  setTags(
    group,
    [
      ['Name', hostName],
      ['environment', env],
      ['Team', team],
    ],
    { propagateAtLaunch: true },
  );
  // The original set an empty rolling-update policy (CloudFormation's defaults).
  group.cfnOptions.updatePolicy = {};
  group.cfnOptions.creationPolicy = { resourceSignal: { timeout: 'PT15M' } };
  return group.ref;
}

function addFleetScaling(build: Build, fleet: Fleet, groupRef: string): void {
  const { stack, cdk, ids } = build;
  const fleetId = fleetIds(fleet);
  const policy = new cdk.aws_autoscaling.CfnScalingPolicy(stack, fleetId.scalingPolicy, {
    adjustmentType: 'ChangeInCapacity',
    autoScalingGroupName: groupRef,
    cooldown: '300',
    policyType: 'SimpleScaling',
    scalingAdjustment: 1,
  });
  const cpu = new cdk.aws_cloudwatch.CfnAlarm(stack, fleetId.hostsHighCpuAlarm, {
    evaluationPeriods: 1,
    dimensions: [{ name: 'AutoScalingGroupName', value: groupRef }],
    alarmActions: [ref(build, ids.parameters.notificationSnsArn)],
    alarmDescription: `Alarm if CPU too high or metric disappears ${' '.repeat(20)}indicating instance is down`,
    namespace: 'AWS/EC2',
    period: 60,
    comparisonOperator: 'GreaterThanThreshold',
    statistic: 'Average',
    threshold: 60,
    metricName: 'CPUUtilization',
  });
  rawProperty(cpu, 'Threshold', '60');
  const reservation = new cdk.aws_cloudwatch.CfnAlarm(stack, fleetId.memoryReservationAlarm, {
    evaluationPeriods: 1,
    dimensions: [{ name: 'ClusterName', value: cdk.Aws.STACK_NAME }],
    alarmActions: [policy.ref],
    alarmDescription: `Alarm if memory reservation is over 75% ${' '.repeat(20)}for cluster.`,
    namespace: 'AWS/ECS',
    period: 300,
    comparisonOperator: 'GreaterThanThreshold',
    statistic: 'Average',
    threshold: 75,
    metricName: 'MemoryReservation',
  });
  rawProperty(reservation, 'Threshold', '75');
}

/** Adds the fleets whose minimum is above 0. */
export function addFleets(build: Build, cluster: Ec2ClusterConfig, network: Network): void {
  for (const fleet of ['OnDemand', 'Spot'] as const) {
    if (fleetEnabled(cluster, fleet)) {
      const groupRef = addAutoScalingGroup(build, cluster, fleet, network);
      addFleetScaling(build, fleet, groupRef);
    }
  }
}
