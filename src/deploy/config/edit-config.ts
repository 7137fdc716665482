// edit_config: an app's environment variables in Parameter Store (/<env>/<app>/<KEY>, SecureString). Every way in
// (editor, --set/--unset, --from-file) ends in the same masked preview, confirmation, conflict check and apply.
import type { Context } from '../../context.js';
import { parameterStore } from '../../aws/ssm.js';
import type { ParameterStore, StoredParameter } from '../../aws/ssm.js';
import { countChanges, diffConfig, keysByKind, listLines, listObject } from '../../core/config/env-diff.js';
import type { ConfigChange } from '../../core/config/env-diff.js';
import {
  describeProblems,
  parseAssignments,
  parseEnvText,
  splitByLineFit,
} from '../../core/config/env-file.js';
import { checkEnvSample, describeEnvSampleMismatch, envSampleFixHint } from '../../core/config/env-sample.js';
import { parameterPrefix } from '../../core/naming.js';
import { AbortedError, ConflictError, UsageError, ValidationError } from '../../errors.js';
import { environmentRegion, openConfigStore } from './config-store.js';
import {
  applyChanges,
  editInEditor,
  findConflicts,
  keepEditAfterConflict,
  previewChanges,
} from './edit-config-steps.js';
import { readEnvSample } from './env-sample.js';
import { readInputText } from './input-file.js';

/** Where the new configuration comes from. */
export type EditSource =
  | { kind: 'editor' }
  | { kind: 'flags'; set: readonly string[]; unset: readonly string[] }
  | { kind: 'file'; path: string; allowEmpty?: boolean };

/** One edit_config run. */
export interface EditConfigInput {
  environment: string;
  app: string;
  source: EditSource;
  /** Show full values in the preview instead of masked ones. */
  reveal: boolean;
}

/** The variables as loaded, with what the conflict check needs. */
export interface LoadedConfig {
  store: ParameterStore;
  prefix: string;
  /** Parameters by key, with their versions at load time. */
  snapshot: Map<string, StoredParameter>;
  values: Record<string, string>;
}

/** Loads every variable of the app in the environment (decrypted, with versions). */
export async function loadConfig(ctx: Context, environment: string, app: string): Promise<LoadedConfig> {
  const region = await environmentRegion(ctx, environment);
  const store = await parameterStore(ctx, region);
  const prefix = parameterPrefix(environment, app);
  ctx.ui.debug(`Reading ${prefix}* in ${region}`);
  const parameters = await store.list(prefix);
  const snapshot = new Map(parameters.map((parameter) => [parameter.key, parameter]));
  const values: Record<string, string> = {};
  for (const parameter of parameters) {
    values[parameter.key] = parameter.value;
  }
  ctx.ui.debug(
    `Found ${parameters.length} parameter(s): ${parameters.map((p) => `${p.key}@v${p.version}`).join(', ')}`,
  );
  return { store, prefix, snapshot, values };
}

/** `--list`: the variables on stdout, masked unless `reveal` (`--json`: one object of key → value). */
export async function listConfig(
  ctx: Context,
  input: { environment: string; app: string; reveal: boolean },
): Promise<void> {
  const loaded = await loadConfig(ctx, input.environment, input.app);
  if (ctx.globals.json) {
    ctx.ui.json(listObject(loaded.values, input.reveal));
  } else if (Object.keys(loaded.values).length === 0) {
    ctx.ui.warn(`No variables are stored for ${input.app} in ${input.environment} (${loaded.prefix}).`);
    ctx.ui.recommend([`cloudlift edit_config -e ${input.environment} --name ${input.app} --set KEY=VALUE`]);
  } else {
    // Only values one KEY=VALUE line holds exactly, so `--list --reveal > .env` is a file --from-file takes back.
    const { lines, kept } = splitByLineFit(loaded.values);
    if (kept.length > 0) {
      ctx.ui.warn(
        `Not listed: ${kept.join(', ')} (multi-line values or trailing spaces, which a KEY=VALUE line cannot hold). ` +
          '`--list --json` shows them; --from-file keeps them unchanged.',
      );
    }
    if (Object.keys(lines).length > 0) {
      ctx.ui.data(listLines(lines, input.reveal).join('\n'));
    }
    if (!input.reveal) {
      ctx.ui.info(ctx.ui.colors.dim('Values are masked; add --reveal to print them in full.'));
    }
  }
  await warnAboutEnvSample(ctx, loaded.values, input);
}

