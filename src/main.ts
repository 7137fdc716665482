// Entry point: wires the Context, runs the command tree, and is the only place that prints errors and picks the
// exit code.
import type { Readable, Writable } from 'node:stream';
import { CommanderError } from '@commander-js/extra-typings';
import { AwsClients } from './aws/clients.js';
import { buildProgram } from './cli/program.js';
import { systemClock } from './context.js';
import type { Context, Env, GlobalOptions } from './context.js';
import { ChildProcessDocker } from './docker/docker.js';
import { CloudliftError, ExitCode, InterruptedError } from './errors.js';
import { Ui } from './ui/output.js';
import { printError } from './ui/errors.js';

/** The process streams and environment a run uses (tests pass their own). */
export interface Io {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  env: Env;
  cwd: string;
}

function processIo(): Io {
  // `cloudlift ... | head` closes the pipe early: stop quietly, as Unix tools do, instead of crashing on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      process.exit(ExitCode.ok);
    }
    throw error;
  });
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}

function makeUi(io: Io, globals: GlobalOptions): Ui {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  const forceColor = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0';
  return new Ui({
    stdout: io.stdout,
    stderr: io.stderr,
    color: globals.color && !noColor && (forceColor || io.stderr.isTTY === true),
    json: globals.json,
    verbose: globals.verbose,
    interactive: !globals.yes && io.stdin.isTTY === true && io.stderr.isTTY === true && io.env.CI !== 'true',
    yes: globals.yes,
  });
}

/** Global flags read straight from argv, for printing errors that happen before commander parsed anything. */
function roughGlobals(argv: readonly string[]): GlobalOptions {
  return {
    yes: argv.includes('--yes') || argv.includes('-y'),
    json: argv.includes('--json'),
    color: !argv.includes('--no-color'),
    verbose: argv.includes('--verbose'),
  };
}

/**
 * Where the MFA code of a profile with `mfa_serial` comes from: CLOUDLIFT_MFA_CODE (for scripts), else a question on
 * a terminal; without either, the AWS layer fails with a hint naming both.
 */
function mfaCodeProvider(env: Env, ui: Ui): ((serial: string) => Promise<string>) | undefined {
  const fromEnv = env.CLOUDLIFT_MFA_CODE;
  if (fromEnv !== undefined && fromEnv !== '') {
    return () => Promise.resolve(fromEnv);
  }
  return ui.options.interactive
    ? (serial) => ui.ask(`MFA code for ${serial}`, { flag: 'CLOUDLIFT_MFA_CODE=<code>' })
    : undefined;
}

/** Runs cloudlift with `argv` (without `node` and the script) and returns the exit code. */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let ui = makeUi(io, roughGlobals(argv));
  const interrupts = new AbortController();
  const lastChance = new Set<() => Promise<void>>();
  let interruptCount = 0;
  const onInterrupt = (): void => {
    interruptCount += 1;
    if (interruptCount > 1) {
      ui.raw('\n');
      ui.failure('Interrupted again: quitting now.');
      // Give registered clean-ups (such as releasing a deploy lock) a moment, but never hang on them.
      const tasks = [...lastChance].map((task) => task().catch(() => undefined));
      void Promise.race([Promise.all(tasks), new Promise((resolve) => setTimeout(resolve, 3000))]).then(() =>
        process.exit(ExitCode.interrupted),
      );
      return;
    }
    ui.raw('\n');
    ui.warn('Stopping (press Ctrl-C again to quit immediately)...');
    interrupts.abort(new InterruptedError('Interrupted'));
  };
  process.on('SIGINT', onInterrupt);

  const makeContext = (globals: GlobalOptions): Context => {
    ui = makeUi(io, globals);
    const contextUi = ui;
    return {
      ui: contextUi,
      aws: new AwsClients({
        profile: globals.profile,
        region: globals.region,
        env: io.env,
        mfaCodeProvider: mfaCodeProvider(io.env, contextUi),
      }),
      docker: new ChildProcessDocker(io.env),
      clock: systemClock,
      cwd: io.cwd,
      env: io.env,
      globals,
      signal: interrupts.signal,
      cleanups: {
        add: (task) => {
          lastChance.add(task);
          return () => lastChance.delete(task);
        },
      },
    };
  };

  const program = buildProgram(makeContext);
  // Commands added with addCommand() do not inherit these settings, so every command gets them: commander must
  // throw (so only this function picks the exit code) and write through our streams.
  for (const command of [program, ...program.commands]) {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(ui.colors.red(text)),
    });
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return commanderExitCode(error);
    }
    printError(ui, error);
    return error instanceof CloudliftError ? error.exitCode : ExitCode.failed;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** Help and --version exit 0; every parse error (unknown option, missing value) is a usage error. */
function commanderExitCode(error: CommanderError): number {
  const informational = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
  if (informational.includes(error.code) || error.exitCode === 0) {
    return ExitCode.ok;
  }
  return ExitCode.usage;
}
