// Flags shared by many commands, defined once so they read the same everywhere.
import { Option } from '@commander-js/extra-typings';
import { Option as PlainOption } from 'commander';
import type { Command as PlainCommand } from 'commander';
import { UsageError } from '../errors.js';

/** `-e, --environment <name>`: asked for on a terminal when missing, as in the original. */
export function environmentOption() {
  return new Option(
    '-e, --environment <name>',
    'Environment name, e.g. staging (asked for on a terminal when not given; required in scripts).',
  );
}

/** `--name <app>`: defaults to the current folder's name, spinal-cased, as in the original. */
export function nameOption() {
  return new Option(
    '--name <app>',
    'Your service name, give the name of repo (default: the current folder name, spinal-cased).',
  );
}

/** `--config-file <file>`: the non-interactive twin of the editor; `-` reads stdin. */
export function configFileOption() {
  return new Option(
    '--config-file <file>',
    'Read the configuration from a JSON file instead of opening an editor (`-` for stdin).',
  );
}

/** Global options, accepted before or after the command name. */
export function addGlobalOptions<T>(command: T): T {
  (command as unknown as PlainCommand)
    .addOption(
      new PlainOption('--profile <name>', 'AWS profile to use (default: AWS_PROFILE or the default chain).'),
    )
    .addOption(
      new PlainOption(
        '--region <region>',
        'AWS region of the configuration tables (default: AWS_DEFAULT_REGION).',
      ),
    )
    .addOption(new PlainOption('-y, --yes', 'Answer yes to every confirmation; never wait for input.'))
    .addOption(new PlainOption('--json', 'Print machine-readable JSON on stdout (read commands).'))
    .addOption(new PlainOption('--no-color', 'Do not use colours (also honoured: NO_COLOR).'))
    .addOption(
      new PlainOption('--verbose', 'Print more detail about what cloudlift does (never secret values).'),
    );
  return command;
}

/** Pairs `--build-arg NAME VALUE` tokens (docker's `--build-arg NAME=VALUE` form works too). */
export function pairBuildArgs(tokens: readonly string[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  const list = [...(tokens ?? [])];
  for (let index = 0; index < list.length; index += 1) {
    const token = list[index] ?? '';
    const equals = token.indexOf('=');
    if (equals > 0) {
      result[token.slice(0, equals)] = token.slice(equals + 1);
      continue;
    }
    const value = list[index + 1];
    if (value === undefined) {
      throw new UsageError(`--build-arg ${token} has no value`, {
        hint: 'Give a name and a value: --build-arg NAME VALUE (or --build-arg NAME=VALUE).',
      });
    }
    result[token] = value;
    index += 1;
  }
  return result;
}
