// create_environment: configuration (stored, file, or questions) → validation → pre-flight checks → save → create the
// `cluster-<env>` stack with live progress. Nothing is written until validation and pre-flight checks pass.
import type { Context } from '../context.js';
import type { Answers } from '../core/config/environment-answers.js';
import type { EnvironmentConfig } from '../core/config/environment.js';
import { isEc2Cluster } from '../core/config/environment.js';
import { environmentProblems } from '../core/config/environment-checks.js';
import { clusterStackName } from '../core/naming.js';
import { cloudliftVersion } from '../version.js';
import { openConfigStore } from './config-store.js';
import { environmentInput } from './environment-input.js';
import { environmentPreflight } from './environment-preflight.js';
import type { StackSubject } from './stack-messages.js';

/** What create_environment was asked for. */
export interface CreateEnvironmentRequest {
  environment: string;
  configFile?: string;
  /** Answers to the creation questions given as flags. */
  answers: Answers;
}

/** The stack, its region and the commands named in hints. */
export function environmentStack(environment: string, config: EnvironmentConfig): StackSubject {
  return {
    stackName: clusterStackName(environment),
    region: config.region,
    description: `environment ${environment}`,
    commands: {
      create: `cloudlift create_environment -e ${environment}`,
      update: `cloudlift update_environment -e ${environment}`,
    },
  };
}

/** The stack parameters create/update pass, as the original did (no KeyPair for Fargate-only environments). */
export function environmentParameters(
  environment: string,
  config: EnvironmentConfig,
): Record<string, string> {
  return {
    Environment: environment,
    ...(isEc2Cluster(config.cluster) ? { KeyPair: config.cluster.key_name } : {}),
  };
}

/** Prints the configuration's warnings (e.g. a fleet skipped because its minimum is 0). */
export function warnAbout(ctx: Context, environment: string, config: EnvironmentConfig): void {
  for (const problem of environmentProblems(environment, config)) {
    if (problem.level === 'warning') {
      ctx.ui.warn(`${problem.field}: ${problem.message}`);
    }
  }
}

/** Creates the environment. */
export async function createEnvironment(ctx: Context, request: CreateEnvironmentRequest): Promise<void> {
  const { environment } = request;
  const store = await openConfigStore(ctx);
  const stored = await store.loadEnvironment(environment);
  const input = await environmentInput(ctx, store, stored, request);
  const { config } = input;
  warnAbout(ctx, environment, config);
  const subject = environmentStack(environment, config);
  const { createStack, refuseExistingStack } = await import('./stacks.js');
  await refuseExistingStack(ctx, subject);
  ctx.ui.step('Checking that everything the configuration names exists...');
  const facts = await environmentPreflight(ctx, environment, config, 'create');
  if (input.save !== undefined) {
    await store.saveEnvironment(environment, input.document, input.save);
    ctx.ui.success(
      `Saved the configuration of ${environment} (environment_configurations, region ${store.region}).`,
    );
  }
  const { environmentTemplate } = await import('../cdk/templates.js');
  const template = environmentTemplate(config, { environment, ...facts, cloudliftVersion });
  await createStack(ctx, { ...subject, template, parameters: environmentParameters(environment, config) });
  // edit_config first: create_service refuses an app whose env.sample keys are not in Parameter Store yet.
  ctx.ui.recommend([
    `cloudlift edit_config -e ${environment} --set KEY=VALUE   # in your app folder: the variables its env.sample lists`,
    `cloudlift create_service -e ${environment}                # then its services in this environment`,
    `cloudlift update_environment -e ${environment} --edit     # change instance counts, types, ...`,
  ]);
}
