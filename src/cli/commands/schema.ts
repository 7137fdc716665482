// schema: print the JSON Schema of a configuration document, for editor autocompletion and CI checks.
import { Argument, Command } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';

const kinds = ['environment', 'service'] as const;

export function schemaCommand(runner: Runner) {
  return new Command('schema')
    .summary('Print the JSON Schema of the environment or service configuration')
    .addArgument(
      new Argument('<kind>', 'Which configuration: environment (the <env> document) or service.').choices(
        kinds,
      ),
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  cloudlift schema environment > environment.schema.json\n' +
        '  cloudlift schema service > service.schema.json   # "$schema" in your editor for autocompletion',
    )
    .action((kind, _options, command) =>
      // The runner passes options first; this command's input is its argument, handed over as an option.
      runner.handle(async (ctx, input: { kind: (typeof kinds)[number] }) => {
        const schema =
          input.kind === 'environment'
            ? (await import('../../core/config/environment.js')).environmentJsonSchema()
            : (await import('../../core/config/service.js')).serviceConfigJsonSchema();
        ctx.ui.json(schema);
      })({ kind }, command),
    );
}
