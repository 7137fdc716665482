// Every name cloudlift gives to something in AWS: stacks, tables, SSM paths, ECR repositories, CloudFormation
// logical ids. They are a public API: an existing Cloudlift installation must find its resources under the same names,
// and a renamed logical id makes CloudFormation replace the resource.
import { alphanumeric, camel, pascal, spinal } from './case.js';

// ---------------------------------------------------------------------------------------------------------------
// Stacks, clusters, stores

/** The environment's CloudFormation stack, also the ECS cluster name: `cluster-<env>`. */
export function clusterStackName(environment: string): string {
  return `cluster-${environment}`;
}

/** The ECS cluster of an environment (the original names it after the stack). */
export function clusterName(environment: string): string {
  return clusterStackName(environment);
}

/** The service (application) stack: `<app>-<env>`. */
export function serviceStackName(app: string, environment: string): string {
  return `${app}-${environment}`;
}

/** DynamoDB tables shared with the original Cloudlift, in the default region. */
export const tables = {
  environments: 'environment_configurations',
  services: 'service_configurations',
  releases: 'cloudlift_releases',
} as const;

/** The SSM Parameter Store folder holding an app's environment variables: `/<env>/<app>/`. */
export function parameterPrefix(environment: string, app: string): string {
  return `/${environment}/${app}/`;
}

/** The SSM parameter holding one environment variable: `/<env>/<app>/<KEY>`. */
export function parameterName(environment: string, app: string, key: string): string {
  return `${parameterPrefix(environment, app)}${key}`;
}

/** The ECR repository of an app: `<app>-repo`. */
export function ecrRepositoryName(app: string): string {
  return `${app}-repo`;
}

/** The local image name docker builds: `spinal(<app>):<version>`. */
export function localImageName(app: string, version: string): string {
  return `${spinal(app)}:${version}`;
}

/** The CloudWatch Logs group of an environment, created by the environment stack. */
export function logGroupName(environment: string): string {
  return `${environment}-logs`;
}

/** The app name deduced from a working directory, as the original: the folder's basename, spinal-cased. */
export function appNameFromDirectory(basename: string): string {
  return spinal(basename);
}

/** The S3 bucket the original uses for service templates over the inline limit. */
export const serviceTemplateBucket = 'cloudlift-service-template';

/** The IAM role ECS uses to pull images and read SSM secrets; pre-existing in the account, as in the original. */
export const taskExecutionRoleName = 'ecsTaskExecutionRole';

/**
 * A CloudFormation logical id built the original's way: stringcase camel of the concatenation. The original crashed
 * when that was not alphanumeric (env `prod-2` gives `prod-2Vpc`); such environments could never exist, so we drop the
 * offending characters instead (`prod2Vpc`) and no existing stack is affected.
 */
export function camelLogicalId(text: string): string {
  return alphanumeric(camel(text));
}

