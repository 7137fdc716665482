// create_service / update_service: the service stack built from the service configuration.
import { Command } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption, nameOption } from '../options.js';
import { notBuilt } from './not-built.js';

export function createServiceCommand(runner: Runner) {
  return new Command('create_service')
    .alias('create-service')
    .summary('Create a new service. This can contain multiple ECS services')
    .addOption(environmentOption())
    .addOption(nameOption())
    .action(runner.handle(notBuilt('create_service', 'issue 4')));
}

export function updateServiceCommand(runner: Runner) {
  return new Command('update_service')
    .alias('update-service')
    .summary('Update existing service.')
    .addOption(environmentOption())
    .addOption(nameOption())
    .action(runner.handle(notBuilt('update_service', 'issue 4')));
}
