// The steps of edit_config after loading: the editor round (with re-open on invalid lines), the masked preview, the
// concurrent-edit check against SSM versions, and applying puts and chunked deletes with an honest partial report.
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from '../../context.js';
import { changeRows, countChanges } from '../../core/config/env-diff.js';
import type { ConfigChange } from '../../core/config/env-diff.js';
import {
  byteLength,
  describeProblems,
  parseEnvText,
  serializeEnv,
  splitByLineFit,
  standardValueLimit,
} from '../../core/config/env-file.js';
import { CloudliftError, ConflictError, ValidationError, isCloudliftError, messageOf } from '../../errors.js';
import { editText } from '../../ui/editor.js';
import { renderTable } from '../../ui/tables.js';
import type { EditConfigInput, LoadedConfig } from './edit-config.js';

type Target = Pick<EditConfigInput, 'environment' | 'app' | 'reveal'>;

/** The editor buffer: a commented header, then sorted KEY=VALUE lines. */
export function editorText(
  target: Target,
  prefix: string,
  lines: Record<string, string>,
  kept: string[],
): string {
  const header = [
    `# ${target.app} in ${target.environment}: environment variables in Parameter Store (${prefix}), stored as SecureString.`,
    '# One KEY=VALUE per line; delete a line to remove the variable. Lines starting with # are ignored.',
    '# Running containers get the new values at the next deploy_service.',
  ];
  if (kept.length > 0) {
    header.push(
      `# Not shown, kept as they are (multi-line values or trailing spaces; change them with --set/--unset): ${kept.join(', ')}`,
    );
  }
  return `${header.join('\n')}\n${serializeEnv(lines)}`;
}

/** What the user saved in the editor: the desired variables and the text they came from. */
export interface EditorResult {
  values: Record<string, string>;
  text: string;
}

/**
 * Opens the variables in the editor until they parse (on a terminal the user may re-open to fix problems; without
 * one, problems fail the run). Returns the desired variables, or undefined when nothing was changed.
 */
export async function editInEditor(
  ctx: Context,
  loaded: LoadedConfig,
  target: Target,
): Promise<EditorResult | undefined> {
  const { lines, kept } = splitByLineFit(loaded.values);
  const initial = editorText(target, loaded.prefix, lines, kept);
  const flagsHint = `Use \`cloudlift edit_config -e ${target.environment} --name ${target.app} --set KEY=VALUE --unset KEY\` or \`--from-file FILE\` in scripts.`;
  let text = initial;
  for (;;) {
    const saved = await editText(ctx.ui, text, {
      suffix: '.env',
      env: ctx.env,
      signal: ctx.signal,
      noEditorHint: flagsHint,
    });
    if (saved === undefined && text === initial) {
      return undefined;
    }
    const current = saved ?? text;
    const parsed = parseEnvText(current, loaded.prefix);
    if (parsed.problems.length === 0) {
      const desired = { ...parsed.values };
      for (const key of kept) {
        desired[key] ??= loaded.values[key] ?? '';
      }
      return { values: desired, text: current };
    }
    const problems = describeProblems(parsed.problems);
    const failure = new ValidationError(
      `The edited variables have ${problems.length} problem(s); nothing was changed`,
      {
        code: 'InvalidConfig',
        details: problems,
        hint: `Fix those lines and run the command again. ${flagsHint}`,
      },
    );
    if (!ctx.ui.options.interactive) {
      throw failure;
    }
    ctx.ui.failure(failure.message);
    for (const problem of problems) {
      ctx.ui.info(`  ${problem}`);
    }
    if (!(await ctx.ui.confirm('Reopen the editor to fix them?', { defaultAnswer: true }))) {
      throw failure;
    }
    text = current;
  }
}

const kindColor = { add: 'green', change: 'yellow', remove: 'red' } as const;

/** Prints the change table (values masked unless --reveal) and the counts. */
export function previewChanges(ctx: Context, changes: readonly ConfigChange[], target: Target): void {
  const { colors } = ctx.ui;
  ctx.ui.step(`Modifications to config of ${target.app} in ${target.environment}:`);
  const table = renderTable(
    ['Type', 'Config', 'Old val', 'New val'],
    changeRows(changes, target.reveal),
    colors,
    (row, column) => {
      const kind = row[0];
      return column === 0 && (kind === 'add' || kind === 'change' || kind === 'remove')
        ? colors[kindColor[kind]]
        : undefined;
    },
  );
  ctx.ui.info(table);
  const counts = countChanges(changes);
  const masked = target.reveal ? '' : ' Values are masked; add --reveal to see them.';
  ctx.ui.info(`${counts.add} to add, ${counts.change} to change, ${counts.remove} to remove.${masked}`);
}

