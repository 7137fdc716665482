// edit_config: the app's environment variables in SSM Parameter Store.
import { Command } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption, nameOption } from '../options.js';
import { notBuilt } from './not-built.js';

export function editConfigCommand(runner: Runner) {
  return new Command('edit_config')
    .alias('edit-config')
    .summary('Command used to create or update the configuration in parameter store')
    .addOption(nameOption())
    .addOption(environmentOption())
    .action(runner.handle(notBuilt('edit_config', 'issue 5')));
}
