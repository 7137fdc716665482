// What a template is, and what core needs to describe one: a blueprint (the stack name and a function that adds L1
// constructs to a stack) that the CDK adapter (src/cdk/) turns into JSON. Core only ever sees the CDK as types: the
// adapter loads it and hands the module in, so every template function stays a pure function of its inputs.
import type * as CdkLib from 'aws-cdk-lib';

/** The L1 (`Cfn*`) classes of one aws-cdk-lib service namespace (`aws_ec2` → CfnVPC, CfnSubnet, ...). */
export type L1Classes<Namespace> = {
  readonly [Name in keyof Namespace as Name extends `Cfn${string}` ? Name : never]: Namespace[Name];
};

/** The service namespaces of aws-cdk-lib (`aws_ec2`, `aws_ecs`, ...), each narrowed to its L1 classes. */
export type CdkServices = {
  readonly [Name in keyof typeof CdkLib as Name extends `aws_${string}` ? Name : never]: L1Classes<
    (typeof CdkLib)[Name]
  >;
};

/** The core (non-service) members of aws-cdk-lib that templates use. */
export type CdkCore = Pick<
  typeof CdkLib,
  'Aws' | 'Fn' | 'CfnOutput' | 'CfnParameter' | 'CfnMapping' | 'CfnCondition' | 'CfnResource' | 'Stack'
>;

/**
 * The part of aws-cdk-lib a template builder may use: the core members above and the L1 classes of every service.
 * The adapter loads only what a build actually touches (one `<service>.generated.js` per service).
 */
export type Cdk = CdkCore & CdkServices;

/** A stack under construction (the CDK `Stack` a builder adds resources to). */
export type TemplateStack = CdkLib.Stack;

/** A template to build: the stack name and the function that adds `Cfn*` constructs (ids are logical ids). */
export interface TemplateBlueprint {
  readonly stackName: string;
  build(stack: TemplateStack, cdk: Cdk): void;
}

/** A CloudFormation template as plain JSON. */
export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, TemplateParameter>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, TemplateOutput>;
}

/** One resource of a template. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  Metadata?: Record<string, unknown>;
  CreationPolicy?: Record<string, unknown>;
  UpdatePolicy?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** One parameter of a template. */
export interface TemplateParameter {
  Type: string;
  Default?: unknown;
  Description?: string;
  AllowedValues?: unknown[];
}

/** One output of a template. */
export interface TemplateOutput {
  Value: unknown;
  Description?: string;
  Export?: { Name: unknown };
  Condition?: string;
}
