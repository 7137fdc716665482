// edit_config: the app's environment variables in SSM Parameter Store, by editor or by flags (for CI and scripts).
import { Command, Option } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption, nameOption } from '../options.js';
import { resolveAppName, resolveEnvironment } from '../resolve.js';
import { UsageError } from '../../errors.js';
import type { EditSource } from '../../deploy/config/edit-config.js';

interface EditConfigFlags {
  name?: string;
  environment?: string;
  set?: string[];
  unset?: string[];
  fromFile?: string;
  list?: true;
  reveal?: true;
  allowEmpty?: true;
}

const examples = `
Examples:
  cloudlift edit_config -e staging                          # edit KEY=VALUE lines in $VISUAL/$EDITOR
  cloudlift edit_config -e staging --set PORT=80 --unset DEBUG --yes
  cloudlift edit_config -e staging --from-file .env.staging  # replace all variables with the file's
  cloudlift edit_config -e staging --list                    # masked; add --reveal for full values
  cloudlift edit_config -e staging --list --json --reveal > staging.json

Values are SecureString parameters /<env>/<app>/<KEY>. They are masked everywhere unless --reveal is given.
Running containers get new values at the next deploy_service.`;

/** Which source the flags select; mixing incompatible flags is a usage error. */
export function editSource(flags: EditConfigFlags): EditSource | 'list' {
  const hasFlags = (flags.set?.length ?? 0) > 0 || (flags.unset?.length ?? 0) > 0;
  if (flags.allowEmpty === true && (flags.fromFile === undefined || flags.list === true)) {
    throw new UsageError('--allow-empty only applies to --from-file', {
      hint: 'Use --from-file FILE --allow-empty to replace the variables with an empty file (removing them all).',
    });
  }
  if (flags.list === true) {
    if (hasFlags || flags.fromFile !== undefined) {
      throw new UsageError('--list cannot be combined with --set, --unset or --from-file', {
        hint: 'Run --list on its own to read, then a second command to change.',
      });
    }
    return 'list';
  }
  if (flags.fromFile !== undefined) {
    if (hasFlags) {
      throw new UsageError('--from-file replaces every variable and cannot be combined with --set/--unset', {
        hint: 'Put the changes in the file, or use --set/--unset without --from-file.',
      });
    }
    return { kind: 'file', path: flags.fromFile, allowEmpty: flags.allowEmpty === true };
  }

  if (hasFlags) {
    return { kind: 'flags', set: flags.set ?? [], unset: flags.unset ?? [] };
  }
  return { kind: 'editor' };
}

export function editConfigCommand(runner: Runner) {
  return new Command('edit_config')
    .alias('edit-config')
    .summary('Command used to create or update the configuration in parameter store')
    .description(
      "Create, change or remove the app's environment variables in SSM Parameter Store: in your editor, " +
        'or with --set/--unset/--from-file in scripts. Shows a masked change table and asks before applying.',
    )
    .addOption(nameOption())
    .addOption(environmentOption())
    .addOption(new Option('--set <KEY=VALUE...>', 'Set variables without an editor (repeatable).'))
    .addOption(new Option('--unset <KEY...>', 'Remove variables without an editor (repeatable).'))
    .addOption(
      new Option(
        '--from-file <file>',
        'Replace ALL variables with the KEY=VALUE lines of a file (`-` for stdin); the same preview is shown.',
      ),
    )
    .addOption(
      new Option(
        '--allow-empty',
        'Let a --from-file source with no KEY=VALUE lines remove every variable (refused otherwise).',
      ),
    )
    .addOption(
      new Option('--list', 'Print the variables as KEY=VALUE lines (masked); with --json, one JSON object.'),
    )
    .addOption(
      new Option('--reveal', 'Show full values in --list and in the change table (masked by default).'),
    )
    .addHelpText('after', examples)
    .action(
      runner.handle(async (context, flags: EditConfigFlags) => {
        const source = editSource(flags);
        const environment = await resolveEnvironment(context, flags.environment);
        const app = resolveAppName(context, flags.name);
        const reveal = flags.reveal === true;
        const useCase = await import('../../deploy/config/edit-config.js');
        if (source === 'list') {
          await useCase.listConfig(context, { environment, app, reveal });
          return;
        }
        await useCase.editConfig(context, { environment, app, source, reveal });
      }),
    );
}
