// create_environment / update_environment: the environment (VPC + ECS cluster) stack.
import { Command, Option } from '@commander-js/extra-typings';
import { environmentQuestions } from '../../core/config/environment-answers.js';
import type { Answers } from '../../core/config/environment-answers.js';
import type { Runner } from '../runner.js';
import { configFileOption, environmentOption } from '../options.js';
import { resolveEnvironment } from '../resolve.js';

type Flags = Record<string, string | boolean | undefined>;

/** The options attribute of a question's flag (`--env-region` → `envRegion`). */
const attribute = (flag: string): string => new Option(`${flag} <value>`).attributeName();

/** The creation questions' answers given as flags. */
function answersFrom(flags: Flags): Answers {
  const answers: Answers = {};
  for (const question of environmentQuestions) {
    const value = flags[attribute(question.flag)];
    if (typeof value === 'string') {
      answers[question.key] = value;
    }
  }
  return answers;
}

export function createEnvironmentCommand(runner: Runner) {
  const command = new Command('create_environment')
    .alias('create-environment')
    .summary('Create a new environment')
    .description(
      'Create a new environment: configure it (the stored configuration, --config-file, or the questions below, ' +
        'each also a flag), check that what it names exists, save it, then create the cluster-<env> stack.',
    )
    .addOption(environmentOption())
    .addOption(
      new Option(
        '--config-file <file>',
        'Read the whole configuration from a JSON file instead of the questions (`-` for stdin).',
      ),
    );
  for (const question of environmentQuestions) {
    command.addOption(new Option(`${question.flag} ${question.placeholder}`, question.description));
  }
  return command
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  cloudlift create_environment -e staging                    # answer the questions on the terminal\n' +
        '  cloudlift create_environment -e staging --yes --vpc-cidr 10.10.0.0/16 --nat-eip-allocation-id eipalloc-0abc \\\n' +
        '      --key-name staging --notifications-arn arn:aws:sns:... --ssl-certificate-arn arn:aws:acm:...\n' +
        '  cloudlift create_environment -e sandbox --config-file sandbox.json --yes',
    )
    .action(
      runner.handle(async (ctx, flags: Flags) => {
        const environment = await resolveEnvironment(ctx, flags.environment as string | undefined);
        const { createEnvironment } = await import('../../deploy/environment/create-environment.js');
        await createEnvironment(ctx, {
          environment,
          ...(typeof flags.configFile === 'string' ? { configFile: flags.configFile } : {}),
          answers: answersFrom(flags),
        });
      }),
    );
}

export function updateEnvironmentCommand(runner: Runner) {
  return new Command('update_environment')
    .alias('update-environment')
    .summary('Update environment')
    .description(
      'Apply the stored configuration (or a new one from --config-file, or edited with --edit) to the cluster-<env> ' +
        'stack: preview the change set, confirm, update. Each fleet keeps its running size.',
    )
    .addOption(environmentOption())
    .addOption(configFileOption())
    .option('--edit', 'Edit the stored configuration in $VISUAL/$EDITOR first (the original always did).')
    .option('--update_ecs_agents', 'Update ECS container agents.')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  cloudlift update_environment -e staging --edit          # edit, preview, confirm\n' +
        '  cloudlift update_environment -e staging --config-file staging.json --yes\n' +
        '  cloudlift update_environment -e staging --update_ecs_agents',
    )
    .action(
      runner.handle(
        async (
          ctx,
          flags: { environment?: string; configFile?: string; edit?: boolean; update_ecs_agents?: boolean },
        ) => {
          const environment = await resolveEnvironment(ctx, flags.environment);
          const { updateEnvironment } = await import('../../deploy/environment/update-environment.js');
          await updateEnvironment(ctx, {
            environment,
            ...(flags.configFile === undefined ? {} : { configFile: flags.configFile }),
            edit: flags.edit === true,
            updateEcsAgents: flags.update_ecs_agents === true,
          });
        },
      ),
    );
}
