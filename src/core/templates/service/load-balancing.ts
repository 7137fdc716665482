// The load balancing of a service with an http_interface: its target group, and either a dedicated ALB (security
// group, HTTPS listener, HTTP listener or redirect) or host-header rules on the environment's shared ALB.
import type { CfnResource } from 'aws-cdk-lib';
import { CloudliftError } from '../../../errors.js';
import { normalizeAccessCidr } from '../../config/service-checks.js';
import type { HttpInterface } from '../../config/service.js';
import { dedicatedAlbName } from '../../naming.js';
import type { Build, Unit } from './build.js';
import { privateSubnets, standardTags } from './build.js';
import { setTags } from '../tags.js';
import { clusterListeners, environmentOutput } from './facts.js';
import { listenerRulePriority } from './priorities.js';

/** What the ECS service needs from its load balancing. */
export interface LoadBalancing {
  targetGroup: CfnResource;
  /** Resources the ECS service must wait for (the listener or rules that attach the target group). */
  attachments: CfnResource[];
  /** The security group the ALB sends from: a reference (dedicated) or the cluster ALB's group id. */
  albSecurityGroup: string;
  /** The dedicated ALB, when there is one. */
  alb: CfnResource | undefined;
  /** `app/<name>/<id>` of the shared ALB (cluster mode), for request-count scaling. */
  clusterAlbFullName: string | undefined;
}

function addTargetGroup(build: Build, unit: Unit, http: HttpInterface): CfnResource {
  const internal = http.internal;
  const targetGroup = new build.cdk.aws_elasticloadbalancingv2.CfnTargetGroup(
    build.stack,
    unit.ids.targetGroup(unit.albMode, internal),
    {
      healthCheckPath: http.health_check_path ?? '/elb-check',
      healthyThresholdCount: 2,
      healthCheckIntervalSeconds: 30,
      targetGroupAttributes: [{ key: 'deregistration_delay.timeout_seconds', value: '30' }],
      vpcId: build.params.vpc.valueAsString,
      protocol: 'HTTP',
      matcher: { httpCode: '200-399' },
      port: http.container_port,
      healthCheckTimeoutSeconds: 10,
      unhealthyThresholdCount: 3,
      targetType: unit.isAwsvpc ? 'ip' : undefined,
    },
  );
  // The original's explicit list (§3.2.3), in its order.
  setTags(targetGroup, [
    ...standardTags(build),
    ['alb_mode', unit.albMode],
    ['alb_scheme', internal ? 'internal' : 'internet-facing'],
    ['cloudlift_app', build.facts.app],
    ['service_name', unit.key],
  ]);
  return targetGroup;
}

function addDedicatedAlb(
  build: Build,
  unit: Unit,
  http: HttpInterface,
  targetGroup: CfnResource,
): LoadBalancing {
  const { cdk, stack, facts } = build;
  const elb = cdk.aws_elasticloadbalancingv2;
  const securityGroup = new cdk.aws_ec2.CfnSecurityGroup(stack, unit.ids.albSecurityGroup, {
    groupName: unit.ids.albSecurityGroupName,
    groupDescription: cdk.Fn.sub(`${unit.key}-alb-sg`),
    securityGroupIngress: http.restrict_access_to.flatMap((entry) =>
      [80, 443].map((port) => ({
        toPort: port,
        ipProtocol: 'TCP',
        fromPort: port,
        cidrIp: normalizeAccessCidr(entry),
      })),
    ),
    vpcId: build.params.vpc.valueAsString,
  });
  setTags(securityGroup, standardTags(build));
  const name = dedicatedAlbName(facts.environment, unit.key, http.internal);
  const alb = new elb.CfnLoadBalancer(stack, unit.ids.alb, {
    subnets: http.internal
      ? privateSubnets(build)
      : [build.params.publicSubnet1.valueAsString, build.params.publicSubnet2.valueAsString],
    securityGroups: [
      environmentOutput(facts, 'SecurityGroupAlb', 'a dedicated ALB needs'),
      securityGroup.ref,
    ],
    name,
    scheme: http.internal ? 'internal' : undefined,
  });
  setTags(alb, [['Name', name], ...standardTags(build)]);
  const certificateArn = facts.certificateArn;
  if (certificateArn === undefined || certificateArn === '') {
    throw new CloudliftError(
      'CertificateMissing',
      `services.${unit.key}: a dedicated ALB needs the environment's ssl_certificate_arn, and ${facts.environment} has none`,
      {
        hint: `Set ssl_certificate_arn with \`cloudlift update_environment -e ${facts.environment}\`, or use alb_mode "cluster".`,
      },
    );
  }
  const forward = [{ type: 'forward', targetGroupArn: targetGroup.ref }];
  const https = new elb.CfnListener(stack, unit.ids.httpsListener, {
    protocol: 'HTTPS',
    defaultActions: forward,
    loadBalancerArn: alb.ref,
    port: 443,
    certificates: [{ certificateArn }],
    sslPolicy: 'ELBSecurityPolicy-FS-1-2-Res-2019-08',
  });
  if (http.internal) {
    new elb.CfnListener(stack, unit.ids.httpListener, {
      protocol: 'HTTP',
      defaultActions: forward,
      loadBalancerArn: alb.ref,
      port: 80,
    });
  } else {
    new elb.CfnListener(stack, unit.ids.redirectListener, {
      protocol: 'HTTP',
      defaultActions: [
        { type: 'redirect', redirectConfig: { statusCode: 'HTTP_301', protocol: 'HTTPS', port: '443' } },
      ],
      loadBalancerArn: alb.ref,
      port: 80,
    });
  }
  return {
    targetGroup,
    attachments: [https],
    albSecurityGroup: securityGroup.ref,
    alb,
    clusterAlbFullName: undefined,
  };
}