/** Edits the variables from the chosen source, previews, confirms, checks for concurrent edits, and applies. */
export async function editConfig(ctx: Context, input: EditConfigInput): Promise<void> {
  const prefix = parameterPrefix(input.environment, input.app);
  // Flags and files are checked before anything is read or written.
  const early = await checkedSource(ctx, input.source, prefix);
  const loaded = await loadConfig(ctx, input.environment, input.app);
  const edited = early === undefined ? await editInEditor(ctx, loaded, input) : undefined;
  const desired = early === undefined ? edited?.values : early(loaded.values, ctx, input);
  const changes = desired === undefined ? [] : diffConfig(loaded.values, desired);
  if (desired === undefined || changes.length === 0) {
    ctx.ui.warn('No changes made, exiting.');
    summarize(ctx, [], input);
    return;
  }
  previewChanges(ctx, changes, input);
  await warnAboutEnvSample(ctx, desired, input);
  const confirmed = await ctx.ui.confirm(`Apply these changes to ${input.app} in ${input.environment}?`, {
    flagHint: 'Pass --yes to apply without asking (the preview above is still printed).',
  });
  if (!confirmed) {
    throw new AbortedError('Changes aborted: nothing was changed');
  }
  try {
    await findConflicts(ctx, loaded, changes, input);
  } catch (error) {
    throw error instanceof ConflictError && edited !== undefined
      ? await keepEditAfterConflict(error, edited.text, input)
      : error;
  }
  await applyChanges(ctx, loaded, changes);
  await report(ctx, changes, input);
}

type Desired = (
  current: Record<string, string>,
  ctx: Context,
  input: EditConfigInput,
) => Record<string, string>;

/** Validates flags or a file up front; returns how to compute the desired state, or undefined for the editor. */
async function checkedSource(ctx: Context, source: EditSource, prefix: string): Promise<Desired | undefined> {
  if (source.kind === 'editor') {
    return undefined;
  }
  if (source.kind === 'flags') {
    const parsed = parseAssignments(source.set, source.unset, prefix);
    if (parsed.problems.length > 0) {
      throw new UsageError(`Invalid --set/--unset arguments; nothing was changed`, {
        details: parsed.problems,
        hint: 'Write --set KEY=VALUE (repeatable) and --unset KEY; keys use letters, digits, "_", "." and "-".',
      });
    }
    return (current, context, input) => {
      const next = { ...current, ...parsed.set };
      for (const key of parsed.unset) {
        if (!Object.hasOwn(next, key)) {
          context.ui.warn(`${key} is not set for ${input.app} in ${input.environment}; nothing to remove.`);
        }
        delete next[key];
      }
      return next;
    };
  }
  const text = await readSourceFile(ctx, source.path);
  const parsed = parseEnvText(text, prefix);
  if (parsed.problems.length > 0) {
    throw new ValidationError(
      `${source.path} has ${parsed.problems.length} problem(s); nothing was changed`,
      {
        details: describeProblems(parsed.problems),
        hint: `Fix those lines (one KEY=VALUE per line, # for comments) and run the command again.`,
      },
    );
  }
  const where = source.path === '-' ? 'stdin' : source.path;
  return (current, context, input) => {
    const desired = { ...parsed.values };
    // A file cannot hold these values (so `--list` leaves them out); as in the editor, they stay as they are.
    const kept = splitByLineFit(current).kept.filter((key) => !Object.hasOwn(desired, key));
    for (const key of kept) {
      desired[key] = current[key] ?? '';
    }
    const removed = Object.keys(current).filter((key) => !Object.hasOwn(desired, key));
    if (Object.keys(parsed.values).length === 0 && removed.length > 0 && source.allowEmpty !== true) {
      // An empty source is far more often a failed `vault read ... |` than a wish to wipe everything; SSM has no undo.
      throw refuseEmptySource(where, removed.length, Object.keys(current).length, input);
    }
    if (kept.length > 0) {
      context.ui.info(
        `Kept unchanged: ${kept.join(', ')} (multi-line values or trailing spaces, which a KEY=VALUE line cannot ` +
          'hold). Change them with --set, remove them with --unset.',
      );
    }
    return desired;
  };
}

