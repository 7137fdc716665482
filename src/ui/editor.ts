// Opens text in the user's editor ($VISUAL, $EDITOR, then vim/nano/vi) through a private temp file that is always
// removed: secrets pass through it, so the folder is 0700, the file 0600, and cleanup also runs on signals.
import { spawn } from 'node:child_process';
import { accessSync, constants, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Env } from '../context.js';
import { CloudliftError, InterruptedError, UsageError } from '../errors.js';
import type { Ui } from './output.js';

/** Options of one edit. */
export interface EditOptions {
  /** File name suffix that picks the editor's syntax mode, e.g. `.env` or `.json`. */
  suffix: string;
  /** Where VISUAL, EDITOR and PATH are read. @default process.env */
  env?: Env;
  /** The run's Ctrl-C signal; an interrupted edit changes nothing. */
  signal?: AbortSignal;
  /** The non-interactive alternative, shown when there is no terminal and no editor configured. */
  noEditorHint?: string;
  /** Whether a person sits at a terminal. @default stdin and stderr are TTYs */
  terminal?: boolean;
}

/** The editors tried, in order, when neither $VISUAL nor $EDITOR is set (click's fallback list). */
export const fallbackEditors = ['vim', 'nano', 'vi'] as const;

/**
 * The editor command to run: $VISUAL, then $EDITOR, then the first of vim/nano/vi on PATH (only on a terminal:
 * without one a full-screen editor would hang a CI job).
 */
export function resolveEditor(env: Env, terminal: boolean, noEditorHint?: string): string {
  for (const variable of ['VISUAL', 'EDITOR'] as const) {
    const value = env[variable]?.trim();
    if (value !== undefined && value !== '') {
      if (!terminal && isTerminalEditor(value)) {
        // vi without a terminal waits forever for keys nobody types (a CI job hangs until its timeout).
        throw new UsageError(
          `No editor to open: $${variable} is ${value}, which needs a terminal, and there is none`,
          {
            hint:
              noEditorHint ??
              'Run the command in a terminal, or set $VISUAL to an editor that opens its own window.',
          },
        );
      }
      return value;
    }
  }
  if (!terminal) {
    throw new UsageError('No editor to open: there is no terminal, and neither $VISUAL nor $EDITOR is set', {
      hint: noEditorHint ?? 'Run the command in a terminal, or set $EDITOR.',
    });
  }
  for (const name of fallbackEditors) {
    if (onPath(name, env)) {
      return name;
    }
  }
  throw new CloudliftError(
    'NoEditor',
    'No editor found: $VISUAL and $EDITOR are not set and vim, nano, vi are missing',
    {
      hint: 'Set one, for example `export EDITOR=nano`, and run the command again.',
    },
  );
}

/**
 * Editors that only draw in the terminal they run in, so they cannot work without one (emacs is left out: with a
 * display it opens a window). GUI editors (`code --wait`) and scripts work without a terminal.
 */
const terminalEditors = new Set(['vi', 'vim', 'nvim', 'nano', 'pico', 'mg', 'micro', 'joe', 'hx']);

function isTerminalEditor(command: string): boolean {
  const program = command.split(/\s+/)[0] ?? '';
  return terminalEditors.has(program.slice(program.lastIndexOf('/') + 1));
}

function onPath(name: string, env: Env): boolean {
  return (env.PATH ?? '').split(delimiter).some((folder) => {
    if (folder === '') {
      return false;
    }
    try {
      accessSync(join(folder, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Lets the user edit `text` and returns the saved text, or undefined when it was not changed. A non-zero editor
 * exit is an error and nothing is returned. The temp folder is removed in every case.
 */
export async function editText(ui: Ui, text: string, options: EditOptions): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const terminal = options.terminal ?? (process.stdin.isTTY === true && ui.options.stderr.isTTY === true);
  const editor = resolveEditor(env, terminal, options.noEditorHint);
  if (isAborted(options.signal)) {
    throw new InterruptedError('Interrupted before the editor opened: nothing was changed');
  }
  const folder = await mkdtemp(join(tmpdir(), 'cloudlift-'));
  const removeNow = (): void => rmSync(folder, { recursive: true, force: true });
  const onTerminate = (signal: NodeJS.Signals): void => {
    removeNow();
    process.off(signal, onTerminate);
    process.kill(process.pid, signal); // let the default action end the process, now that the secret is gone
  };
  // A second Ctrl-C makes main.ts call process.exit, which skips `finally`: the exit hook still removes the file.
  process.on('exit', removeNow);
  process.on('SIGTERM', onTerminate);
  process.on('SIGHUP', onTerminate);
  try {
    await chmod(folder, 0o700);
    const file = join(folder, `edit${options.suffix}`);
    await writeFile(file, text, { mode: 0o600, flag: 'wx' });
    ui.debug(`Opening ${file} with ${editor}`);
    await runEditor(editor, file, env);
    if (isAborted(options.signal)) {
      throw new InterruptedError('Interrupted while editing: nothing was changed');
    }
    const saved = await readSaved(file);
    return saved === text ? undefined : saved;
  } finally {
    await rm(folder, { recursive: true, force: true });
    process.off('exit', removeNow);
    process.off('SIGTERM', onTerminate);
    process.off('SIGHUP', onTerminate);
  }
}

/** A function, not an inline check: TypeScript would keep the narrowing from before the editor ran. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Runs `<editor> "<file>"` through /bin/sh so editor values with arguments (`code --wait`) work. */
function runEditor(editor: string, file: string, env: Env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], {
      stdio: 'inherit',
      env: { ...env },
    });
    child.on('error', (error) =>
      reject(
        new CloudliftError('EditorFailed', `could not start the editor "${editor}": ${error.message}`, {
          hint: 'Check $VISUAL/$EDITOR; nothing was changed.',
        }),
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve();
        return;
      }
      const how = signal === null ? `exited with status ${code ?? 'unknown'}` : `was stopped by ${signal}`;
      reject(
        new CloudliftError('EditorFailed', `editor ${how}; nothing was changed`, {
          hint: `Check that "${editor}" works (it comes from $VISUAL/$EDITOR), then run the command again.`,
        }),
      );
    });
  });
}

async function readSaved(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new CloudliftError('EditorFailed', 'the edited file is gone (the editor deleted or moved it)', {
      hint: 'Nothing was changed. Save the file in place and run the command again.',
    });
  }
}
