// The shared state of one service-template build and the small helpers every part uses.
import type { Stack, CfnParameter, CfnResource } from 'aws-cdk-lib';
import type { Cdk } from '../template.js';
import type { HttpInterface, ServiceConfig, ServiceSettings } from '../../config/service.js';
import { effectiveAlbMode, effectiveLogging } from '../../config/service-checks.js';
import { serviceIds } from '../../naming.js';
import type { TagPair } from '../tags.js';
import type { ServiceFacts } from './facts.js';

/** Parameters of the service stack, referenced by every service. */
export interface StackParameters {
  notificationSnsArn: CfnParameter;
  vpc: CfnParameter;
  publicSubnet1: CfnParameter;
  publicSubnet2: CfnParameter;
  privateSubnet1: CfnParameter;
  privateSubnet2: CfnParameter;
}

/** One template build. */
export interface Build {
  stack: Stack;
  cdk: Cdk;
  config: ServiceConfig;
  facts: ServiceFacts;
  team: string;
  params: StackParameters;
  /** `ECSServiceRole`, used by EC2 services behind a load balancer in bridge mode. */
  ecsServiceRole: CfnResource;
  /** Listener rule priorities handed out so far, by listener ARN. */
  takenPriorities: Map<string, Set<number>>;
}

/** One ECS service of the configuration, with the settings every part derives from it. */
export interface Unit {
  key: string;
  settings: ServiceSettings;
  ids: ReturnType<typeof serviceIds>;
  isFargate: boolean;
  /** True when tasks get their own network interface (Fargate, or `custom_metrics` on EC2). */
  isAwsvpc: boolean;
  http: HttpInterface | undefined;
  albMode: 'cluster' | 'dedicated';
  logging: string | null;
  alarmsEnabled: boolean;
}

/** Derives the per-service view of the configuration. */
export function unitOf(build: Build, key: string, settings: ServiceSettings): Unit {
  const defaults = build.facts.environmentDefaults;
  const isFargate = settings.fargate !== undefined;
  return {
    key,
    settings,
    ids: serviceIds(build.facts.environment, key),
    isFargate,
    isAwsvpc: isFargate || settings.custom_metrics !== undefined,
    http: settings.http_interface,
    albMode: effectiveAlbMode(settings, defaults),
    logging: effectiveLogging(settings, defaults),
    alarmsEnabled: !(settings.disable_service_alarms ?? defaults.disable_service_alarms ?? false),
  };
}

/**
 * The `Team` and `environment` tags the original puts on most resources, in its order (troposphere's
 * `Tags(Team=…, environment=…)` sorts keys by code point: `Team` first). Set them with `setTags`, never through
 * CDK's `tags` property, which would sort `environment` first and modify every tagged resource of an existing stack.
 */
export function standardTags(build: Build): TagPair[] {
  return [
    ['Team', build.team],
    ['environment', build.facts.environment],
  ];
}

/**
 * Writes a property with the exact JSON type the original used where CDK's typing would change it (alarm thresholds
 * and the Cloud Map record TTL as strings). Changing them would be a template change on every existing stack.
 */
export function keepOriginalLiteral(resource: CfnResource, path: string, value: string): void {
  resource.addPropertyOverride(path, value);
}

/** The private subnets' references (awsvpc tasks and internal ALBs). */
export function privateSubnets(build: Build): string[] {
  return [build.params.privateSubnet1.valueAsString, build.params.privateSubnet2.valueAsString];
}

/** The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) {
    return 'aws-cn';
  }
  return region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}
