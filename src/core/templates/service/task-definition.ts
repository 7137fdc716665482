// The task side of one ECS service: the main container, sidecars, the task role, the task definition and the Cloud
// Map registration for custom metrics.
import type { CfnResource, aws_ecs as ecs } from 'aws-cdk-lib';
import { CloudliftError } from '../../../errors.js';
import { fluentbitSidecarName } from '../../config/service-checks.js';
import type { Sidecar } from '../../config/service.js';
import {
  containerName,
  ecrImageUri,
  efsVolumeName,
  environmentIds,
  execTaskRolePolicyName,
  logGroupName,
  notDeployedImageTag,
  taskFamily,
} from '../../naming.js';
import type { Build, Unit } from './build.js';
import { keepOriginalLiteral, standardTags } from './build.js';
import { setTags } from '../tags.js';

type Container = ecs.CfnTaskDefinition.ContainerDefinitionProperty;
type LogConfiguration = ecs.CfnTaskDefinition.LogConfigurationProperty;

/** The log configuration of a driver value, as the original rendered it (`"null"` and others: driver `none`). */
export function logConfiguration(build: Build, streamPrefix: string, driver: string): LogConfiguration {
  if (driver === 'awslogs') {
    return {
      logDriver: 'awslogs',
      options: {
        'awslogs-stream-prefix': streamPrefix,
        'awslogs-group': logGroupName(build.facts.environment),
        'awslogs-region': build.facts.region,
      },
    };
  }
  return { logDriver: driver === 'awsfirelens' ? 'awsfirelens' : 'none' };
}

/** The image a service's main container runs: the one running now, else a placeholder never pulled (desired 0). */
export function imageOf(build: Build, unit: Unit): string {
  const { facts } = build;
  return facts.images[unit.key] ?? ecrImageUri(facts.accountId, facts.region, facts.app, notDeployedImageTag);
}

/** The EC2 task-level CPU the newer original derives from `cpu_reservation`: 125 %, rounded half to even. */
export function ec2TaskCpu(reservation: number): string {
  const quarters = reservation * 5;
  const whole = Math.floor(quarters / 4);
  const rest = quarters % 4;
  const rounded = rest < 2 ? whole : rest > 2 ? whole + 1 : whole % 2 === 0 ? whole : whole + 1;
  return String(rounded);
}

function mainContainer(build: Build, unit: Unit): Container {
  const { settings } = unit;
  const hasFluentbit = (settings.sidecars ?? []).some((sidecar) => sidecar.name === fluentbitSidecarName);
  if (unit.logging === 'awsfirelens' && !hasFluentbit) {
    throw new CloudliftError(
      'FirelensSidecarMissing',
      `services.${unit.key}: logging is awsfirelens but the service has no ${fluentbitSidecarName}`,
      {
        exitCode: 2,
        hint: `Save the configuration through \`cloudlift update_service -e ${build.facts.environment} --name ${build.facts.app}\`, which adds the sidecar.`,
      },
    );
  }
  return {
    name: containerName(unit.key),
    image: imageOf(build, unit),
    // A boolean, as the original wrote it. Where CloudFormation passes a string "true" through (the testbed does),
    // DescribeTaskDefinition returns it, and the original's deploy_service, which re-registers what it describes,
    // fails botocore's check: `Invalid type for parameter containerDefinitions[0].essential`.
    essential: true,
    cpu: 0,
    secrets: build.facts.secrets.map(([name, valueFrom]) => ({ name, valueFrom })),
    portMappings: unit.http === undefined ? undefined : [{ containerPort: unit.http.container_port }],
    logConfiguration: unit.logging === null ? undefined : logConfiguration(build, unit.key, unit.logging),
    command: settings.command === null ? undefined : [settings.command],
    mountPoints:
      settings.volume === undefined
        ? undefined
        : [{ sourceVolume: efsVolumeName(unit.key), containerPath: settings.volume.container_path }],
    memoryReservation: unit.isFargate ? undefined : settings.memory_reservation,
    // The hard limit is the reservation plus half of it, rounded up, as in the original.
    memory: unit.isFargate
      ? undefined
      : settings.memory_reservation + Math.ceil(settings.memory_reservation / 2),
    dependsOn:
      unit.logging === 'awsfirelens'
        ? [{ containerName: fluentbitSidecarName, condition: 'START' }]
        : undefined,
  };
}