/**
 * Re-reads the versions just before writing. A key we are about to write that changed since it was loaded is a
 * conflict: nothing is written and the keys are named (never their values). Other keys changed meanwhile are left
 * as they are now, and said so.
 */
export async function findConflicts(
  ctx: Context,
  loaded: LoadedConfig,
  changes: readonly ConfigChange[],
  target: Target,
): Promise<void> {
  const fresh = await loaded.store.list(loaded.prefix, { decrypt: false });
  const now = new Map(fresh.map((parameter) => [parameter.key, parameter]));
  const touched = new Map(changes.map((change) => [change.key, change]));
  const keys = [...new Set([...loaded.snapshot.keys(), ...now.keys()])].sort();
  const conflicts: string[] = [];
  const others: string[] = [];
  for (const key of keys) {
    const before = loaded.snapshot.get(key);
    const after = now.get(key);
    if (before?.version === after?.version) {
      continue;
    }
    const change = touched.get(key);
    if (change === undefined) {
      others.push(key);
    } else if (!(change.kind === 'remove' && after === undefined)) {
      conflicts.push(key);
    }
  }
  if (conflicts.length > 0) {
    throw new ConflictError(
      `Someone else changed ${conflicts.join(', ')} in Parameter Store while you were editing; nothing was written`,
      `Run \`cloudlift edit_config -e ${target.environment} --name ${target.app}\` again to start from the current values (your changes are listed above).`,
    );
  }
  if (others.length > 0) {
    ctx.ui.info(`Changed by someone else meanwhile and left as they are now: ${others.join(', ')}.`);
  }
}

/**
 * After a conflict the edited text would be lost, so it is kept in a private file (folder 0700, file 0600) that a
 * `--from-file` re-run takes as it is: its header is comments, and values the editor did not show stay unchanged.
 */
export async function keepEditAfterConflict(
  conflict: ConflictError,
  text: string,
  target: Target,
): Promise<ConflictError> {
  const again = `cloudlift edit_config -e ${target.environment} --name ${target.app}`;
  let file: string;
  try {
    const folder = await mkdtemp(join(tmpdir(), 'cloudlift-edit-'));
    await chmod(folder, 0o700);
    file = join(folder, `${target.app}-${target.environment}.env`);
    await writeFile(file, text, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    return new ConflictError(
      conflict.message,
      `Your edit could not be saved (${messageOf(error)}) and is discarded. Run \`${again}\` again to start from the current values.`,
    );
  }
  return new ConflictError(
    conflict.message,
    `Your edit is saved in ${file} (readable only by you). Check it against the current values ` +
      `(\`${again} --list --reveal\`), re-run with \`${again} --from-file ${file}\`, then delete the file.`,
  );
}

/** Writes adds and changes (SecureString), then deletes removals in chunks; a failure names what was applied. */
export async function applyChanges(
  ctx: Context,
  loaded: LoadedConfig,
  changes: readonly ConfigChange[],
): Promise<void> {
  const applied: string[] = [];
  try {
    for (const change of changes) {
      if (change.kind === 'remove') {
        continue;
      }
      const value = change.newValue ?? '';
      // SSM cannot move a parameter back from Advanced to Standard; a value that needed Advanced keeps it.
      const advanced =
        byteLength(value) > standardValueLimit || byteLength(change.oldValue ?? '') > standardValueLimit;
      const name = `${loaded.prefix}${change.key}`;
      const version = await loaded.store.put({ name, value, overwrite: change.kind === 'change', advanced });
      ctx.ui.debug(`${change.kind === 'add' ? 'Created' : 'Updated'} ${name} (version ${version})`);
      applied.push(change.key);
    }
    const removals = changes.filter((change) => change.kind === 'remove');
    if (removals.length > 0) {
      const result = await loaded.store.delete(removals.map((change) => `${loaded.prefix}${change.key}`));
      ctx.ui.debug(`Deleted ${result.deleted.length} parameter(s)`);
      if (result.missing.length > 0) {
        ctx.ui.info(`Already removed by someone else: ${result.missing.join(', ')}.`);
      }
      applied.push(...removals.map((change) => change.key));
    }
  } catch (error) {
    throw partialFailure(error, applied, changes);
  }
}

function partialFailure(
  error: unknown,
  applied: readonly string[],
  changes: readonly ConfigChange[],
): CloudliftError {
  const rest = changes.map((change) => change.key).filter((key) => !applied.includes(key));
  const base = isCloudliftError(error) ? error : new CloudliftError('ApplyFailed', messageOf(error));
  return new CloudliftError(base.code, base.message, {
    exitCode: base.exitCode,
    hint: `${base.hint ?? ''} Running edit_config again shows what is still different.`.trim(),
    details: [
      ...base.details,
      `applied: ${applied.length > 0 ? applied.join(', ') : 'nothing'}`,
      `not applied: ${rest.join(', ')}`,
    ],
  });
}
