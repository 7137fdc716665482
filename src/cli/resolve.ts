// Resolves the environment and app name every command needs, the way the original did, with clearer errors.
import { basename } from 'node:path';
import { appNameFromDirectory } from '../core/naming.js';
import { checkAppName, checkEnvironmentName } from '../core/names.js';
import { UsageError } from '../errors.js';
import type { Context } from '../context.js';

/** The `-e` value, asked for on a terminal when missing (the original prompted `environment:`). */
export async function resolveEnvironment(context: Context, given: string | undefined): Promise<string> {
  const environment =
    given ?? (await context.ui.ask('environment', { flag: '-e/--environment <name>' })).trim();
  const problem = checkEnvironmentName(environment);
  if (problem !== undefined) {
    throw new UsageError(`Invalid environment name "${environment}": ${problem}`, {
      hint: 'Use letters, digits and dashes, starting with a letter or digit, e.g. -e staging.',
    });
  }
  if (environment === 'production' || environment === 'prod') {
    context.ui.warn(`You are working on ${context.ui.colors.bold(environment.toUpperCase())}.`);
  }
  return environment;
}

/** The `--name` value, or the current folder's name spinal-cased (logged, as the original did). */
export function resolveAppName(context: Context, given: string | undefined): string {
  let app = given;
  if (app === undefined) {
    app = appNameFromDirectory(basename(context.cwd));
    context.ui.info(`Assuming the service name to be: ${app}`);
  }
  const problem = checkAppName(app);
  if (problem !== undefined) {
    throw new UsageError(`Invalid service name "${app}": ${problem}`, {
      hint:
        given === undefined
          ? 'Run the command from your app folder or pass --name <app>.'
          : 'Use lower-case letters, digits and dashes, starting with a letter, e.g. --name my-app.',
    });
  }
  return app;
}