function sidecarContainer(build: Build, unit: Unit, sidecar: Sidecar): Container {
  const check = sidecar.health_check;
  return {
    name: sidecar.name,
    image: sidecar.image_uri,
    memoryReservation: sidecar.memory_reservation,
    essential: sidecar.essential,
    command: sidecar.command === undefined || sidecar.command === null ? undefined : [sidecar.command],
    environment:
      sidecar.env === undefined
        ? undefined
        : Object.entries(sidecar.env).map(([name, value]) => ({ name, value })),
    logConfiguration:
      sidecar.logging === undefined || sidecar.logging === null
        ? undefined
        : logConfiguration(build, `${unit.key}-${sidecar.name}`, sidecar.logging),
    healthCheck:
      check === undefined
        ? undefined
        : {
            command: check.command,
            interval: check.interval,
            retries: check.retries,
            timeout: check.timeout,
            startPeriod: check.start_period,
          },
    // Only the log router itself gets a FireLens configuration (the original gave it to every sidecar, which ECS
    // rejects as soon as there are two).
    firelensConfiguration:
      unit.logging === 'awsfirelens' && sidecar.name === fluentbitSidecarName
        ? { type: 'fluentbit' }
        : undefined,
  };
}

function taskRole(build: Build, unit: Unit): CfnResource {
  const defaults = build.facts.environmentDefaults;
  // The original read kinesis_role_arn from service_defaults.env, while it is written under fluentbit_config.env.
  const kinesisRole = [defaults.fluentbit_config?.env?.kinesis_role_arn, defaults.env?.kinesis_role_arn].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  return new build.cdk.aws_iam.CfnRole(build.stack, unit.ids.taskRole, {
    assumeRolePolicyDocument: {
      Statement: [
        { Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['ecs-tasks.amazonaws.com'] } },
      ],
    },
    policies: nonEmpty([
      ...(unit.logging === 'awsfirelens'
        ? [
            {
              policyName: unit.ids.taskRoleFirelensPolicy,
              policyDocument: {
                Statement: [{ Action: ['sts:AssumeRole'], Effect: 'Allow', Resource: [kinesisRole ?? '*'] }],
              },
            },
          ]
        : []),
      ...(unit.settings.enable_execute_command === true ? [execPolicy(unit)] : []),
    ]),
  });
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length === 0 ? undefined : items;
}

/** What the ECS Exec agent in the task needs to open its channels (`cloudlift exec`). */
function execPolicy(unit: Unit) {
  return {
    policyName: execTaskRolePolicyName(unit.key),
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Action: [
            'ssmmessages:CreateControlChannel',
            'ssmmessages:CreateDataChannel',
            'ssmmessages:OpenControlChannel',
            'ssmmessages:OpenDataChannel',
          ],
          Effect: 'Allow',
          Resource: ['*'],
        },
      ],
    },
  };
}

function networkSettings(unit: Unit): { networkMode?: string; cpu?: string; memory?: string } {
  const { settings } = unit;
  if (settings.fargate !== undefined) {
    return {
      networkMode: 'awsvpc',
      cpu: String(settings.fargate.cpu),
      memory: String(settings.fargate.memory),
    };
  }
  return {
    networkMode: unit.isAwsvpc ? 'awsvpc' : undefined,
    cpu: settings.cpu_reservation === undefined ? undefined : ec2TaskCpu(settings.cpu_reservation),
  };
}

/** Adds the task role and task definition of a service; returns the task definition. */
export function addTaskDefinition(build: Build, unit: Unit): ecs.CfnTaskDefinition {
  const role = taskRole(build, unit);
  const { settings } = unit;
  const definition = new build.cdk.aws_ecs.CfnTaskDefinition(build.stack, unit.ids.taskDefinition, {
    family: taskFamily(unit.key),
    containerDefinitions: [
      mainContainer(build, unit),
      ...(settings.sidecars ?? []).map((sidecar) => sidecarContainer(build, unit, sidecar)),
    ],
    executionRoleArn: build.facts.executionRoleArn,
    taskRoleArn: role.ref,
    requiresCompatibilities: unit.isFargate ? ['FARGATE'] : undefined,
    ...networkSettings(unit),
    volumes:
      settings.volume === undefined
        ? undefined
        : [
            {
              name: efsVolumeName(unit.key),
              efsVolumeConfiguration: {
                filesystemId: settings.volume.efs_id,
                rootDirectory: settings.volume.efs_directory_path,
              },
            },
          ],
  });
  setTags(definition, standardTags(build));
  return definition;
}

/** Adds the Cloud Map SRV registration of a service with custom metrics; returns it (or undefined). */
export function addServiceRegistry(build: Build, unit: Unit): CfnResource | undefined {
  const metrics = unit.settings.custom_metrics;
  if (metrics === undefined) {
    return undefined;
  }
  const registry = new build.cdk.aws_servicediscovery.CfnService(build.stack, unit.ids.serviceRegistry, {
    dnsConfig: {
      routingPolicy: 'MULTIVALUE',
      dnsRecords: [{ ttl: 60, type: 'SRV' }],
      namespaceId: build.cdk.Fn.importValue(environmentIds(build.facts.environment).exports.cloudMap),
    },
  });
  keepOriginalLiteral(registry, 'DnsConfig.DnsRecords.0.TTL', '60');
  setTags(registry, [
    ['METRICS_PATH', metrics.metrics_path],
    ['METRICS_PORT', metrics.metrics_port],
  ]);
  return registry;
}