function refuseEmptySource(
  where: string,
  count: number,
  total: number,
  input: EditConfigInput,
): ValidationError {
  const fromFile = where === 'stdin' ? '-' : where;
  const what = count === total ? `all ${count}` : `${count} of the ${total}`;
  return new ValidationError(
    `${where} has no KEY=VALUE lines; refusing to remove ${what} variable${total === 1 ? '' : 's'} of ${input.app} in ${input.environment}`,
    {
      code: 'EmptySource',
      hint:
        `Nothing was changed. If the command feeding it failed, fix that first; pass --allow-empty to really remove ` +
        `them: \`cloudlift edit_config -e ${input.environment} --name ${input.app} --from-file ${fromFile} --allow-empty\`.`,
    },
  );
}

async function readSourceFile(ctx: Context, path: string): Promise<string> {
  try {
    return await readInputText(ctx.cwd, path);
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${(error as Error).message}`, {
      hint: 'Pass an existing KEY=VALUE file to --from-file (or - for stdin).',
    });
  }
}

/** Warns (keys only) when the variables no longer match env.sample in the current folder. */
async function warnAboutEnvSample(
  ctx: Context,
  values: Record<string, string>,
  input: { environment: string; app: string },
): Promise<void> {
  const sample = await readEnvSample(ctx.cwd);
  if (sample === undefined) {
    return;
  }
  const envSample = checkEnvSample(sample, Object.keys(values));
  if (envSample.ok) {
    return;
  }
  ctx.ui.warn(`The variables do not match env.sample in ${ctx.cwd}; deploy_service will refuse them:`);
  for (const line of describeEnvSampleMismatch(envSample)) {
    ctx.ui.info(`  ${line}`);
  }
  ctx.ui.info(ctx.ui.colors.dim(envSampleFixHint(envSample, input.environment, input.app)));
}

async function report(ctx: Context, changes: readonly ConfigChange[], input: EditConfigInput): Promise<void> {
  const counts = countChanges(changes);
  ctx.ui.success(
    `Updated ${input.app} in ${input.environment}: ${counts.add} added, ${counts.change} changed, ${counts.remove} removed.`,
  );
  summarize(ctx, changes, input);
  const flags = `-e ${input.environment} --name ${input.app}`;
  if (!(await hasServiceConfiguration(ctx, input))) {
    // The README's workflow sets the variables first: the next step is create_service, not a deploy that would fail.
    ctx.ui.info(`${input.app} has no services in ${input.environment} yet.`);
    ctx.ui.recommend([
      `cloudlift create_service ${flags}   # in the app folder: its services, which read these`,
    ]);
    return;
  }
  ctx.ui.info('Running containers keep the old values until the next deploy.');
  ctx.ui.recommend([`cloudlift deploy_service ${flags}`]);
}

/** Whether the app has a stored service configuration in the environment (only to name the right next step). */
async function hasServiceConfiguration(ctx: Context, input: EditConfigInput): Promise<boolean> {
  try {
    const store = await openConfigStore(ctx);
    return (await store.loadService(input.app, input.environment)) !== undefined;
  } catch (error) {
    // The variables are saved; a failed look-up only costs the hint its precision, so name the usual next step.
    ctx.ui.debug(`Could not read the service configuration: ${(error as Error).message}`);
    return true;
  }
}

/** `--json`: the keys added, changed and removed (empty lists when nothing changed), so scripts always get an object. */
function summarize(ctx: Context, changes: readonly ConfigChange[], input: EditConfigInput): void {
  if (ctx.globals.json) {
    ctx.ui.json({ environment: input.environment, app: input.app, ...keysByKind(changes) });
  }
}
