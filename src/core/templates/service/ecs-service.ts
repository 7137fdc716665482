// The ECS service resource of one configuration entry: launch type, networking (bridge, or awsvpc with the right
// security group), placement, load balancers, and the deployment safety nets that are ours (circuit breaker, grace).
import type { CfnResource, aws_ecs as ecs } from 'aws-cdk-lib';
import { clusterName, environmentIds } from '../../naming.js';
import type { Build, Unit } from './build.js';
import { privateSubnets, standardTags } from './build.js';
import { setTags } from '../tags.js';
import type { LoadBalancing } from './load-balancing.js';

/** The health-check grace period for services behind a load balancer when the configuration does not set one. */
export const defaultGracePeriodSeconds = 60;

const placementStrategies = [
  { type: 'spread', field: 'attribute:ecs.availability-zone' },
  { type: 'spread', field: 'instanceId' },
];

function placementConstraints(
  build: Build,
  unit: Unit,
): ecs.CfnService.PlacementConstraintProperty[] | undefined {
  if (unit.isFargate) {
    return undefined;
  }
  const lifecycle = build.facts.environmentOutputs.ECSClusterDefaultInstanceLifecycle;
  const spot = unit.settings.spot_deployment ?? (lifecycle === undefined ? undefined : lifecycle === 'spot');
  const constraints: ecs.CfnService.PlacementConstraintProperty[] =
    spot === undefined
      ? []
      : [{ type: 'memberOf', expression: `attribute:deployment_type == ${spot ? 'spot' : 'ondemand'}` }];
  for (const constraint of unit.settings.placement_constraints ?? []) {
    constraints.push({ type: constraint.type, expression: constraint.expression });
  }
  return constraints.length === 0 ? undefined : constraints;
}

/** A Fargate service's own security group (ingress from the ALB on the container port, none without http). */
function fargateSecurityGroup(build: Build, unit: Unit, balancing: LoadBalancing | undefined): CfnResource {
  const port = unit.http?.container_port;
  const group = new build.cdk.aws_ec2.CfnSecurityGroup(build.stack, unit.ids.fargateSecurityGroup, {
    groupName: unit.ids.fargateSecurityGroup,
    securityGroupIngress:
      balancing === undefined || port === undefined
        ? []
        : [
            {
              ipProtocol: 'TCP',
              sourceSecurityGroupId: balancing.albSecurityGroup,
              toPort: port,
              fromPort: port,
            },
          ],
    vpcId: build.params.vpc.valueAsString,
    groupDescription: unit.ids.fargateSecurityGroup,
  });
  setTags(group, standardTags(build));
  return group;
}

interface Networking {
  networkConfiguration?: ecs.CfnService.NetworkConfigurationProperty;
  serviceRegistries?: ecs.CfnService.ServiceRegistryProperty[];
  role?: string;
  placementStrategies?: ecs.CfnService.PlacementStrategyProperty[];
}

function networking(
  build: Build,
  unit: Unit,
  registry: CfnResource | undefined,
  balancing: LoadBalancing | undefined,
): Networking {
  const metricsPort = unit.settings.custom_metrics?.metrics_port;
  const awsvpc = (securityGroup: string): ecs.CfnService.NetworkConfigurationProperty => ({
    awsvpcConfiguration: { subnets: privateSubnets(build), securityGroups: [securityGroup] },
  });
  const strategies = unit.isFargate ? undefined : placementStrategies;
  if (registry !== undefined && metricsPort !== undefined) {
    // Custom metrics: tasks join the EC2 hosts' security group and register an SRV record for the scraper.
    return {
      serviceRegistries: [{ registryArn: registry.getAtt('Arn').toString(), port: Number(metricsPort) }],
      networkConfiguration: awsvpc(
        build.cdk.Fn.importValue(environmentIds(build.facts.environment).exports.hostsSecurityGroup),
      ),
      placementStrategies: strategies,
    };
  }
  if (unit.isFargate) {
    return { networkConfiguration: awsvpc(fargateSecurityGroup(build, unit, balancing).ref) };
  }
  return {
    role: balancing === undefined ? undefined : build.ecsServiceRole.ref,
    placementStrategies: strategies,
  };
}

function deploymentConfiguration(unit: Unit): ecs.CfnService.DeploymentConfigurationProperty {
  const breaker = unit.settings.deployment_circuit_breaker ?? true;
  return {
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    deploymentCircuitBreaker: breaker ? { enable: true, rollback: true } : undefined,
  };
}

/** Adds the ECS service `<Svc>`; returns it. */
export function addEcsService(
  build: Build,
  unit: Unit,
  parts: {
    taskDefinition: CfnResource;
    registry: CfnResource | undefined;
    balancing: LoadBalancing | undefined;
  },
): CfnResource {
  const { balancing } = parts;
  const http = unit.http;
  const service = new build.cdk.aws_ecs.CfnService(build.stack, unit.ids.service, {
    cluster: clusterName(build.facts.environment),
    taskDefinition: parts.taskDefinition.ref,
    // Existing services keep their count; a new one starts at 0 and gets tasks from its first deploy.
    desiredCount: build.facts.desiredCounts[unit.key] ?? 0,
    launchType: unit.isFargate ? 'FARGATE' : 'EC2',
    loadBalancers:
      balancing === undefined || http === undefined
        ? undefined
        : [
            {
              containerName: `${unit.key}Container`,
              targetGroupArn: balancing.targetGroup.ref,
              containerPort: http.container_port,
            },
          ],
    ...networking(build, unit, parts.registry, balancing),
    placementConstraints: placementConstraints(build, unit),
    deploymentConfiguration: deploymentConfiguration(unit),
    // `cloudlift exec` (ECS Exec); only tasks started after this is set get the exec agent.
    enableExecuteCommand: unit.settings.enable_execute_command === true ? true : undefined,
    healthCheckGracePeriodSeconds:
      balancing === undefined
        ? undefined
        : (unit.settings.health_check_grace_period_seconds ?? defaultGracePeriodSeconds),
  });
  setTags(service, standardTags(build));
  for (const attachment of balancing?.attachments ?? []) {
    service.addResourceDependency(attachment);
  }
  return service;
}
