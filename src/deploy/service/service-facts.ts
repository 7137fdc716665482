// Looks up what the service template needs from AWS (environment stack outputs, what runs now, env.sample secrets,
// listener rules), or makes it up offline with clearly fake placeholders. The template itself never calls AWS.
import { callerIdentity } from '../../aws/sts.js';
import { ecsApi } from '../../aws/ecs.js';
import { loadBalancerApi } from '../../aws/elbv2.js';
import { roleApi } from '../../aws/iam.js';
import type { Context } from '../../context.js';
import type { EnvironmentConfig } from '../../core/config/environment.js';
import { effectiveAlbMode } from '../../core/config/service-checks.js';
import type { ServiceConfig, ServiceDefaults } from '../../core/config/service.js';
import { envSampleKeys } from '../../core/config/env-sample.js';
import {
  clusterAlbIds,
  clusterName,
  clusterStackName,
  containerName,
  parameterName,
  serviceStackName,
  taskExecutionRoleName,
} from '../../core/naming.js';
import { clusterListeners } from '../../core/templates/service/facts.js';
import type { ExistingListenerRule, ServiceFacts } from '../../core/templates/service.js';
import { CloudliftError } from '../../errors.js';
import { loadTaskSecrets, readEnvSample } from '../config/env-sample.js';
import { servicesFromOutputs } from './service-stack.js';
import { describeStack } from '../stacks/stacks.js';
import { environmentNotFound } from '../config/config-store.js';
import type { ConfigStore } from '../config/config-store.js';

/** The parts of the environment configuration a service uses. */
export interface ServiceEnvironment {
  environment: string;
  region: string;
  notificationsArn: string | undefined;
  certificateArn: string | undefined;
  defaults: ServiceDefaults;
}

/** The service view of a stored (validated) environment configuration. */
export function serviceEnvironmentOf(environment: string, config: EnvironmentConfig): ServiceEnvironment {
  return {
    environment,
    region: config.region,
    notificationsArn: config.environment.notifications_arn,
    certificateArn: config.environment.ssl_certificate_arn,
    defaults: config.service_defaults ?? {},
  };
}

/** Loads and validates the environment's stored configuration; the service view of it. */
export async function loadServiceEnvironment(
  store: ConfigStore,
  environment: string,
): Promise<ServiceEnvironment & { fargateOnly: boolean }> {
  const stored = await store.loadEnvironment(environment);
  if (stored === undefined) {
    throw environmentNotFound(environment, store.region);
  }
  const { parseEnvironmentConfig, isEc2Cluster } = await import('../../core/config/environment.js');
  const config = parseEnvironmentConfig(environment, stored.document);
  return { ...serviceEnvironmentOf(environment, config), fargateOnly: !isEc2Cluster(config.cluster) };
}

/** What is running now in the service stack: desired counts and images, by service key. */
async function currentState(
  ctx: Context,
  app: string,
  environment: string,
  region: string,
): Promise<{ desiredCounts: Record<string, number>; images: Record<string, string> }> {
  const desiredCounts: Record<string, number> = {};
  const images: Record<string, string> = {};
  const stack = await describeStack(ctx, { stackName: serviceStackName(app, environment), region });
  if (stack === undefined) {
    return { desiredCounts, images };
  }
  const ecs = await ecsApi(ctx, region);
  for (const service of servicesFromOutputs(stack.outputs)) {
    const snapshot = await ecs.describeService(clusterName(environment), service.ecsServiceName);
    if (snapshot === undefined) {
      continue;
    }
    desiredCounts[service.logicalName] = snapshot.service.desiredCount;
    const definition = await ecs.describeTaskDefinition(snapshot.service.taskDefinition);
    const containers = (definition.definition.containerDefinitions ?? []) as Array<{
      name?: string;
      image?: string;
    }>;
    const main =
      containers.find((container) => container.name === containerName(service.logicalName)) ?? containers[0];
    if (main?.image !== undefined) {
      images[service.logicalName] = main.image;
    }
  }
  return { desiredCounts, images };
}

async function listenerRules(
  ctx: Context,
  config: ServiceConfig,
  defaults: ServiceDefaults,
  outputs: Record<string, string>,
  region: string,
): Promise<Record<string, ExistingListenerRule[]>> {
  const schemes = new Set<boolean>();
  for (const settings of Object.values(config.services)) {
    if (settings.http_interface !== undefined && effectiveAlbMode(settings, defaults) === 'cluster') {
      schemes.add(settings.http_interface.internal);
    }
  }
  const rules: Record<string, ExistingListenerRule[]> = {};
  if (schemes.size === 0) {
    return rules;
  }
  const api = await loadBalancerApi(ctx, region);
  for (const internal of schemes) {
    for (const listener of clusterListeners({ environmentOutputs: outputs }, internal)) {
      rules[listener.arn] = await api.listenerRules(listener.arn);
    }
  }
  return rules;
}

/**
 * Looks up every fact of the service template for an app in an environment. `secrets: 'required'` fails when
 * env.sample and Parameter Store disagree (create/update); `'lenient'` falls back to no secrets with a warning.
 */