/** Pascal-case an environment or app name the original's way (`dummy-staging` → `DummyStaging`). */
export function pascalName(text: string): string {
  return pascal(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Environment (cluster) template logical ids, outputs and exports

/** The two EC2 fleets of an environment, in the order the original adds them. */
export const fleets = ['OnDemand', 'Spot'] as const;

/** One EC2 fleet: `OnDemand` or `Spot`. */
export type Fleet = (typeof fleets)[number];

/** The two cluster load balancers, with the scheme word the original builds their names from. */
export const clusterAlbSchemes = ['internal', 'public'] as const;

/** One cluster ALB: `internal` or `public` (internet-facing). */
export type ClusterAlbScheme = (typeof clusterAlbSchemes)[number];

/**
 * The original's `generate_pascalcase_name`: stringcase pascal, then every non-alphanumeric run removed
 * (`internal_ALB_1_dummy-staging` → `InternalALB1DummyStaging`). Length limits are checked by the config checks.
 */
export function pascalcaseName(text: string): string {
  return alphanumeric(pascal(text));
}

/** The subnet logical id suffix of a subnet key: `subnet-1` → `Subnet1` (the original strips, then pascal-cases). */
function subnetKeyId(key: string): string {
  return pascal(key.replace(/[^a-zA-Z0-9*]/g, ''));
}

/** Logical ids and names of one cluster ALB (index 1, the only one the original creates). */
export function clusterAlbIds(environment: string, scheme: ClusterAlbScheme) {
  const alb = pascalcaseName(`${scheme}_ALB_1_${environment}`);
  const listenerBase = pascalcaseName(`Listener_${scheme}_1_${environment}`);
  return {
    /** Logical id and ALB name (AWS allows 32 characters). */
    alb,
    /** Logical id and group name of the ALB's security group. */
    securityGroup: pascalcaseName(`SG_${alb}`),
    /** Ingress rule letting the ALB reach the EC2 hosts (64 characters at most). */
    hostsIngress: pascalcaseName(`${alb}_To_EC2Hosts_Ingress`),
    httpListener: `Http${listenerBase}`,
    httpsListener: `Https${listenerBase}`,
    albOutput: pascalcaseName(`${scheme}_ALB_1_ARN`),
    securityGroupOutput: pascalcaseName(`SG_${scheme}_1_ID`),
    httpListenerOutput: pascalcaseName(`Listener_HTTP_${scheme}_1_ARN`),
    httpsListenerOutput: pascalcaseName(`Listener_HTTPS_${scheme}_1_ARN`),
  };
}

/** Logical ids of one EC2 fleet's resources. */
export function fleetIds(fleet: Fleet) {
  return {
    launchTemplate: `LaunchTemplate${fleet}`,
    autoScalingGroup: `AutoScalingGroup${fleet}`,
    scalingPolicy: `AutoScalingPolicy${fleet}`,
    hostsHighCpuAlarm: `Ec2HostsHighCPUAlarm${fleet}`,
    memoryReservationAlarm: `ClusterHighMemoryReservationAlarm${fleet}`,
    minSizeParameter: `${fleet}MinSize`,
    maxSizeParameter: `${fleet}MaxSize`,
    autoScalingGroupOutput: `AutoScalingGroup${fleet}`,
  };
}

/** The launch template name of a fleet: `<env>-LaunchTemplate<Fleet>`. */
export function launchTemplateName(environment: string, fleet: Fleet): string {
  return `${environment}-LaunchTemplate${fleet}`;
}

/**
 * Every logical id, output and export name of the environment stack `cluster-<env>`. Subnet ids depend on the
 * subnet keys of the configuration (`subnet-1` → `<env>PublicSubnet1`); associations on their position.
 */
export function environmentIds(environment: string) {
  const camelId = (suffix: string): string => camelLogicalId(`${environment}${suffix}`);
  return {
    vpc: camelId('Vpc'),
    internetGateway: camelId('Ig'),
    gatewayAttachment: camelId('Attachment'),
    publicRouteTable: camelId('Public'),
    privateRouteTable: camelId('Private'),
    publicSubnet: (key: string): string => camelId('Public') + subnetKeyId(key),
    privateSubnet: (key: string): string => camelId('Private') + subnetKeyId(key),
    publicSubnetAssociation: (position: number): string => camelId(`PublicSubnet${position}Assoc`),
    privateSubnetAssociation: (position: number): string => camelId(`PrivateSubnet${position}Assoc`),
    internetGatewayRoute: camelId('IgRoute'),
    natGateway: camelId('Nat'),
    natRoute: camelId('NatRoute'),
    dbSubnetGroup: 'DBSubnetGroup',
    cacheSubnetGroup: 'ElasticacheSubnetGroup',
    logGroup: camelId('LogGroup'),
    cloudMap: camelId('Cloudmap'),
    cluster: 'Cluster',
    instanceRole: 'ECSRole',
    instanceProfile: 'InstanceProfile',
    albSecurityGroup: 'SecurityGroupAlb',
    hostsSecurityGroup: 'SecurityGroupEc2Hosts',
    hostsSelfIngress: 'SecurityEc2HostsIngress',
    databasesSecurityGroup: 'SecurityGroupDatabases',
    clusterHighCpuAlarm: 'ClusterHighCPUAlarm',
    clusterHighMemoryAlarm: 'ClusterHighMemoryAlarm',
    // "Notifcation" (sic): the original's spelling; renaming it would replace the alarm.
    memoryReservationNotificationAlarm: 'ClusterHighMemoryReservationUserNotifcationAlarm',
    parameters: {
      environment: 'Environment',
      keyPair: 'KeyPair',
      notificationSnsArn: 'NotificationSnsArn',
      instanceTypes: 'InstanceTypes',
    },
    amiMapping: 'AWSRegionToAMI',
    outputs: {
      stackId: 'StackId',
      stackName: 'StackName',
      cloudliftOptions: 'CloudliftOptions',
      vpc: 'VPC',
      privateSubnet: (position: number): string => `PrivateSubnet${position}`,
      publicSubnet: (position: number): string => `PublicSubnet${position}`,
      albSecurityGroup: 'SecurityGroupAlb',
      minInstances: 'MinInstances',
      maxInstances: 'MaxInstances',
      spotMinInstances: 'SpotMinInstances',
      spotMaxInstances: 'SpotMaxInstances',
      instanceTypes: 'InstanceTypes',
      keyName: 'KeyName',
      cloudMapId: 'CloudmapId',
      hostsSecurityGroup: 'SecurityGroupEC2Host',
      defaultInstanceLifecycle: 'ECSClusterDefaultInstanceLifecycle',
      /** Ours, only in Fargate-only environments (absent means EC2). */
      clusterType: 'ClusterType',
    },
    exports: {
      cloudMap: `${environment}Cloudmap`,
      hostsSecurityGroup: `${environment}Ec2Host`,
      defaultInstanceLifecycle: `${environment}ECSClusterDefaultInstanceLifecycle`,
    },
  };
}

/** The environment stack's logical ids (the return type of `environmentIds`). */
export type EnvironmentIds = ReturnType<typeof environmentIds>;

// ---------------------------------------------------------------------------------------------------------------
// Service template logical ids, outputs and names

/** The ECS container of a service: `<Svc>Container`. */
export function containerName(service: string): string {
  return `${service}Container`;
}

/** The task definition family of a service: `<Svc>Family`. */
export function taskFamily(service: string): string {
  return `${service}Family`;
}

/** The stack output holding a service's ECS service name ends with this suffix. */
export const ecsServiceNameOutputSuffix = 'EcsServiceName';

/** The output key of a service's ECS service name: `<Svc>EcsServiceName`. */
export function ecsServiceNameOutput(service: string): string {
  return `${service}${ecsServiceNameOutputSuffix}`;
}

/** The IAM role ECS uses for load balancer registration in bridge mode (one per service stack, as in the original). */
export const ecsServiceRoleId = 'ECSServiceRole';

/** Stack-level parameters and outputs of a service stack. */
export const serviceStackIds = {
  parameters: {
    notificationSnsArn: 'NotificationSnsArn',
    vpc: 'VPC',
    publicSubnet1: 'PublicSubnet1',
    publicSubnet2: 'PublicSubnet2',
    privateSubnet1: 'PrivateSubnet1',
    privateSubnet2: 'PrivateSubnet2',
    environment: 'Environment',
  },
  outputs: { cloudliftOptions: 'CloudliftOptions', stackId: 'StackId', stackName: 'StackName' },
} as const;

/** The ECS volume of a service's EFS mount: `<Svc>-efs-volume`. */
export function efsVolumeName(service: string): string {
  return `${service}-efs-volume`;
}

/** Logical ids of one ECS service `<Svc>` of a service stack (each is also a public API: renaming replaces). */
export function serviceIds(environment: string, service: string) {
  const fargateGroup = alphanumeric(pascal(`FargateService${environment}${service}`));
  return {
    service,
    taskDefinition: `${service}TaskDefinition`,
    taskRole: `${service}Role`,
    taskRoleFirelensPolicy: `${service}-Firelens`,
    serviceRegistry: `${service}ServiceRegistry`,
    /** Logical id, GroupName and GroupDescription of a Fargate service's own security group. */
    fargateSecurityGroup: fargateGroup,
    /** `TargetGroup<Svc>` + `Cluster` (alb_mode cluster) + `Internal` (internal). */
    targetGroup: (albMode: 'cluster' | 'dedicated', internal: boolean): string =>
      `TargetGroup${service}${albMode === 'cluster' ? 'Cluster' : ''}${internal ? 'Internal' : ''}`,
    albSecurityGroup: alphanumeric(`SG${environment}${service}`),
    albSecurityGroupName: `${environment}-${service}`,
    alb: `ALB${service}`,
    httpsListener: `SslLoadBalancerListener${service}`,
    httpListener: `LoadBalancerListener${service}`,
    redirectListener: `LoadBalancerRedirectionListener${service}`,
    /** A host rule on the environment's ALB: `<Svc>Internal<HTTP|HTTPS><n>ListenerRule` or `...Public...`. */
    clusterListenerRule: (internal: boolean, protocol: 'HTTP' | 'HTTPS', position: number): string =>
      pascal(`${service}${internal ? 'Internal' : 'Public'}${protocol}${position}ListenerRule`),
    oomRule: `EcsOOM${service}`,
    highCpuAlarm: `EcsHighCPUAlarm${service}`,
    highMemoryAlarm: `EcsHighMemoryAlarm${service}`,
    noRunningTasksAlarm: `EcsNoRunningTasksAlarm${service}`,
    unhealthyHostAlarm: `ElbUnhealthyHostAlarm${service}`,
    rejectedConnectionsAlarm: `ElbRejectedConnectionsAlarm${service}`,
    elb5xxAlarm: `ElbHTTPCodeELB5xxAlarm${service}`,
    /** Ours: autoscaling (the RP fork's ids where it had the same thing). */
    scalableTarget: `${service}ScalableTarget`,
    cpuScalingPolicy: `${service}CPUUtilizationScalingPolicy`,
    requestCountScalingPolicy: `${service}ALBRequestCountPerTargetScalingPolicy`,
    outputs: { ecsServiceName: ecsServiceNameOutput(service), url: `${service}URL` },
  };
}

/**
 * A dedicated ALB's name, the original's way (AWS allows 32 characters): `<Svc><Env>` (+ `Internal`), shortened by
 * cutting the service name when too long. Trailing dashes, which AWS rejects, are dropped.
 */
export function dedicatedAlbName(environment: string, service: string, internal: boolean): string {
  const envPascal = pascal(environment);
  let name = `${service}${envPascal}`;
  if (internal) {
    name =
      name.length > 32
        ? `${service.slice(0, Math.max(0, 32 - environment.slice(0, 4).length - 'internal'.length))}${envPascal.slice(0, 4)}Internal`
        : `${name}Internal`.slice(0, 32);
  } else if (name.length > 32) {
    name = `${service.slice(0, Math.max(0, 32 - environment.length))}${envPascal}`;
  }
  return name.slice(0, 32).replace(/-+$/, '');
}

/** The image tag a never-deployed service points at: never pulled, because its desired count stays 0. */
export const notDeployedImageTag = 'cloudlift-not-deployed-yet';

/** The image URI of an app's ECR repository: `<account>.dkr.ecr.<region>.amazonaws.com/<app>-repo:<tag>`. */
export function ecrImageUri(accountId: string, region: string, app: string, tag: string): string {
  const suffix = region.startsWith('cn-') ? '.cn' : '';
  return `${accountId}.dkr.ecr.${region}.amazonaws.com${suffix}/${ecrRepositoryName(app)}:${tag}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Stack engine: change sets and uploaded templates

/** `20250102T030405Z` from a date: sortable, and valid in change set names and S3 keys. */
function compactTimestamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** A change set cloudlift creates: `cloudlift-<UTC timestamp>-<digest of template and parameters>`. */
export function changeSetName(at: Date, digest: string): string {
  return `cloudlift-${compactTimestamp(at)}-${digest}`;
}

/** The S3 key of a template too large to send inline: `cloudlift/<stack>/<timestamp>-<digest>.json`. */
export function templateObjectKey(stackName: string, at: Date, digest: string): string {
  return `cloudlift/${stackName}/${compactTimestamp(at)}-${digest}.json`;
}

// ---------------------------------------------------------------------------------------------------------------
// Deploy: stand-alone task definitions (create_task_definition / update_task_definition)

/** `pascal(<app>) + pascal(<env>)`: the base of a stand-alone task definition's names (`HelloStaging`). */
function standaloneBase(app: string, environment: string): string {
  return `${pascal(app)}${pascal(environment)}`;
}

/** The family of an app's stand-alone task definition: `<App><Env>Family`. */
export function standaloneTaskFamily(app: string, environment: string): string {
  return `${standaloneBase(app, environment)}Family`;
}

/** The task role of an app's stand-alone task definition: `<App><Env>Role`. */
export function standaloneTaskRole(app: string, environment: string): string {
  return `${standaloneBase(app, environment)}Role`;
}

/** The container of an app's stand-alone task definition: `<App>Container`. */
export function standaloneContainerName(app: string): string {
  return `${pascal(app)}Container`;
}

// ---------------------------------------------------------------------------------------------------------------
// Shell access (exec)

/** The task role's inline policy that lets the ECS Exec agent open its channels: `<Svc>-EcsExec`. */
export function execTaskRolePolicyName(service: string): string {
  return `${service}-EcsExec`;
}
