// The one error vocabulary of cloudlift: every failure a user can see is a CloudliftError with a stable code.

/** Process exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  deployFailed: 3,
  deployRolledBack: 4,
  deployTimedOut: 5,
  deployUnplaceable: 6,
  interrupted: 130,
} as const;

/** Extra facts an error carries besides its message. */
export interface ErrorOptions {
  /** One or two sentences with the exact next step (usually a command to run). */
  hint?: string;
  cause?: unknown;
  /** @default ExitCode.failed */
  exitCode?: number;
  /** A soft error (for example a declined confirmation) is printed in yellow, not as a failure. */
  soft?: boolean;
  /** Extra lines printed under the message (for example every failed resource). */
  details?: readonly string[];
}

/** Base class of every error cloudlift expects; only main.ts prints them and sets the exit code. */
export class CloudliftError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: number;
  readonly soft: boolean;
  readonly details: readonly string[];

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = code;
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.failed;
    this.soft = options.soft ?? false;
    this.details = options.details ?? [];
  }
}

/** Bad flags or arguments: exit 2. */
export class UsageError extends CloudliftError {
  constructor(message: string, options: Omit<ErrorOptions, 'exitCode'> = {}) {
    super('UsageError', message, { ...options, exitCode: ExitCode.usage });
  }
}

/** Invalid configuration or input caught before any AWS write: exit 2. */
export class ValidationError extends CloudliftError {
  constructor(message: string, options: Omit<ErrorOptions, 'exitCode'> & { code?: string } = {}) {
    super(options.code ?? 'ValidationError', message, { ...options, exitCode: ExitCode.usage });
  }
}

/** The user declined a confirmation: a soft failure, exit 1, so `cloudlift x && next` stops. */
export class AbortedError extends CloudliftError {
  constructor(message = 'Aborted: nothing was changed') {
    super('Aborted', message, { soft: true });
  }
}

/** Ctrl-C: exit 130 after saying what state things were left in. */
export class InterruptedError extends CloudliftError {
  constructor(message: string, hint?: string) {
    super('Interrupted', message, { hint, exitCode: ExitCode.interrupted });
  }
}

/** Two people changed the same thing at once; ours lost and nothing was written. */
export class ConflictError extends CloudliftError {
  constructor(message: string, hint: string) {
    super('Conflict', message, { hint });
  }
}

/** Narrows unknown values caught in catch blocks. */
export function isCloudliftError(error: unknown): error is CloudliftError {
  return error instanceof CloudliftError;
}

/** The message of anything thrown, for wrapping. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
