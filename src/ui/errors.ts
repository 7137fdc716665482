// How a failure looks: one red line saying what is wrong, then the next step.
import { CloudliftError, messageOf } from '../errors.js';
import type { Ui } from './output.js';

/** Prints an error the way every cloudlift failure looks. */
export function printError(ui: Ui, error: unknown): void {
  const { colors } = ui;
  const write = (line: string): void => ui.raw(`${line}\n`);
  if (error instanceof CloudliftError) {
    write(error.soft ? colors.yellow(`✘ ${error.message}`) : colors.red(colors.bold(`✘ ${error.message}`)));
    for (const detail of error.details) {
      write(`  ${detail}`);
    }
    if (error.hint !== undefined) {
      write(`${colors.dim('→')} ${error.hint}`);
    }
    if (ui.options.verbose && error.cause !== undefined) {
      write(colors.dim(`  caused by: ${describe(error.cause)}`));
    }
    return;
  }
  write(colors.red(colors.bold(`✘ Unexpected error: ${messageOf(error)}`)));
  write(
    `${colors.dim('→')} This is a bug in cloudlift. Please report it with the command you ran and the output of --verbose.`,
  );
  if (ui.options.verbose && error instanceof Error && error.stack !== undefined) {
    write(colors.dim(error.stack));
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    return `${cause.name}: ${cause.message}`;
  }
  return String(cause);
}
