// Connects commander actions to handlers: builds the Context from the parsed global options, then runs the handler.
import type { Context, GlobalOptions } from '../context.js';

/** Builds the Context for one command run (main.ts supplies the real one, tests may supply their own). */
export type ContextFactory = (globals: GlobalOptions) => Context;

/** A command handler: parse → ask → call one use case → render. */
export type Handler<O> = (context: Context, options: O) => Promise<void>;

/** The part of a commander command we read global options from. */
export interface OptionSource {
  readonly parent: OptionSource | null;
  getOptionValue(key: string): unknown;
  getOptionValueSource(key: string): string | undefined;
}

/**
 * A global option's value: the nearest command (the subcommand first, then the program) where the user actually set
 * it. commander's optsWithGlobals() lets the program's defaults win over the subcommand's flags, which would ignore
 * `cloudlift releases --no-color`.
 */
function given(command: OptionSource, key: string): unknown {
  for (let current: OptionSource | null = command; current !== null; current = current.parent) {
    const source = current.getOptionValueSource(key);
    if (source !== undefined && source !== 'default') {
      return current.getOptionValue(key);
    }
  }
  return undefined;
}

/** Reads the global options from a command and all its parents. */
export function globalsOf(command: OptionSource): GlobalOptions {
  const text = (key: string): string | undefined => {
    const value = given(command, key);
    return typeof value === 'string' ? value : undefined;
  };
  return {
    profile: text('profile'),
    region: text('region'),
    yes: given(command, 'yes') === true,
    json: given(command, 'json') === true,
    color: given(command, 'color') !== false,
    verbose: given(command, 'verbose') === true,
  };
}

/** Wraps handlers as commander actions. */
export class Runner {
  constructor(private readonly makeContext: ContextFactory) {}

  handle<O>(handler: Handler<O>): (options: O, command: OptionSource) => Promise<void> {
    return async (options, command) => {
      const context = this.makeContext(globalsOf(command));
      await handler(context, options);
    };
  }
}
