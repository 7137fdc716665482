// The only code that writes to the terminal: messages and progress go to stderr, data to stdout.
import type { Writable } from 'node:stream';
import pc from 'picocolors';
import { InterruptedError, UsageError } from '../errors.js';

/** The colour functions of picocolors, switched on or off once. */
export type Colors = ReturnType<typeof pc.createColors>;

/** How the terminal behaves for this run. */
export interface UiOptions {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  /** Colours on stderr/stdout. */
  color: boolean;
  /** Machine-readable output was asked for (`--json`). */
  json: boolean;
  verbose: boolean;
  /** A person can answer prompts (stdin and stderr are terminals and --yes was not given). */
  interactive: boolean;
  /** `--yes`: every confirmation is answered yes. */
  yes: boolean;
  /** Why nobody is asked (`--yes`, `CI=true`, no terminal), for messages. @default "there is no terminal" */
  notAskingBecause?: string;
}

/** Terminal output and questions; one instance per run, built in main.ts. */
export class Ui {
  readonly colors: Colors;
  readonly options: UiOptions;

  constructor(options: UiOptions) {
    this.options = options;
    this.colors = pc.createColors(options.color);
  }

  /** True when stderr is a terminal that can be redrawn in place. */
  get isLiveTerminal(): boolean {
    return this.options.stderr.isTTY === true && this.options.color;
  }

  get width(): number {
    return this.options.stderr.columns ?? 100;
  }

  /** A plain progress or status line. */
  info(message: string): void {
    this.line(message);
  }

  /** A heading for a step of work. */
  step(message: string): void {
    this.line(this.colors.bold(message));
  }

  success(message: string): void {
    this.line(this.colors.green(`✔ ${message}`));
  }

  warn(message: string): void {
    this.line(this.colors.yellow(`! ${message}`));
  }

  /** A red line that is not (yet) fatal, e.g. one failed resource among several. */
  failure(message: string): void {
    this.line(this.colors.red(`✘ ${message}`));
  }

  /** Only with --verbose. Never pass secret values here. */
  debug(message: string): void {
    if (this.options.verbose) {
      this.line(this.colors.dim(message));
    }
  }

  /** Follow-up commands after success, one per line. */
  recommend(commands: readonly string[]): void {
    if (commands.length === 0) {
      return;
    }
    this.line(this.colors.bold('Next:'));
    for (const command of commands) {
      this.line(`  ${command}`);
    }
  }

  /** Raw text to stderr, without a newline (live redraws). */
  raw(text: string): void {
    this.options.stderr.write(text);
  }

  /** Data for scripts and pipes: stdout. */
  data(text: string): void {
    this.options.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A JSON document on stdout (`--json`). */
  json(value: unknown): void {
    this.data(JSON.stringify(value, null, 2));
  }

  /** A yes/no question; `--yes` answers yes, and without a terminal it refuses rather than wait. */
  async confirm(
    question: string,
    options: { defaultAnswer?: boolean; flagHint?: string } = {},
  ): Promise<boolean> {
    if (this.options.yes) {
      this.line(`${question} ${this.colors.dim('yes (--yes)')}`);
      return true;
    }
    if (!this.options.interactive) {
      throw new UsageError(
        `${question} needs an answer, and cloudlift does not ask here (${this.notAsking})`,
        {
          hint: options.flagHint ?? 'Pass --yes to answer yes in scripts and CI.',
        },
      );
    }
    const { confirm } = await import('@inquirer/prompts');
    return answered(question, () =>
      confirm(
        { message: question, default: options.defaultAnswer ?? false },
        { output: this.options.stderr },
      ),
    );
  }

  /** Asks for a value; without a terminal it fails naming the flag to pass instead. */
  async ask(
    question: string,
    options: { defaultValue?: string; flag: string; secret?: boolean },
  ): Promise<string> {
    if (!this.options.interactive) {
      throw new UsageError(
        `${question}: no value given, and cloudlift does not ask here (${this.notAsking})`,
        {
          hint: `Pass ${options.flag}.`,
        },
      );
    }
    const prompts = await import('@inquirer/prompts');
    if (options.secret === true) {
      return answered(question, () =>
        prompts.password({ message: question, mask: '*' }, { output: this.options.stderr }),
      );
    }
    return answered(question, () =>
      prompts.input(
        { message: question, default: options.defaultValue, required: options.defaultValue === undefined },
        { output: this.options.stderr },
      ),
    );
  }

  private get notAsking(): string {
    return this.options.notAskingBecause ?? 'there is no terminal';
  }

  private line(message: string): void {
    this.options.stderr.write(`${message}\n`);
  }
}

/** Runs a prompt; Ctrl-C at the prompt (inquirer's ExitPromptError) becomes a clean interruption, exit 130. */
async function answered<T>(question: string, prompt: () => Promise<T>): Promise<T> {
  try {
    return await prompt();
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') {
      throw new InterruptedError(`Interrupted at "${question}": the command stopped there`);
    }
    throw error;
  }
}
