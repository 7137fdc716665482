// create_task_definition / update_task_definition: a stand-alone task definition `<App><Env>Family` (for one-off
// or scheduled tasks) with the app's image and env.sample secrets, in the environment's region (the original
// hard-coded ap-south-1).
import type { Context } from '../../context.js';
import { ecsApi } from '../../aws/ecs.js';
import { roleApi } from '../../aws/iam.js';
import {
  configTagKey,
  diffRegistrations,
  nextRegistration,
  registrationOf,
  sameRegistration,
} from '../../core/release/task-definition.js';
import type { RegistrationDiff, TaskRegistration, TaskTag } from '../../core/release/task-definition.js';
import {
  logGroupName,
  pascalName,
  standaloneContainerName,
  standaloneTaskFamily,
  standaloneTaskRole,
  taskExecutionRoleName,
} from '../../core/naming.js';
import { CloudliftError } from '../../errors.js';
import { shortArn } from '../../ui/rollout.js';
import { changedVariables, changedVariablesLine, ledgerOnce } from './config-changes.js';
import { environmentRegion } from '../config/config-store.js';
import { ensureImage, locateImage, resolveVersion } from './image.js';
import type { ImageTarget } from './image.js';
import { loadReleaseConfig } from './release-config.js';
import type { ReleaseConfig } from './release-config.js';

/** What the task-definition commands were asked to do. */
export interface TaskDefinitionOptions {
  environment: string;
  app: string;
  version?: string;
  buildArgs: Readonly<Record<string, string>>;
}

/** The read-only preparation both commands share: region, env.sample check, version and image lookup. */
async function prepare(ctx: Context, options: TaskDefinitionOptions, verb: 'Create' | 'Update') {
  const { environment, app } = options;
  const region = await environmentRegion(ctx, environment);
  ctx.ui.warn(`${verb} task definition to ${region}`);
  const config = await loadReleaseConfig(ctx, { environment, app, region });
  const version = await resolveVersion(ctx, options.version);
  ctx.ui.info(`name: ${app} | environment: ${environment} | version: ${version.tag}`);
  ctx.ui.step('Checking image in ECR');
  const image = await locateImage(ctx, app, region, version);
  const ecs = await ecsApi(ctx, region);
  const family = standaloneTaskFamily(app, environment);
  const existing = await ecs.listTaskDefinitions(family);
  return { region, config, image, ecs, family, existing };
}

/** The container of a new stand-alone task definition (the original's shape). */
export function standaloneContainer(
  app: string,
  environment: string,
  region: string,
  image: string,
  config: ReleaseConfig,
) {
  return {
    name: standaloneContainerName(app),
    image,
    essential: true,
    secrets: config.secrets.map((secret) => ({ ...secret })),
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        'awslogs-stream-prefix': pascalName(app),
        'awslogs-group': logGroupName(environment),
        'awslogs-region': region,
      },
    },
    memoryReservation: 1024,
  };
}

/** Registers revision 1 of `<App><Env>Family`; refuses when the family exists (update_task_definition changes it). */
export async function createTaskDefinition(ctx: Context, options: TaskDefinitionOptions): Promise<string> {
  const { environment, app } = options;
  const { region, config, image, ecs, family, existing } = await prepare(ctx, options, 'Create');
  if (existing.length > 0) {
    throw new CloudliftError(
      'TaskDefinitionExists',
      `Task definition ${family} already exists in ${region} (${shortArn(existing[0] ?? '')})`,
      {
        hint: `Change it with \`cloudlift update_task_definition -e ${environment} --name ${app}\`; a new one from scratch would drop its settings.`,
      },
    );
  }
  const roles = await roleApi(ctx);
  const executionRoleArn = await roles.arnOf(taskExecutionRoleName);
  if (executionRoleArn === undefined) {
    throw new CloudliftError(
      'ExecutionRoleMissing',
      `IAM role ${taskExecutionRoleName} does not exist in this account`,
      {
        hint: 'Create it as described in https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html (with SSM read access), then run the command again.',
      },
    );
  }
  await ensureImage(ctx, app, image, options.buildArgs);
  ctx.ui.step('Creating task definition');
  const taskRole = await roles.ensureTaskRole(standaloneTaskRole(app, environment));
  ctx.ui.info(`${taskRole.created ? 'Created' : 'Using'} task role ${taskRole.arn}`);
  const registration: TaskRegistration = {
    family,
    containerDefinitions: [standaloneContainer(app, environment, region, image.uri, config)],
    volumes: [],
    taskRoleArn: taskRole.arn,
    executionRoleArn,
    networkMode: 'bridge',
    tags: [{ key: configTagKey, value: config.fingerprint }],
  };
  const arn = await ecs.registerTaskDefinition(registration);
  ctx.ui.success(`Task definition successfully created: ${shortArn(arn)}`);
  return arn;
}

