// The KEY=VALUE text format of edit_config (editor buffer, --from-file, --list): parsing with line-numbered problems,
// key and value rules, and serialization. Pure: the same rules check the editor, files and --set flags.

/**
 * Keys we accept. The original allowed `^[\w|\.|\-|\/]+$`; `|` was a regex slip that SSM rejects anyway, and `/`
 * creates a nested parameter that the non-recursive read (and so deploy) never sees again, so both are dropped.
 */
export const keyPattern = /^[A-Za-z0-9_.-]+$/;

/** SSM limits: a name the caller chooses may be 1011 characters; values 4 KB (Standard) or 8 KB (Advanced). */
export const maxParameterNameLength = 1011;
/** Values above this many UTF-8 bytes need the Advanced tier. */
export const standardValueLimit = 4096;
/** The largest value SSM stores at all (Advanced tier). */
export const advancedValueLimit = 8192;

/** One problem in a KEY=VALUE text, with its 1-based line number. */
export interface EnvProblem {
  line: number;
  message: string;
}

/** The outcome of parsing a KEY=VALUE text. */
export interface ParsedEnv {
  /** Keys in the order they appear. */
  values: Record<string, string>;
  problems: EnvProblem[];
}

/** The UTF-8 size of a value, which is what SSM's limits count. */
export function byteLength(value: string): number {
  return new TextEncoder().encode(value).length;
}

/**
 * Why `key` cannot be an SSM parameter under `prefix`, or undefined when it can. An invalid key is never quoted: a
 * line such as `postgres://user:pass@host/db?x=1` would otherwise print a secret.
 */
export function checkKey(key: string, prefix = ''): string | undefined {
  if (key === '') {
    return 'the key before "=" is empty';
  }
  if (!keyPattern.test(key)) {
    return `invalid key before "="${keyAdvice(key)}: a key uses letters, digits, "_", "." and "-" only`;
  }
  if (prefix.length + key.length > maxParameterNameLength) {
    return `the key is too long: a parameter name has at most ${maxParameterNameLength} characters`;
  }
  return undefined;
}

function keyAdvice(key: string): string {
  if (/^export\s/.test(key)) {
    return ' (remove the leading "export ")';
  }
  if (key !== key.trimEnd()) {
    return ' (remove the spaces before "=")';
  }
  return '';
}

/**
 * Why `value` cannot be stored for `key`, or undefined when it can. Never quotes the value. `removal` says how to
 * remove the variable instead where it came from (a line of a file by default; `--unset KEY` for --set).
 */
export function checkValue(
  key: string,
  value: string,
  removal = `delete the line to remove ${key}`,
): string | undefined {
  if (value === '') {
    return `${key} has an empty value, which Parameter Store cannot hold: give it a value, or ${removal}`;
  }
  const size = byteLength(value);
  if (size > advancedValueLimit) {
    return `the value of ${key} is ${size} bytes; Parameter Store holds at most ${advancedValueLimit} bytes`;
  }
  return undefined;
}

/**
 * Parses KEY=VALUE lines the original's way (each line trimmed, blank lines and `#` comments skipped, split at the
 * first `=`) and reports every problem with its line number instead of crashing on the first.
 */
export function parseEnvText(text: string, prefix = ''): ParsedEnv {
  const values: Record<string, string> = {};
  const firstSeen = new Map<string, number>();
  const problems: EnvProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      return;
    }
    const equals = trimmed.indexOf('=');
    if (equals < 0) {
      // The line is not quoted: it may be a secret pasted without its key.
      problems.push({ line, message: 'no "=" on this line: every line is KEY=VALUE' });
      return;
    }
    const key = trimmed.slice(0, equals);
    const value = trimmed.slice(equals + 1);
    const problem = checkKey(key, prefix) ?? checkValue(key, value);
    if (problem !== undefined) {
      problems.push({ line, message: problem });
      return;
    }
    const earlier = firstSeen.get(key);
    if (earlier !== undefined) {
      problems.push({ line, message: `${key} is already set on line ${earlier}; keep one of the two lines` });
      return;
    }
    firstSeen.set(key, line);
    values[key] = value;
  });
  return { values, problems };
}

/**
 * True when a value survives a round trip through one KEY=VALUE line: no line breaks, and no trailing whitespace
 * (lines are trimmed, as the original did).
 */
export function fitsOnLine(value: string): boolean {
  return value !== '' && !/[\r\n]/.test(value) && value === value.trimEnd();
}

/** Keys sorted the way the original listed them (plain code-unit order, as Python's `sorted`). */
export function sortedKeys(values: Readonly<Record<string, string>>): string[] {
  return Object.keys(values).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `KEY=VALUE` lines sorted by key, newline-terminated (empty string for no keys). */
export function serializeEnv(values: Readonly<Record<string, string>>): string {
  return sortedKeys(values)
    .map((key) => `${key}=${values[key] ?? ''}\n`)
    .join('');
}

/** The values that cannot be shown as one line, split from those that can. */
export function splitByLineFit(values: Readonly<Record<string, string>>): {
  lines: Record<string, string>;
  kept: string[];
} {
  const lines: Record<string, string> = {};
  const kept: string[] = [];
  for (const key of sortedKeys(values)) {
    const value = values[key] ?? '';
    if (fitsOnLine(value)) {
      lines[key] = value;
    } else {
      kept.push(key);
    }
  }
  return { lines, kept };
}

/** One line per problem, `line N: message`, for error details. */
export function describeProblems(problems: readonly EnvProblem[]): string[] {
  return problems.map((problem) => `line ${problem.line}: ${problem.message}`);
}

/** The variables `--set KEY=VALUE ... --unset KEY ...` ask for, checked; problems never quote a value. */
export interface Assignments {
  set: Record<string, string>;
  unset: string[];
  problems: string[];
}

/** Checks `--set`/`--unset` arguments: KEY=VALUE syntax, key rules, no key twice, no key both set and unset. */
export function parseAssignments(
  setTokens: readonly string[],
  unsetTokens: readonly string[],
  prefix = '',
): Assignments {
  const set: Record<string, string> = {};
  const unset: string[] = [];
  const problems: string[] = [];
  setTokens.forEach((token, index) => {
    const equals = token.indexOf('=');
    if (equals < 0) {
      problems.push(`--set argument ${index + 1} has no "=": write --set KEY=VALUE`);
      return;
    }
    const key = token.slice(0, equals);
    const value = token.slice(equals + 1);
    const problem = checkKey(key, prefix) ?? checkValue(key, value, `remove ${key} with --unset ${key}`);
    if (problem !== undefined) {
      problems.push(`--set argument ${index + 1}: ${problem}`);
    } else if (Object.hasOwn(set, key)) {
      problems.push(`--set gives ${key} twice; give it once`);
    } else {
      set[key] = value;
    }
  });
  unsetTokens.forEach((key, index) => {
    const problem = checkKey(key, prefix);
    if (problem !== undefined) {
      problems.push(
        `--unset argument ${index + 1} is not a valid key: ${problem.split(': ').pop() ?? problem}`,
      );
    } else if (Object.hasOwn(set, key)) {
      problems.push(`${key} is both set and unset; choose one`);
    } else if (!unset.includes(key)) {
      unset.push(key);
    }
  });
  return { set, unset, problems };
}
