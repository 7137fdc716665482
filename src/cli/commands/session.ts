// start_session: a shell on an instance running the app's tasks.
import { Command } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption, nameOption } from '../options.js';
import { notBuilt } from './not-built.js';

export function startSessionCommand(runner: Runner) {
  return new Command('start_session')
    .alias('start-session')
    .summary('Start SSH session in instance running a current service task')
    .addOption(environmentOption())
    .addOption(nameOption())
    .option('--mfa <code>', 'MFA code.')
    .option('--component <name>', 'nested service name')
    .action(runner.handle(notBuilt('start_session', 'issue 7')));
}
