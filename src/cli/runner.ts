// Connects commander actions to handlers: builds the Context from the parsed global options, then runs the handler.
import type { Context, GlobalOptions } from '../context.js';

/** Builds the Context for one command run (main.ts supplies the real one, tests may supply their own). */
export type ContextFactory = (globals: GlobalOptions) => Context;

/** A command handler: parse → ask → call one use case → render. */
export type Handler<O> = (context: Context, options: O) => Promise<void>;

interface RawGlobals {
  profile?: string;
  region?: string;
  yes?: boolean;
  json?: boolean;
  color?: boolean;
  verbose?: boolean;
}

/** Reads the global options from a command and all its parents. */
export function globalsOf(command: { optsWithGlobals(): object }): GlobalOptions {
  const raw = command.optsWithGlobals() as RawGlobals;
  return {
    profile: raw.profile,
    region: raw.region,
    yes: raw.yes === true,
    json: raw.json === true,
    color: raw.color !== false,
    verbose: raw.verbose === true,
  };
}

/** Wraps handlers as commander actions. */
export class Runner {
  constructor(private readonly makeContext: ContextFactory) {}

  handle<O>(handler: Handler<O>): (options: O, command: { optsWithGlobals(): object }) => Promise<void> {
    return async (options, command) => {
      const context = this.makeContext(globalsOf(command));
      await handler(context, options);
    };
  }
}
