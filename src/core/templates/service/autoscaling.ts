// Target-tracking autoscaling (ours): a scalable target on the ECS service's desired count, with a CPU policy and/or
// an ALB request-count policy. A service that was never deployed gets it suspended at minimum 0, because
// registering a minimum above the current count would start tasks before there is an image to run.
import type { CfnResource } from 'aws-cdk-lib';
import { CloudliftError } from '../../../errors.js';
import type { Autoscaling } from '../../config/service.js';
import { clusterName } from '../../naming.js';
import type { Build, Unit } from './build.js';
import type { LoadBalancing } from './load-balancing.js';

/** Seconds between scale-in steps: slow, so a short dip does not remove tasks. */
export const scaleInCooldownSeconds = 300;
/** Seconds between scale-out steps: quick, so load is met. */
export const scaleOutCooldownSeconds = 60;

function requestCountLabel(build: Build, unit: Unit, balancing: LoadBalancing): string {
  const targetGroupName = balancing.targetGroup.getAtt('TargetGroupFullName').toString();
  if (balancing.alb !== undefined) {
    return build.cdk.Fn.join('/', [balancing.alb.getAtt('LoadBalancerFullName').toString(), targetGroupName]);
  }
  if (balancing.clusterAlbFullName === undefined) {
    throw new CloudliftError(
      'ClusterAlbUnknown',
      `services.${unit.key}.autoscaling.requests_per_target: cannot tell the environment ALB from its listener ARNs`,
      { hint: 'Scale on cpu_target instead, or check the Listener*ARN outputs of the environment stack.' },
    );
  }
  return build.cdk.Fn.join('/', [balancing.clusterAlbFullName, targetGroupName]);
}

function addPolicy(
  build: Build,
  id: string,
  target: CfnResource,
  policyName: string,
  targetValue: number,
  metric: { predefinedMetricType: string; resourceLabel?: string },
): CfnResource {
  return new build.cdk.aws_applicationautoscaling.CfnScalingPolicy(build.stack, id, {
    policyName,
    policyType: 'TargetTrackingScaling',
    scalingTargetId: target.ref,
    targetTrackingScalingPolicyConfiguration: {
      targetValue,
      predefinedMetricSpecification: metric,
      scaleInCooldown: scaleInCooldownSeconds,
      scaleOutCooldown: scaleOutCooldownSeconds,
    },
  });
}

/** Adds the scalable target and policies of a service with `autoscaling`. */
export function addAutoscaling(
  build: Build,
  unit: Unit,
  scaling: Autoscaling,
  service: CfnResource,
  balancing: LoadBalancing | undefined,
): void {
  const isDeployed = build.facts.images[unit.key] !== undefined;
  const target = new build.cdk.aws_applicationautoscaling.CfnScalableTarget(
    build.stack,
    unit.ids.scalableTarget,
    {
      minCapacity: isDeployed ? scaling.min : 0,
      maxCapacity: scaling.max,
      resourceId: build.cdk.Fn.join('/', [
        'service',
        clusterName(build.facts.environment),
        service.getAtt('Name').toString(),
      ]),
      scalableDimension: 'ecs:service:DesiredCount',
      serviceNamespace: 'ecs',
      suspendedState: isDeployed
        ? undefined
        : {
            dynamicScalingInSuspended: true,
            dynamicScalingOutSuspended: true,
            scheduledScalingSuspended: true,
          },
    },
  );
  if (scaling.cpu_target !== undefined) {
    addPolicy(build, unit.ids.cpuScalingPolicy, target, 'cpuUtilization', scaling.cpu_target, {
      predefinedMetricType: 'ECSServiceAverageCPUUtilization',
    });
  }
  if (scaling.requests_per_target !== undefined && balancing !== undefined) {
    const policy = addPolicy(
      build,
      unit.ids.requestCountScalingPolicy,
      target,
      'requestCountPerTarget',
      scaling.requests_per_target,
      {
        predefinedMetricType: 'ALBRequestCountPerTarget',
        resourceLabel: requestCountLabel(build, unit, balancing),
      },
    );
    // The target group must be attached to the ALB (by the service's listener or rules) before the label is valid.
    policy.addResourceDependency(service);
  }
}
