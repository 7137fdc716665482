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
