// render_service: print the service stack's CloudFormation template (YAML, or JSON with --json); changes nothing.
import { Command, Option } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption, nameOption } from '../options.js';
import { resolveAppName, resolveEnvironment } from '../resolve.js';

/** `--fluentbit-image <uri>`: the FireLens log router image when the environment configuration names none. */
export function fluentbitImageOption() {
  return new Option(
    '--fluentbit-image <uri>',
    'Image of the fluent-bit log router for services logging through awsfirelens, when the environment has no service_defaults.fluentbit_config.image_uri.',
  );
}

export function renderServiceCommand(runner: Runner) {
  return new Command('render_service')
    .alias('render-service')
    .summary('Print the CloudFormation template of a service (changes nothing)')
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(
      new Option(
        '--config-file <file>',
        'Render this JSON configuration file instead of the stored one (`-` for stdin).',
      ),
    )
    .addOption(
      new Option(
        '--offline',
        'Never call AWS: needs --config-file; the VPC, subnets, listeners and account are placeholders.',
      ),
    )
    .addOption(fluentbitImageOption())
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  cloudlift render_service -e staging                          # the stored configuration, facts from AWS\n' +
        '  cloudlift render_service -e staging --config-file service.json --offline > template.yml\n' +
        '  cloudlift render_service -e staging --json | jq .Resources',
    )
    .action(
      runner.handle(
        async (
          ctx,
          flags: {
            environment?: string;
            name?: string;
            configFile?: string;
            offline?: boolean;
            fluentbitImage?: string;
          },
        ) => {
          const environment = await resolveEnvironment(ctx, flags.environment);
          const app = resolveAppName(ctx, flags.name);
          const { renderService } = await import('../../deploy/service/render-service.js');
          const template = await renderService(ctx, {
            app,
            environment,
            configFile: flags.configFile,
            offline: flags.offline === true,
            fluentbitImage: flags.fluentbitImage,
          });
          if (ctx.globals.json) {
            ctx.ui.json(template);
          } else {
            const { templateToYaml } = await import('../../core/templates/yaml.js');
            ctx.ui.data(templateToYaml(template));
          }
        },
      ),
    );
}
