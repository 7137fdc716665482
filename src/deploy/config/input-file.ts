// What --config-file and --from-file name: a file (relative to the working folder) or `-` for stdin, and the JSON
// configuration documents read from them.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Context } from '../../context.js';
import { CloudliftError, ValidationError } from '../../errors.js';

/** The text of `path` (relative to `cwd`), or of stdin when `path` is `-`. */
export async function readInputText(cwd: string, path: string): Promise<string> {
  if (path !== '-') {
    return readFile(resolve(cwd, path), 'utf8');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON object `--config-file file` names (`-`: stdin); a file that cannot be read is a usage error (exit 2). */
export async function readConfigFile(
  ctx: Pick<Context, 'cwd'>,
  file: string,
): Promise<Record<string, unknown>> {
  const text = await readInputText(ctx.cwd, file).catch((error: unknown) => {
    throw new CloudliftError(
      'ConfigFileUnreadable',
      `Cannot read --config-file ${file}: ${(error as Error).message}`,
      {
        hint: 'Check the path (relative to the current folder), or pass - to read the configuration from stdin.',
        exitCode: 2,
      },
    );
  });
  return parseJson(text, file === '-' ? 'stdin' : file);
}

/** Parses JSON, reporting the line and column of a syntax error with the offending line. */
export function parseJson(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const details: string[] = [];
    let where = '';
    if (position?.[1] !== undefined) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset).split('\n');
      const line = before.length;
      const column = (before[before.length - 1] ?? '').length + 1;
      where = ` at line ${line}, column ${column}`;
      details.push(`${line}: ${text.split('\n')[line - 1] ?? ''}`);
    }
    throw new ValidationError(
      `Invalid JSON in ${source}${where}: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
      {
        code: 'InvalidJson',
        details,
        hint: 'Fix the JSON syntax (quotes, commas, brackets) and try again.',
      },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(`Invalid configuration in ${source}: expected a JSON object`, {
      code: 'InvalidJson',
      hint: 'The configuration is a JSON object, e.g. {"services": {...}}.',
    });
  }
  return value as Record<string, unknown>;
}
