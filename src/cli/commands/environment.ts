// create_environment / update_environment: the environment (VPC + ECS cluster) stack.
import { Command } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption } from '../options.js';
import { notBuilt } from './not-built.js';

export function createEnvironmentCommand(runner: Runner) {
  return new Command('create_environment')
    .alias('create-environment')
    .summary('Create a new environment')
    .description('Create a new environment: save its configuration, then create the cluster-<env> stack.')
    .addOption(environmentOption())
    .action(runner.handle(notBuilt('create_environment', 'issue 3')));
}

export function updateEnvironmentCommand(runner: Runner) {
  return new Command('update_environment')
    .alias('update-environment')
    .summary('Update environment')
    .description('Edit the environment configuration, preview the stack change set, confirm, and apply it.')
    .addOption(environmentOption())
    .option('--update_ecs_agents', 'Update ECS container agents.')
    .action(runner.handle(notBuilt('update_environment', 'issue 3')));
}
