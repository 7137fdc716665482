// show_/edit_ environment and service records: read or change the stored configuration without touching stacks.
import { canonicalJson } from '../../core/config/json-diff.js';
import { tables } from '../../core/naming.js';
import { CloudliftError } from '../../errors.js';
import type { Context } from '../../context.js';
import { environmentNotFound, newRecordRevision, openConfigStore } from './config-store.js';
import { editDocument } from './edit-document.js';
import { fileInsteadOfEditor } from '../environment/environment-input.js';

/** Prints an environment's stored `<env>` document (stdout) with where it lives (stderr). */
export async function showEnvironment(ctx: Context, environment: string): Promise<void> {
  const store = await openConfigStore(ctx);
  const stored = await store.loadEnvironment(environment);
  if (stored === undefined) {
    throw environmentNotFound(environment, store.region);
  }
  ctx.ui.info(`Environment ${environment} (${tables.environments}, region ${store.region})`);
  ctx.ui.data(canonicalJson(stored.document));
}

/** Edits (or, with a config file, creates) an environment's stored configuration; the stack is not touched. */
export async function editEnvironment(
  ctx: Context,
  environment: string,
  options: { configFile?: string },
): Promise<void> {
  const { parseEnvironmentConfig, unwrapEnvironmentDocument } =
    await import('../../core/config/environment.js');
  const store = await openConfigStore(ctx);
  const stored = await store.loadEnvironment(environment);
  if (stored === undefined && options.configFile === undefined) {
    throw new CloudliftError(
      'EnvironmentNotFound',
      `Environment "${environment}" has no stored configuration to edit`,
      {
        hint: `Create the environment with \`cloudlift create_environment -e ${environment}\`, or pass --config-file FILE to store a configuration.`,
      },
    );
  }
  const edited = await editDocument(ctx, {
    current: stored?.document ?? {},
    isNew: stored === undefined,
    configFile: options.configFile,
    what: `configuration of environment ${environment}`,
    noEditorHint: fileInsteadOfEditor('edit_environment', environment),
    parse: (document) =>
      parseEnvironmentConfig(environment, unwrapEnvironmentDocument(environment, document)),
    unwrap: (document) => unwrapEnvironmentDocument(environment, document) as Record<string, unknown>,
  });
  if (edited === undefined) {
    return;
  }
  await store.saveEnvironment(environment, edited.document, stored?.revision ?? newRecordRevision());
  ctx.ui.success(`Saved the configuration of environment ${environment}.`);
  // A new record has no stack yet: update_environment would only say so; create_environment uses the stored record.
  ctx.ui.recommend([
    stored === undefined
      ? `cloudlift create_environment -e ${environment}   # create the cluster-${environment} stack from it`
      : `cloudlift update_environment -e ${environment}   # apply it to the cluster-${environment} stack`,
  ]);
}

/** Prints an app's stored service configuration (stdout). */
export async function showService(ctx: Context, app: string, environment: string): Promise<void> {
  const store = await openConfigStore(ctx);
  const stored = await store.loadService(app, environment);
  if (stored === undefined) {
    throw new CloudliftError(
      'ServiceNotFound',
      `Service "${app}" has no configuration in environment ${environment}`,
      {
        hint: `Create it with \`cloudlift create_service -e ${environment} --name ${app}\` (looked in ${tables.services}, region ${store.region}).`,
      },
    );
  }
  ctx.ui.info(`Service ${app} in ${environment} (${tables.services}, region ${store.region})`);
  ctx.ui.data(canonicalJson(stored.document));
}
