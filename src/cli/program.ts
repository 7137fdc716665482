// The command tree, as data: every command of the original (underscore names, kebab-case aliases) plus ours.
import { Command } from '@commander-js/extra-typings';
import { addGlobalOptions } from './options.js';
import { Runner } from './runner.js';
import type { ContextFactory } from './runner.js';
import { commandFactories } from './commands/index.js';
import { cloudliftVersion } from '../version.js';

/** Builds the whole program; `makeContext` is called once a command actually runs. */
export function buildProgram(makeContext: ContextFactory): Command {
  const runner = new Runner(makeContext);
  const program = new Command('cloudlift')
    .description(
      'Cloudlift launches dockerized services in AWS ECS: environments and services through CloudFormation, ' +
        'environment variables in SSM Parameter Store, and one-command deploys you can trust.',
    )
    .version(`cloudlift, version ${cloudliftVersion}`, '-V, --version', 'Print the cloudlift version.')
    // Program options only before the command name, so `deploy_service --version <tag>` reaches the command.
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    // A fixed width keeps help identical on every terminal, so the build can pre-render `cloudlift --help`.
    .configureHelp({ helpWidth: 120 })
    .helpCommand(true);
  addGlobalOptions(program);
  for (const factory of commandFactories) {
    const command = addGlobalOptions(factory(runner)) as Command;
    command.configureHelp({ helpWidth: 120 });
    program.addCommand(command);
  }
  return program;
}
