// The ECS cluster and what surrounds it: log group, Cloud Map namespace, the host instance role, the shared security
// groups, and the cluster-wide alarms.
import { isEc2Cluster } from '../../config/environment.js';
import { logGroupName } from '../../naming.js';
import type { Build, Network } from './context.js';
import { rawProperty, ref, setTags } from './context.js';

/** Log group `<env>-logs` (365 days) and the Cloud Map namespace services register in. */
export function addLogsAndDiscovery(build: Build, network: Network): void {
  const { stack, cdk, env, ids, team } = build;
  new cdk.aws_logs.CfnLogGroup(stack, ids.logGroup, {
    logGroupName: logGroupName(env),
    retentionInDays: 365,
  });
  const namespace = new cdk.aws_servicediscovery.CfnPrivateDnsNamespace(stack, ids.cloudMap, {
    name: cdk.Aws.STACK_NAME,
    vpc: network.vpcRef,
  });
  // The original's order (troposphere sorted these keys by code point: upper case first).
  setTags(namespace, [
    ['Name', cdk.Aws.STACK_NAME],
    ['Team', team],
    ['category', 'services'],
    ['environment', env],
  ]);
}

/** The ECS cluster, named after the stack. Fargate-only clusters get the Fargate capacity providers (ours). */
export function addCluster(build: Build): void {
  const { stack, cdk, ids, config } = build;
  const fargate = !isEc2Cluster(config.cluster);
  new cdk.aws_ecs.CfnCluster(stack, ids.cluster, {
    clusterName: cdk.Aws.STACK_NAME,
    ...(fargate ? { capacityProviders: ['FARGATE', 'FARGATE_SPOT'] } : {}),
  });
}

/** The EC2 hosts' role and instance profile (ECS agent, DynamoDB read for config, SSM for sessions). */
export function addInstanceProfile(build: Build): void {
  const { stack, cdk, ids } = build;
  const role = new cdk.aws_iam.CfnRole(stack, ids.instanceRole, {
    path: '/',
    managedPolicyArns: [
      'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role',
      'arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess',
      'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM',
    ],
    roleName: cdk.Fn.sub('ecs-${AWS::StackName}-${AWS::Region}'),
    assumeRolePolicyDocument: {
      Statement: [
        { Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com'] } },
      ],
    },
  });
  new cdk.aws_iam.CfnInstanceProfile(stack, ids.instanceProfile, { path: '/', roles: [role.ref] });
}

/** The ALB, hosts and databases security groups that services and databases attach to. */
export function addSecurityGroups(build: Build, network: Network): void {
  const { stack, cdk, ids } = build;
  const alb = new cdk.aws_ec2.CfnSecurityGroup(stack, ids.albSecurityGroup, {
    vpcId: network.vpcRef,
    groupDescription: cdk.Fn.sub('${AWS::StackName}-alb'),
  });
  const hosts = new cdk.aws_ec2.CfnSecurityGroup(stack, ids.hostsSecurityGroup, {
    securityGroupIngress: [{ sourceSecurityGroupId: alb.ref, ipProtocol: '-1' }],
    vpcId: network.vpcRef,
    groupDescription: cdk.Fn.sub('${AWS::StackName}-hosts'),
  });
  // The original wrote the protocol as the number -1 inline and as the string "-1" in the separate rule.
  rawProperty(hosts, 'SecurityGroupIngress.0.IpProtocol', -1);
  const selfIngress = new cdk.aws_ec2.CfnSecurityGroupIngress(stack, ids.hostsSelfIngress, {
    sourceSecurityGroupId: hosts.ref,
    ipProtocol: '-1',
    groupId: hosts.ref,
  });
  rawProperty(selfIngress, 'FromPort', '-1');
  rawProperty(selfIngress, 'ToPort', '-1');
  const databases = new cdk.aws_ec2.CfnSecurityGroup(stack, ids.databasesSecurityGroup, {
    securityGroupIngress: [{ sourceSecurityGroupId: hosts.ref, ipProtocol: '-1' }],
    vpcId: network.vpcRef,
    groupDescription: cdk.Fn.sub('${AWS::StackName}-databases'),
  });
  rawProperty(databases, 'SecurityGroupIngress.0.IpProtocol', -1);
}

/** An alarm on an `AWS/ECS` cluster metric, in the original's shape (thresholds are strings there). */
function clusterAlarm(
  build: Build,
  logicalId: string,
  options: { metric: string; threshold: string; periods: number; description: string; okActions: boolean },
): void {
  const { stack, cdk, ids } = build;
  const sns = ref(build, ids.parameters.notificationSnsArn);
  const alarm = new cdk.aws_cloudwatch.CfnAlarm(stack, logicalId, {
    evaluationPeriods: options.periods,
    dimensions: [{ name: 'ClusterName', value: ref(build, ids.cluster) }],
    alarmActions: [sns],
    ...(options.okActions ? { okActions: [sns] } : {}),
    alarmDescription: options.description,
    namespace: 'AWS/ECS',
    period: 300,
    comparisonOperator: 'GreaterThanThreshold',
    statistic: 'Average',
    threshold: Number(options.threshold),
    metricName: options.metric,
  });
  rawProperty(alarm, 'Threshold', options.threshold);
}

/**
 * Cluster CPU and memory alarms to the notifications topic, and (EC2 only: Fargate reports no reservation) the
 * 15-minute memory-reservation alarm. Descriptions keep the original's odd spacing, which came from line breaks.
 */
export function addClusterAlarms(build: Build): void {
  const { ids, config } = build;
  clusterAlarm(build, ids.clusterHighCpuAlarm, {
    metric: 'CPUUtilization',
    threshold: '60',
    periods: 1,
    description: 'Alarm if CPU is too high for cluster.',
    okActions: false,
  });
  clusterAlarm(build, ids.clusterHighMemoryAlarm, {
    metric: 'MemoryUtilization',
    threshold: '60',
    periods: 1,
    description: 'Alarm if memory is too high for cluster.',
    okActions: false,
  });
  if (isEc2Cluster(config.cluster)) {
    clusterAlarm(build, ids.memoryReservationNotificationAlarm, {
      metric: 'MemoryReservation',
      threshold: '75',
      periods: 3,
      description: `Alarm if memory reservation is over 75% ${' '.repeat(16)}for cluster for 15 minutes.`,
      okActions: true,
    });
  }
}
