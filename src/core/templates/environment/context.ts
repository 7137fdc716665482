// What every part of the environment template builder shares: the stack, the config, the looked-up facts, the
// logical ids, and handles to resources other parts reference.
import type * as CdkLib from 'aws-cdk-lib';
import type { EnvironmentConfig } from '../../config/environment.js';
import type { EnvironmentIds } from '../../naming.js';
import type { Cdk } from '../template.js';

/** Values looked up outside the pure template function (AWS calls, flags, or documented defaults). */
export interface EnvironmentFacts {
  /** The environment name (`-e`). */
  environment: string;
  /** The region's first two availability zones (the original took them from DescribeAvailabilityZones). */
  availabilityZones: readonly [string, string];
  /** The AMI id of the EC2 hosts (ignored by Fargate-only environments). */
  amiId: string;
  /**
   * Desired instance counts per fleet, read from the running Auto Scaling groups on update so an update does not
   * resize them (the original passed one count to both fleets, Appendix A #18). Missing or 0: the fleet minimum.
   */
  desiredInstances?: { onDemand?: number; spot?: number };
  /** This tool's version, named in the CloudliftOptions output (`rendered_by`). */
  cloudliftVersion: string;
}

/** A subnet as the template sees it: its config key and a CloudFormation reference to its id. */
export interface SubnetHandle {
  key: string;
  ref: string;
}

/** The network the rest of the template builds on. */
export interface Network {
  vpcRef: string;
  publicSubnets: SubnetHandle[];
  privateSubnets: SubnetHandle[];
}

/** Shared state of one template build. */
export interface Build {
  stack: CdkLib.Stack;
  cdk: Cdk;
  env: string;
  config: EnvironmentConfig;
  facts: EnvironmentFacts;
  ids: EnvironmentIds;
  /** The `Team` tag: the last segment of the notifications topic ARN, as in the original. */
  team: string;
}

/** Sets a resource's tags in exactly the given order (see ../tags.ts). */
export { setTags } from '../tags.js';

/** `{ Ref: id }` as a CDK token string. */
export function ref(build: Build, logicalId: string): string {
  return build.cdk.Fn.ref(logicalId);
}

/**
 * Adds an output. Outputs share names with resources and parameters in the original (`SecurityGroupAlb`,
 * `InstanceTypes`, `AutoScalingGroupSpot`), which CloudFormation allows but CDK construct ids do not, so the
 * construct gets a prefixed id and the logical id is set explicitly.
 */
export function addOutput(
  build: Build,
  logicalId: string,
  props: { value: string; description: string; exportName?: string },
): void {
  const output = new build.cdk.CfnOutput(build.stack, `Output${logicalId}`, props);
  output.overrideLogicalId(logicalId);
}

/**
 * Sets a property to the exact JSON the original emitted where the CDK type differs (a string where CDK expects a
 * number, e.g. alarm thresholds `'60'`). Byte-compatible values keep existing stacks' change sets empty.
 */
export function rawProperty(resource: CdkLib.CfnResource, path: string, value: unknown): void {
  resource.addPropertyOverride(path, value);
}
