// render_environment: print the environment stack's CloudFormation template (YAML, or JSON with --json); with
// --config-file it never calls AWS, so it fits reviews and CI diffs.
import { Command, Option } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption } from '../options.js';
import { resolveEnvironment } from '../resolve.js';

interface RenderEnvironmentFlags {
  environment?: string;
  configFile?: string;
  az?: string;
  amiId?: string;
  desiredOnDemand?: string;
  desiredSpot?: string;
}

export function renderEnvironmentCommand(runner: Runner) {
  return new Command('render_environment')
    .alias('render-environment')
    .summary('Print the CloudFormation template of an environment (changes nothing)')
    .description(
      'Print the cluster-<env> template for a configuration file (the <env> document or the stored layout), without ' +
        'calling AWS; without --config-file, the stored configuration is read (read only).',
    )
    .addOption(environmentOption())
    .addOption(
      new Option(
        '--config-file <file>',
        'Render this JSON configuration file instead of the stored one; never calls AWS (`-` for stdin).',
      ),
    )
    .addOption(
      new Option(
        '--az <zones>',
        'The two availability zones, e.g. us-east-1a,us-east-1b (default: <region>a,<region>b).',
      ),
    )
    .addOption(
      new Option('--ami-id <ami>', 'AMI of the EC2 hosts (default: the placeholder ami-00000000000000000).'),
    )
    .addOption(
      new Option(
        '--desired-on-demand <n>',
        'Desired on-demand instances, as update_environment keeps them (default: the minimum).',
      ),
    )
    .addOption(new Option('--desired-spot <n>', 'Desired spot instances (default: the minimum).'))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  cloudlift render_environment -e staging --config-file staging.json > cluster-staging.yml\n' +
        '  cloudlift render_environment -e staging --config-file staging.json --json | jq .Outputs\n' +
        '  cloudlift show_environment -e staging | cloudlift render_environment -e staging --config-file -',
    ) // prettier-ignore
    .action(
      runner.handle(async (ctx, flags: RenderEnvironmentFlags) => {
        const environment = await resolveEnvironment(ctx, flags.environment);
        const { renderEnvironment } = await import('../../deploy/environment/render-environment.js');
        const template = await renderEnvironment(ctx, {
          environment,
          configFile: flags.configFile,
          availabilityZones: flags.az,
          amiId: flags.amiId,
          desiredOnDemand: flags.desiredOnDemand,
          desiredSpot: flags.desiredSpot,
        });
        if (ctx.globals.json) {
          ctx.ui.json(template);
        } else {
          const { templateToYaml } = await import('../../core/templates/yaml.js');
          ctx.ui.data(templateToYaml(template));
        }
      }),
    );
}
