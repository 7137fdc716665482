// show_environment / edit_environment / show_service: the stored configuration records, without touching stacks.
import { Command } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { configFileOption, environmentOption, nameOption } from '../options.js';
import { resolveAppName, resolveEnvironment } from '../resolve.js';

export function showEnvironmentCommand(runner: Runner) {
  return new Command('show_environment')
    .alias('show-environment')
    .summary("Print an environment's stored configuration (JSON on stdout)")
    .addOption(environmentOption())
    .addHelpText('after', '\nExample:\n  cloudlift show_environment -e staging > staging.json')
    .action(
      runner.handle(async (ctx, flags: { environment?: string }) => {
        const environment = await resolveEnvironment(ctx, flags.environment);
        const { showEnvironment } = await import('../../deploy/config/config-records.js');
        await showEnvironment(ctx, environment);
      }),
    );
}

export function editEnvironmentCommand(runner: Runner) {
  return new Command('edit_environment')
    .alias('edit-environment')
    .summary("Edit an environment's stored configuration (apply it later with update_environment)")
    .addOption(environmentOption())
    .addOption(configFileOption())
    .addHelpText(
      'after',
      '\nExamples:\n  cloudlift edit_environment -e staging                        # in $VISUAL/$EDITOR\n' +
        '  cloudlift edit_environment -e staging --config-file staging.json --yes',
    )
    .action(
      runner.handle(async (ctx, flags: { environment?: string; configFile?: string }) => {
        const environment = await resolveEnvironment(ctx, flags.environment);
        const { editEnvironment } = await import('../../deploy/config/config-records.js');
        await editEnvironment(ctx, environment, { configFile: flags.configFile });
      }),
    );
}

export function showServiceCommand(runner: Runner) {
  return new Command('show_service')
    .alias('show-service')
    .summary("Print an app's stored service configuration (JSON on stdout)")
    .addOption(environmentOption())
    .addOption(nameOption())
    .addHelpText('after', '\nExample:\n  cloudlift show_service -e staging --name my-app')
    .action(
      runner.handle(async (ctx, flags: { environment?: string; name?: string }) => {
        const environment = await resolveEnvironment(ctx, flags.environment);
        const app = resolveAppName(ctx, flags.name);
        const { showService } = await import('../../deploy/config/config-records.js');
        await showService(ctx, app, environment);
      }),
    );
}
