// create_service / update_service: the service stack built from the service configuration.
import { Command } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { configFileOption, environmentOption, nameOption } from '../options.js';
import { resolveAppName, resolveEnvironment } from '../resolve.js';
import { fluentbitImageOption } from './render-service.js';

interface ServiceFlags {
  environment?: string;
  name?: string;
  configFile?: string;
  fluentbitImage?: string;
}

const examples = (command: string) =>
  `\nExamples:\n  cloudlift ${command} -e staging                                  # edit the configuration in $VISUAL/$EDITOR\n` +
  `  cloudlift ${command} -e staging --name my-app --config-file service.json --yes\n` +
  '\nThe configuration is described in docs/services.md; `cloudlift render_service` shows the template first.';

export function createServiceCommand(runner: Runner) {
  return new Command('create_service')
    .alias('create-service')
    .summary('Create a new service. This can contain multiple ECS services')
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(configFileOption())
    .addOption(fluentbitImageOption())
    .addHelpText('after', examples('create_service'))
    .action(
      runner.handle(async (ctx, flags: ServiceFlags) => {
        const environment = await resolveEnvironment(ctx, flags.environment);
        const app = resolveAppName(ctx, flags.name);
        const { createService } = await import('../../deploy/service/create-service.js');
        await createService(ctx, {
          app,
          environment,
          configFile: flags.configFile,
          fluentbitImage: flags.fluentbitImage,
        });
      }),
    );
}

export function updateServiceCommand(runner: Runner) {
  return new Command('update_service')
    .alias('update-service')
    .summary('Update existing service.')
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(configFileOption())
    .addOption(fluentbitImageOption())
    .addHelpText('after', examples('update_service'))
    .action(
      runner.handle(async (ctx, flags: ServiceFlags) => {
        const environment = await resolveEnvironment(ctx, flags.environment);
        const app = resolveAppName(ctx, flags.name);
        const { updateService } = await import('../../deploy/service/update-service.js');
        await updateService(ctx, {
          app,
          environment,
          configFile: flags.configFile,
          fluentbitImage: flags.fluentbitImage,
        });
      }),
    );
}
