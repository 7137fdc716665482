// deploy_service and the task-definition commands that share its flags.
import { Command, Option } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption, nameOption } from '../options.js';
import { notBuilt } from './not-built.js';

function buildArgOption() {
  return new Option(
    '--build-arg <NAME VALUE...>',
    'These args are passed to docker build command as --build-args. Supports multiple. Please leave space between name and value.',
  );
}

function versionOption() {
  return new Option('--version <tag>', 'local image version tag (default: the git commit sha, or "dirty").');
}

export function deployServiceCommand(runner: Runner) {
  return new Command('deploy_service')
    .alias('deploy-service')
    .summary('Build, push and roll out a new version of the app')
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(versionOption())
    .addOption(buildArgOption())
    .action(runner.handle(notBuilt('deploy_service', 'issue 6')));
}

export function createTaskDefinitionCommand(runner: Runner) {
  return new Command('create_task_definition')
    .alias('create-task-definition')
    .summary('Create a stand-alone task definition (for one-off or scheduled tasks)')
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(versionOption())
    .addOption(buildArgOption())
    .action(runner.handle(notBuilt('create_task_definition', 'issue 6')));
}

export function updateTaskDefinitionCommand(runner: Runner) {
  return new Command('update_task_definition')
    .alias('update-task-definition')
    .summary('Update a stand-alone task definition with a new image and environment')
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(versionOption())
    .addOption(buildArgOption())
    .action(runner.handle(notBuilt('update_task_definition', 'issue 6')));
}
