// deploy_service and the task-definition commands that share its flags.
import { Command, Option } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption, nameOption, pairBuildArgs } from '../options.js';
import { resolveAppName, resolveEnvironment } from '../resolve.js';
import { deployDefaults, parseCount, parseDuration } from '../../core/release/deploy-settings.js';
import { UsageError } from '../../errors.js';

function buildArgOption() {
  return new Option(
    '--build-arg <NAME VALUE...>',
    'These args are passed to docker build command as --build-args. Supports multiple. Please leave space between name and value.',
  );
}

function versionOption() {
  return new Option(
    '--version <tag>',
    'local image version tag: a commit sha, branch or tag of this repository (resolved to its commit sha) or an image tag in ECR (default: the git commit sha, or "dirty").',
  );
}

interface DeployFlags {
  environment?: string;
  name?: string;
  version?: string;
  buildArg?: string[];
  timeout?: string;
  maxFailedTasks?: string;
  concurrency?: string;
  force?: true;
  forceUnlock?: true;
}

const deployExamples = `
Examples:
  cloudlift deploy_service -e staging                      # build (if needed), push, roll out, wait
  cloudlift deploy_service -e staging --version v1.4.0     # deploy the image of a git tag already in ECR
  cloudlift deploy_service -e staging --build-arg NPM_TOKEN "$NPM_TOKEN" --timeout 20m
  cloudlift deploy_service -e staging --force              # new tasks even if nothing changed
  cloudlift deploy_service -e staging --force-unlock       # after a crashed run left its deploy lock behind

Exit codes: 0 deployed (or nothing to do), 1 error before rolling out, 2 bad input (flags, env.sample),
3 failed (new tasks keep stopping), 4 rolled back by the ECS circuit breaker, 5 timed out (ECS may still finish),
6 ECS cannot place the tasks (no room in the cluster), 130 interrupted (ECS keeps rolling out).`;

/** Turns the waiting flags into numbers, or a usage error naming the flag. */
export function deploySettings(flags: Pick<DeployFlags, 'timeout' | 'maxFailedTasks' | 'concurrency'>): {
  timeoutMs: number;
  maxFailedTasks: number;
  concurrency: number;
} {
  const timeoutMs = flags.timeout === undefined ? deployDefaults.timeoutMs : parseDuration(flags.timeout);
  if (timeoutMs === undefined) {
    throw new UsageError(`--timeout ${flags.timeout ?? ''} is not a duration`, {
      hint: 'Use seconds or a unit: --timeout 600, --timeout 90s, --timeout 15m.',
    });
  }
  const count = (flag: string, value: string | undefined, fallback: number): number => {
    const parsed = value === undefined ? fallback : parseCount(value);
    if (parsed === undefined) {
      throw new UsageError(`${flag} ${value ?? ''} is not a whole number of at least 1`, {
        hint: `For example ${flag} ${fallback}.`,
      });
    }
    return parsed;
  };
  return {
    timeoutMs,
    maxFailedTasks: count('--max-failed-tasks', flags.maxFailedTasks, deployDefaults.maxFailedTasks),
    concurrency: count('--concurrency', flags.concurrency, deployDefaults.concurrency),
  };
}

export function deployServiceCommand(runner: Runner) {
  return new Command('deploy_service')
    .alias('deploy-service')
    .summary('Build, push and roll out a new version of the app')
    .description(
      'Builds the image (only when ECR does not have its tag), pushes it, registers a new task definition for every ECS ' +
        'service of the app (image + env.sample variables from Parameter Store), rolls them out and waits for an honest verdict.',
    )
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(versionOption())
    .addOption(buildArgOption())
    .addOption(
      new Option('--timeout <duration>', 'How long to wait for each service (e.g. 600, 90s, 15m).').default(
        '10m',
      ),
    )
    .addOption(
      new Option(
        '--max-failed-tasks <n>',
        'Stop waiting after this many tasks of the new version failed in a row.',
      ).default(String(deployDefaults.maxFailedTasks)),
    )
    .addOption(
      new Option('--concurrency <n>', 'How many ECS services roll out at once.').default(
        String(deployDefaults.concurrency),
      ),
    )
    .addOption(
      new Option('--force', 'Deploy even when every service already runs this image and configuration.'),
    )
    .addOption(
      new Option(
        '--force-unlock',
        'Break the deploy lock left by a crashed deploy or rollback (only when nothing else is deploying).',
      ),
    )
    .addHelpText('after', deployExamples)
    .action(
      runner.handle(async (context, flags: DeployFlags) => {
        const settings = deploySettings(flags);
        const buildArgs = pairBuildArgs(flags.buildArg);
        const environment = await resolveEnvironment(context, flags.environment);
        const app = resolveAppName(context, flags.name);
        const { deployService } = await import('../../deploy/release/deploy-service.js');
        const { recordDeploy } = await import('../../deploy/release/releases.js');
        const lock = { app, environment, forceUnlock: flags.forceUnlock === true };
        await recordDeploy(context, lock, (recording) =>
          deployService(context, {
            environment,
            app,
            ...(flags.version === undefined ? {} : { version: flags.version }),
            buildArgs,
            force: flags.force === true,
            settings: { timeoutMs: settings.timeoutMs, maxFailedTasks: settings.maxFailedTasks },
            concurrency: settings.concurrency,
            recording,
          }),
        );
      }),
    );
}

interface TaskDefinitionFlags {
  environment?: string;
  name?: string;
  version?: string;
  buildArg?: string[];
}

function taskDefinitionCommand(runner: Runner, mode: 'create' | 'update') {
  return new Command(`${mode}_task_definition`)
    .alias(`${mode}-task-definition`)
    .summary(
      mode === 'create'
        ? 'Create a stand-alone task definition (for one-off or scheduled tasks)'
        : 'Update a stand-alone task definition with a new image and environment',
    )
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(versionOption())
    .addOption(buildArgOption())
    .action(
      runner.handle(async (context, flags: TaskDefinitionFlags) => {
        const buildArgs = pairBuildArgs(flags.buildArg);
        const environment = await resolveEnvironment(context, flags.environment);
        const app = resolveAppName(context, flags.name);
        const useCase = await import('../../deploy/release/task-definition.js');
        const options = {
          environment,
          app,
          buildArgs,
          ...(flags.version === undefined ? {} : { version: flags.version }),
        };
        await (mode === 'create'
          ? useCase.createTaskDefinition(context, options)
          : useCase.updateTaskDefinition(context, options));
      }),
    );
}

export function createTaskDefinitionCommand(runner: Runner) {
  return taskDefinitionCommand(runner, 'create');
}

export function updateTaskDefinitionCommand(runner: Runner) {
  return taskDefinitionCommand(runner, 'update');
}