export async function lookUpServiceFacts(
  ctx: Context,
  input: {
    app: string;
    environment: ServiceEnvironment;
    config: ServiceConfig;
    secrets: 'required' | 'lenient';
  },
): Promise<ServiceFacts> {
  const { app } = input;
  const { environment, region, defaults } = input.environment;
  ctx.ui.step(`Looking for the ${environment} cluster.`);
  const cluster = await describeStack(ctx, { stackName: clusterStackName(environment), region });
  if (cluster === undefined) {
    throw new CloudliftError(
      'EnvironmentStackMissing',
      `The ${environment} cluster (stack ${clusterStackName(environment)}) was not found in ${region}`,
      {
        hint: `Create the environment cluster with \`cloudlift create_environment -e ${environment}\`.`,
      },
    );
  }
  const [identity, state, executionRoleArn] = await Promise.all([
    callerIdentity(ctx, { region }),
    currentState(ctx, app, environment, region),
    roleApi(ctx).then((api) => api.arnOf(taskExecutionRoleName)),
  ]);
  if (executionRoleArn === undefined) {
    throw new CloudliftError(
      'ExecutionRoleMissing',
      `The IAM role ${taskExecutionRoleName} does not exist in this account`,
      {
        hint: 'ECS needs it to pull images and read Parameter Store: create it as AWS documents ("Amazon ECS task execution IAM role"), with AmazonECSTaskExecutionRolePolicy and ssm:GetParameters, then retry.',
      },
    );
  }
  const secrets = await loadSecrets(ctx, { app, environment, region, mode: input.secrets });
  return {
    app,
    environment,
    region,
    accountId: identity.account,
    environmentOutputs: cluster.outputs,
    environmentDefaults: defaults,
    certificateArn: input.environment.certificateArn,
    desiredCounts: state.desiredCounts,
    images: state.images,
    secrets: secrets.map((secret) => [secret.name, secret.valueFrom] as const),
    executionRoleArn,
    existingListenerRules: await listenerRules(ctx, input.config, defaults, cluster.outputs, region),
  };
}

async function loadSecrets(
  ctx: Context,
  input: { app: string; environment: string; region: string; mode: 'required' | 'lenient' },
): Promise<Array<{ name: string; valueFrom: string }>> {
  try {
    return await loadTaskSecrets(ctx, { ...input, cwd: ctx.cwd });
  } catch (error) {
    if (input.mode === 'required') {
      throw error;
    }
    ctx.ui.warn(`Rendering without container secrets: ${(error as Error).message}`);
    return [];
  }
}

/** The placeholder account id of offline renders. */
export const offlineAccountId = '123456789012';

/**
 * Facts for rendering without AWS: fake but well-formed ids (every placeholder says "offline" or is all zeros), the
 * secrets from ./env.sample with the ARNs Parameter Store would give them, and no running services.
 */
export async function offlineServiceFacts(
  ctx: Context,
  input: { app: string; environment: ServiceEnvironment },
): Promise<ServiceFacts> {
  const { app } = input;
  const { environment, region } = input.environment;
  const account = offlineAccountId;
  const sample = await readEnvSample(ctx.cwd);
  const keys = sample === undefined ? [] : envSampleKeys(sample).keys;
  const listener = (scheme: 'internal' | 'public', id: string): string =>
    `arn:aws:elasticloadbalancing:${region}:${account}:listener/app/${clusterAlbIds(environment, scheme).alb}/0000000000000000/${id}`;
  return {
    app,
    environment,
    region,
    accountId: account,
    environmentOutputs: {
      VPC: 'vpc-00000000000000000',
      PublicSubnet1: 'subnet-00000000000000001',
      PublicSubnet2: 'subnet-00000000000000002',
      PrivateSubnet1: 'subnet-00000000000000003',
      PrivateSubnet2: 'subnet-00000000000000004',
      SecurityGroupAlb: 'sg-00000000000000001',
      SGInternal1ID: 'sg-00000000000000002',
      SGPublic1ID: 'sg-00000000000000003',
      ListenerHTTPInternal1ARN: listener('internal', '0000000000000001'),
      ListenerHTTPSInternal1ARN: listener('internal', '0000000000000002'),
      ListenerHTTPPublic1ARN: listener('public', '0000000000000003'),
      ListenerHTTPSPublic1ARN: listener('public', '0000000000000004'),
    },
    environmentDefaults: input.environment.defaults,
    certificateArn:
      input.environment.certificateArn ??
      `arn:aws:acm:${region}:${account}:certificate/00000000-0000-0000-0000-000000000000`,
    desiredCounts: {},
    images: {},
    secrets: keys.map(
      (key) =>
        [key, `arn:aws:ssm:${region}:${account}:parameter${parameterName(environment, app, key)}`] as const,
    ),
    executionRoleArn: `arn:aws:iam::${account}:role/${taskExecutionRoleName}`,
    existingListenerRules: {},
  };
}
