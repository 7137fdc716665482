// Shared validation helpers for the zod configuration schemas: readable errors that name the field path, and
// "did you mean" for misspelt keys without rejecting the extra keys the original Cloudlift allowed.
import { z } from 'zod';
import { ValidationError } from '../../errors.js';

/** Edit distance between two short strings (keys), for suggestions. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

/** The known key closest to `key` when it is plausibly a typo of it. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (
      distance > 0 &&
      distance <= Math.max(1, Math.floor(candidate.length / 4)) &&
      (!best || distance < best.distance)
    ) {
      best = { key: candidate, distance };
    }
  }
  return best?.key;
}

/**
 * An object schema that keeps unknown keys (the original allowed them, and configs written by other Cloudlift versions
 * must load unchanged) but reports a key that looks like a typo of a known one.
 */
export function lenientObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.looseObject(shape).superRefine(
    (value, context) => {
      for (const key of Object.keys(value)) {
        if (known.includes(key)) {
          continue;
        }
        const suggestion = suggestKey(key, known);
        if (suggestion !== undefined) {
          context.addIssue({
            code: 'custom',
            path: [key],
            message: `unknown key "${key}" (did you mean "${suggestion}"?)`,
            params: { typo: true },
          });
        }
      }
    },
    // Also when the object has other problems: a misspelt required key is reported as missing too, and the
    // suggestion is what tells the user what to fix (zod skips refinements after such issues by default).
    { when: (payload) => isPlainObject(payload.value) },
  );
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isTypo = (issue: z.core.$ZodIssue): boolean => issue.code === 'custom' && issue.params?.typo === true;

/** A short, quoted rendering of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) {
        return `is required (${article(issue.expected)})`;
      }
      return `expected ${article(issue.expected)}, got ${describeValue(issue.input)}`;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `${issue.message.replace(/^Too small: /, '')}`
        : `must be at least ${String(issue.minimum)}, got ${describeValue(issue.input)}`;
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `${issue.message.replace(/^Too big: /, '')}`
        : `must be at most ${String(issue.maximum)}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => describeValue(value)).join(', ')}, got ${describeValue(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    case 'custom':
      return issue.message;
    default:
      return issue.input === undefined
        ? issue.message
        : `${issue.message} (got ${describeValue(issue.input)})`;
  }
}

/** `a.b.0.c` for a zod path, or `(top level)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map((segment) => String(segment)).join('.');
}

/** One line per problem: `services.Web.http_interface.container_port: expected a number, got "80"`. */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): string[] {
  // Typos first: they usually explain the other lines (the key they misspell is then missing).
  const ordered = [...issues.filter(isTypo), ...issues.filter((issue) => !isTypo(issue))];
  return ordered.map((issue) => `${formatPath([...prefix, ...issue.path])}: ${issueMessage(issue)}`);
}

/** Validates `value`, returning the parsed value or throwing a ValidationError listing every problem. */
export function parseOrThrow<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  options: { what: string; hint: string; prefix?: readonly PropertyKey[] },
): z.output<Schema> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) {
    return result.data;
  }
  const lines = formatIssues(result.error.issues, options.prefix);
  const first = lines[0] ?? 'invalid';
  const more =
    lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : '';
  throw new ValidationError(`Invalid ${options.what}: ${first}${more}`, {
    code: 'InvalidConfig',
    details: lines.length > 1 ? lines : [],
    hint: options.hint,
  });
}

/** The JSON Schema of a configuration schema, for editor autocompletion (fields with defaults are optional). */
export function jsonSchemaOf(schema: z.ZodType, title: string): Record<string, unknown> {
  return { title, ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) };
}
