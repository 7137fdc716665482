// The edit flow for JSON configuration documents (environment and service configs): open the editor (or read
// --config-file), validate, reopen on error when a person is there, show what changes, confirm.
import { canonicalJson, diffDocuments, jsonChangeRows } from '../../core/config/json-diff.js';
import { AbortedError, ValidationError, isCloudliftError } from '../../errors.js';
import type { Context } from '../../context.js';
import { editText } from '../../ui/editor.js';
import { renderTable } from '../../ui/tables.js';
import { parseJson, readConfigFile } from './input-file.js';

/** What to edit and how to check it. */
export interface EditDocumentOptions<Parsed> {
  /** The stored document, or the defaults for a new record. */
  current: Record<string, unknown>;
  /** Validates an edited document; throws ValidationError (from parseOrThrow) when it is invalid. */
  parse: (document: Record<string, unknown>) => Parsed;
  /** For messages: "environment configuration of staging". */
  what: string;
  /** `--config-file` value: a path, or `-` for stdin. */
  configFile?: string;
  /** True when nothing is stored yet: the defaults are saved even when left unchanged. */
  isNew: boolean;
  /** The question asked before saving. */
  question?: string;
  /** Without a terminal or editor: how to get a file for --config-file (e.g. the show_ command that prints it). */
  noEditorHint?: string;
  /** Turns an accepted alternative layout (e.g. the stored item with its wrapper) into the document to save. */
  unwrap?: (document: Record<string, unknown>) => Record<string, unknown>;
}

/** The accepted document, or undefined when there is nothing to save. */
export interface EditedDocument<Parsed> {
  document: Record<string, unknown>;
  parsed: Parsed;
}

/** Runs the edit flow and returns the document to save (undefined: nothing changed, nothing to do). */
export async function editDocument<Parsed>(
  ctx: Context,
  options: EditDocumentOptions<Parsed>,
): Promise<EditedDocument<Parsed> | undefined> {
  const candidate =
    options.configFile !== undefined
      ? await readEditedFile(ctx, options.configFile, options)
      : await editInEditor(ctx, options);
  if (candidate === undefined) {
    return undefined;
  }
  const changes = diffDocuments(options.current, candidate.document);
  if (changes.length === 0 && !options.isNew) {
    ctx.ui.info(
      options.configFile === undefined
        ? `No changes made to the ${options.what}.`
        : `No changes made: ${options.configFile === '-' ? 'stdin' : options.configFile} is the same as the stored ${options.what}.`,
    );
    return undefined;
  }
  if (changes.length > 0) {
    ctx.ui.step(`Changes to the ${options.what}:`);
    ctx.ui.info(
      renderTable(['Type', 'Config', 'Old value', 'New value'], jsonChangeRows(changes), ctx.ui.colors),
    );
  }
  const confirmed = await ctx.ui.confirm(options.question ?? `Save the ${options.what}?`, {
    defaultAnswer: false,
  });
  if (!confirmed) {
    throw new AbortedError(`Changes aborted: the ${options.what} was not saved`);
  }
  return candidate;
}

async function readEditedFile<Parsed>(
  ctx: Context,
  file: string,
  options: EditDocumentOptions<Parsed>,
): Promise<EditedDocument<Parsed>> {
  const document = (options.unwrap ?? identity)(await readConfigFile(ctx, file));
  return { document, parsed: options.parse(document) };
}

async function editInEditor<Parsed>(
  ctx: Context,
  options: EditDocumentOptions<Parsed>,
): Promise<EditedDocument<Parsed> | undefined> {
  let text = canonicalJson(options.current);
  for (;;) {
    const edited = await editText(ctx.ui, text, {
      suffix: '.json',
      env: ctx.env,
      signal: ctx.signal,
      noEditorHint:
        options.noEditorHint ??
        'Pass --config-file FILE (or - for stdin) with the JSON configuration instead.',
    });
    if (edited === undefined && text === canonicalJson(options.current)) {
      if (!options.isNew) {
        ctx.ui.info(`No changes made to the ${options.what}.`);
        return undefined;
      }
      ctx.ui.info('Using the default configuration.');
    }
    const attempt = edited ?? text;
    try {
      const document = (options.unwrap ?? identity)(parseJson(attempt, 'the edited configuration'));
      return { document, parsed: options.parse(document) };
    } catch (error) {
      if (!isCloudliftError(error) || !(error instanceof ValidationError) || !ctx.ui.options.interactive) {
        throw error;
      }
      ctx.ui.failure(error.message);
      for (const line of error.details) {
        ctx.ui.info(`  ${line}`);
      }
      const reopen = await ctx.ui.confirm('Reopen the editor to fix it?', { defaultAnswer: true });
      if (!reopen) {
        throw new AbortedError(`Changes aborted: the ${options.what} was not saved`);
      }
      text = attempt;
    }
  }
}

const identity = (document: Record<string, unknown>): Record<string, unknown> => document;
