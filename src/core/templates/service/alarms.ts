// Service alarms, notified through the stack's NotificationSnsArn: the OOM event rule, CPU, memory and "no running
// tasks" on the ECS service, and three load balancer alarms for a dedicated ALB.
import type { CfnResource } from 'aws-cdk-lib';
import { clusterName, taskFamily } from '../../naming.js';
import type { Build, Unit } from './build.js';
import { keepOriginalLiteral, partitionOf } from './build.js';

/** The memory alarm threshold: see docs/services.md (quirk #6). */
export function memoryAlarmThreshold(unit: Unit): string {
  // EC2 tasks are measured against the soft reservation, and may use up to 150 % of it (the hard limit), so the
  // original's 120 % means "80 % of the hard limit". Fargate tasks are measured against the task memory and can
  // never pass 100 %, so 120 % would never fire: use 80 %.
  return unit.isFargate ? '80' : '120';
}

interface AlarmSpec {
  id: string;
  description: string;
  namespace: string;
  metricName: string;
  statistic: string;
  comparisonOperator: string;
  threshold: string;
  period: number;
  dimensions: Array<{ name: string; value: string }>;
  treatMissingData?: string;
}

function addAlarm(build: Build, spec: AlarmSpec): void {
  const topic = build.params.notificationSnsArn.valueAsString;
  const alarm = new build.cdk.aws_cloudwatch.CfnAlarm(build.stack, spec.id, {
    evaluationPeriods: 1,
    dimensions: spec.dimensions,
    alarmActions: [topic],
    okActions: [topic],
    alarmDescription: spec.description,
    namespace: spec.namespace,
    period: spec.period,
    comparisonOperator: spec.comparisonOperator,
    statistic: spec.statistic,
    threshold: Number(spec.threshold),
    metricName: spec.metricName,
    treatMissingData: spec.treatMissingData,
  });
  keepOriginalLiteral(alarm, 'Threshold', spec.threshold);
}

function addOomRule(build: Build, unit: Unit): void {
  const { facts } = build;
  const arnPrefix = `arn:${partitionOf(facts.region)}:ecs:${facts.region}:${facts.accountId}`;
  // The original used "anything-but" on both, which matched every OTHER cluster and family (quirk #5).
  new build.cdk.aws_events.CfnRule(build.stack, unit.ids.oomRule, {
    description: 'Triggered when an Amazon ECS Task is stopped',
    eventPattern: {
      'detail-type': ['ECS Task State Change'],
      source: ['aws.ecs'],
      detail: {
        clusterArn: [`${arnPrefix}:cluster/${clusterName(facts.environment)}`],
        containers: { reason: [{ prefix: 'OutOfMemory' }] },
        desiredStatus: ['STOPPED'],
        lastStatus: ['STOPPED'],
        taskDefinitionArn: [{ prefix: `${arnPrefix}:task-definition/${taskFamily(unit.key)}:` }],
      },
    },
    state: 'ENABLED',
    targets: [
      {
        arn: build.params.notificationSnsArn.valueAsString,
        id: 'ECSOOMStoppedTasks',
        inputPath: '$.detail.containers[0]',
      },
    ],
  });
}

/** Adds the service alarms of one ECS service (the caller checks they are enabled). */
export function addServiceAlarms(build: Build, unit: Unit, service: CfnResource): void {
  addOomRule(build, unit);
  const dimensions = [
    { name: 'ClusterName', value: clusterName(build.facts.environment) },
    { name: 'ServiceName', value: service.getAtt('Name').toString() },
  ];
  const ecs = { namespace: 'AWS/ECS', dimensions, period: 300, comparisonOperator: 'GreaterThanThreshold' };
  addAlarm(build, {
    ...ecs,
    id: unit.ids.highCpuAlarm,
    description: 'Alarm if CPU too high or metric disappears indicating instance is down',
    metricName: 'CPUUtilization',
    statistic: 'Average',
    threshold: '80',
  });
  addAlarm(build, {
    ...ecs,
    id: unit.ids.highMemoryAlarm,
    description: 'Alarm if memory too high or metric disappears indicating instance is down',
    metricName: 'MemoryUtilization',
    statistic: 'Average',
    threshold: memoryAlarmThreshold(unit),
  });
  addAlarm(build, {
    ...ecs,
    id: unit.ids.noRunningTasksAlarm,
    description: 'Alarm if the task count goes to zero, denoting service is down',
    metricName: 'CPUUtilization',
    statistic: 'SampleCount',
    threshold: '1',
    period: 60,
    comparisonOperator: 'LessThanThreshold',
    treatMissingData: 'breaching',
  });
}

/** Adds the three alarms of a dedicated ALB. */
export function addAlbAlarms(build: Build, unit: Unit, alb: CfnResource): void {
  const elb = {
    namespace: 'AWS/ApplicationELB',
    dimensions: [{ name: 'LoadBalancer', value: alb.getAtt('LoadBalancerFullName').toString() }],
    period: 60,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    statistic: 'Sum',
    treatMissingData: 'notBreaching',
  };
  addAlarm(build, {
    ...elb,
    id: unit.ids.unhealthyHostAlarm,
    description: 'Triggers if any host is marked unhealthy',
    metricName: 'UnHealthyHostCount',
    threshold: '1',
  });
  addAlarm(build, {
    ...elb,
    id: unit.ids.rejectedConnectionsAlarm,
    description:
      'Triggers if load balancer has rejected connections because the load balancer had reached its maximum number of connections.',
    metricName: 'RejectedConnectionCount',
    threshold: '1',
  });
  addAlarm(build, {
    ...elb,
    id: unit.ids.elb5xxAlarm,
    description: 'Triggers if 5xx response originated from load balancer',
    metricName: 'HTTPCode_ELB_5XX_Count',
    threshold: '3',
  });
}