/** `app/<name>/<id>` from a listener ARN `arn:...:listener/app/<name>/<id>/<listener-id>`. */
export function albFullNameOfListener(listenerArn: string): string | undefined {
  const match = /:listener\/(app\/[^/]+\/[^/]+)\/[^/]+$/.exec(listenerArn);
  return match?.[1];
}

function clusterSecurityGroup(build: Build, internal: boolean): string {
  const scheme = internal ? 'Internal' : 'Public';
  const candidates = Object.keys(build.facts.environmentOutputs)
    .map((key) => ({ key, match: new RegExp(`^SG${scheme}(\\d+)ID$`).exec(key) }))
    .flatMap(({ key, match }) => (match === null ? [] : [{ key, number: Number(match[1]) }]))
    .sort((a, b) => a.number - b.number);
  const first = candidates[0];
  if (first === undefined) {
    return environmentOutput(build.facts, `SG${scheme}1ID`, 'the security group of the environment ALB');
  }
  return environmentOutput(build.facts, first.key, 'the security group of the environment ALB');
}

function addClusterRules(
  build: Build,
  unit: Unit,
  http: HttpInterface,
  targetGroup: CfnResource,
): LoadBalancing {
  const { facts } = build;
  // The public ALB's HTTP listener only redirects to HTTPS, so public services get HTTPS rules only.
  const listeners = clusterListeners(facts, http.internal).filter(
    (listener) => http.internal || listener.protocol === 'HTTPS',
  );
  if (listeners.length === 0) {
    throw new CloudliftError(
      'ClusterListenersMissing',
      `No ${http.internal ? 'Internal' : 'Internet facing'} HTTP/HTTPS listeners found on the cluster ALB of ${facts.environment} (needed by services.${unit.key})`,
      {
        hint: `Enable the environment ALB with \`cloudlift update_environment -e ${facts.environment}\`, or use alb_mode "dedicated".`,
      },
    );
  }
  const hostnames = http.hostnames ?? [];
  const rules = listeners.map((listener) => {
    const logicalId = unit.ids.clusterListenerRule(http.internal, listener.protocol, listener.position);
    const taken = build.takenPriorities.get(listener.arn) ?? new Set<number>();
    const priority = listenerRulePriority({
      app: facts.app,
      service: unit.key,
      hostnames,
      logicalId,
      existing: facts.existingListenerRules[listener.arn] ?? [],
      taken,
    });
    build.takenPriorities.set(listener.arn, new Set([...taken, priority]));
    return new build.cdk.aws_elasticloadbalancingv2.CfnListenerRule(build.stack, logicalId, {
      actions: [{ type: 'forward', targetGroupArn: targetGroup.ref }],
      conditions: [{ field: 'host-header', hostHeaderConfig: { values: hostnames } }],
      listenerArn: listener.arn,
      priority,
    });
  });
  return {
    targetGroup,
    attachments: rules,
    albSecurityGroup: clusterSecurityGroup(build, http.internal),
    alb: undefined,
    clusterAlbFullName: listeners.map((listener) => albFullNameOfListener(listener.arn)).find(Boolean),
  };
}

/** Adds the target group and the ALB side of a service with an http_interface. */
export function addLoadBalancing(build: Build, unit: Unit, http: HttpInterface): LoadBalancing {
  const targetGroup = addTargetGroup(build, unit, http);
  return unit.albMode === 'cluster'
    ? addClusterRules(build, unit, http, targetGroup)
    : addDedicatedAlb(build, unit, http, targetGroup);
}