/** Registers the next revision of `<App><Env>Family` with the new image and secrets (previous revisions are kept). */
export async function updateTaskDefinition(ctx: Context, options: TaskDefinitionOptions): Promise<string> {
  const { environment, app } = options;
  const { region, config, image, ecs, family, existing } = await prepare(ctx, options, 'Update');
  const latest = existing[0];
  if (latest === undefined) {
    throw new CloudliftError('TaskDefinitionNotFound', `No task definition ${family} in ${region}`, {
      hint: `Create it with \`cloudlift create_task_definition -e ${environment} --name ${app}\`. (Services' task definitions change with deploy_service.)`,
    });
  }
  const current = await ecs.describeTaskDefinition(latest);
  const currentRegistration = registrationOf(current.definition, current.tags);
  let next = nextRegistration(currentRegistration, {
    image: image.uri,
    tag: image.version.tag,
    secrets: config.secrets,
    configFingerprint: config.fingerprint,
  });
  const diff = diffRegistrations(currentRegistration, next);
  printDiff(ctx, diff, image);
  if (diff.configChanged) {
    await describeConfigChange(ctx, options, current, config);
  }
  if (sameRegistration(currentRegistration, next) && !image.version.alwaysBuild) {
    ctx.ui.success(
      `Task definition ${shortArn(current.arn)} already has this image and configuration; nothing to do`,
    );
    return current.arn;
  }
  await ensureImage(ctx, app, image, options.buildArgs);
  ctx.ui.step('Updating task definition');
  if (typeof next.taskRoleArn !== 'string' || next.taskRoleArn === '') {
    const taskRole = await (await roleApi(ctx)).ensureTaskRole(standaloneTaskRole(app, environment));
    next = { ...next, taskRoleArn: taskRole.arn };
  }
  const arn = await ecs.registerTaskDefinition(next);
  ctx.ui.success(
    `Task definition successfully updated: ${shortArn(arn)} (previous ${shortArn(current.arn)} is kept)`,
  );
  return arn;
}

/** Names the variables whose values changed since `current` was registered, as deploy_service does (never values). */
async function describeConfigChange(
  ctx: Context,
  options: TaskDefinitionOptions,
  current: { arn: string; tags: readonly TaskTag[] },
  config: ReleaseConfig,
): Promise<void> {
  // Secrets reference parameter ARNs, which a new value does not change: the version fingerprint tag tells.
  const label = shortArn(current.arn);
  ctx.ui.info(`Values changed in Parameter Store since ${label} was registered (or were never recorded)`);
  const ledger = ledgerOnce(ctx, options.app, options.environment);
  const keys = await changedVariables(true, current.tags, config.versions, ledger);
  const line = keys === undefined ? undefined : changedVariablesLine(keys, `the versions of ${label}`);
  if (line !== undefined) {
    ctx.ui.info(line);
  }
}

function printDiff(ctx: Context, diff: RegistrationDiff, image: ImageTarget): void {
  if (diff.images.length === 0) {
    ctx.ui.info('No change in image version');
  }
  for (const change of diff.images) {
    ctx.ui.info(
      `Changed image of container '${change.container}' to: "${change.to}" (was: "${change.from}")`,
    );
  }
  for (const secret of diff.secrets) {
    ctx.ui.info(`Variable ${secret.name}: ${secret.from} → ${secret.to}`);
  }
  if (diff.secrets.length === 0 && !diff.configChanged) {
    ctx.ui.info('No change in environment variables');
  }
  ctx.ui.debug(`image ${image.uri}`);
}
