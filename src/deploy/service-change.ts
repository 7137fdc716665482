// The part create_service and update_service share: edit (or read) the service configuration, apply what saving
// applies, validate, check the notifications topic, look the facts up and render the template. Nothing is written
// here: the callers save and touch the stack only after all of this passed.
import { topicExists } from '../aws/sns.js';
import type { Context } from '../context.js';
import { canonicalJson } from '../core/config/json-diff.js';
import type { ServiceConfig } from '../core/config/service.js';
import {
  defaultServiceConfig,
  hideManagedKeys,
  injectAlbMode,
  restoreHiddenKeys,
  servicesNeedingFluentbit,
} from '../core/config/service-defaults.js';
import type { Template } from '../core/templates/template.js';
import type { ServiceFacts } from '../core/templates/service.js';
import { serviceStackName } from '../core/naming.js';
import { ValidationError } from '../errors.js';
import { newRecordRevision, openConfigStore } from './config-store.js';
import type { ConfigStore, Stored } from './config-store.js';
import { editDocument } from './edit-document.js';
import { prepareServiceDocument } from './render-service.js';
import { loadServiceEnvironment, lookUpServiceFacts } from './service-facts.js';
import type { ServiceEnvironment } from './service-facts.js';
import type { StackSubject } from './stack-messages.js';

/** What create_service / update_service were asked for. */
export interface ServiceRequest {
  app: string;
  environment: string;
  /** A JSON configuration file (`-`: stdin) instead of the editor. */
  configFile?: string;
  /** The fluent-bit image for awsfirelens logging when the environment names none. */
  fluentbitImage?: string;
}

/** The commands named in hints for a service stack. */
export function serviceCommands(request: Pick<ServiceRequest, 'app' | 'environment'>) {
  const flags = `-e ${request.environment} --name ${request.app}`;
  return { create: `cloudlift create_service ${flags}`, update: `cloudlift update_service ${flags}` };
}

/** The service stack `<app>-<env>` in the environment's region, as the stack engine and its messages name it. */
export function serviceStack(
  request: Pick<ServiceRequest, 'app' | 'environment'>,
  region: string,
): StackSubject {
  return {
    stackName: serviceStackName(request.app, request.environment),
    region,
    description: `service ${request.app} in ${request.environment}`,
    commands: serviceCommands(request),
  };
}

/** A validated change, ready to save and apply. */
export interface ServiceChange {
  store: ConfigStore;
  environment: ServiceEnvironment;
  stored: Stored | undefined;
  /** The document to save (save-time transformations applied, no cloudlift_version). */
  document: Record<string, unknown>;
  /** False when the stored document is saved as it was. */
  changed: boolean;
  config: ServiceConfig;
  facts: ServiceFacts;
  template: Template;
}

/** Stands in for the fluent-bit image while the edited document is checked; the real one is asked for afterwards. */
const imageToBeAsked = 'fluent-bit-image-asked-after-editing';

async function fluentbitImage(
  ctx: Context,
  request: ServiceRequest,
  environment: ServiceEnvironment,
  document: Record<string, unknown>,
): Promise<string | undefined> {
  if (
    request.fluentbitImage !== undefined ||
    environment.defaults.fluentbit_config?.image_uri !== undefined
  ) {
    return request.fluentbitImage;
  }
  const needing = servicesNeedingFluentbit(document, environment.defaults);
  if (needing.length === 0) {
    return undefined;
  }
  ctx.ui.warn(
    `${needing.join(', ')} log through awsfirelens and the environment names no fluent-bit image ` +
      `(add service_defaults.fluentbit_config.image_uri with \`cloudlift edit_environment -e ${environment.environment}\` to stop this question).`,
  );
  return (await ctx.ui.ask('Fluent Bit image URI', { flag: '--fluentbit-image <uri>' })).trim();
}

function withoutStamp(document: Record<string, unknown>): Record<string, unknown> {
  const { cloudlift_version: _stamp, ...rest } = document;
  return rest;
}

/** Saves the change's document to service_configurations (conditionally: a concurrent save is a conflict). */
export async function saveServiceChange(
  ctx: Context,
  request: ServiceRequest,
  change: ServiceChange,
): Promise<void> {
  await change.store.saveService(
    request.app,
    request.environment,
    change.document,
    change.stored?.revision ?? newRecordRevision(),
  );
  ctx.ui.success(`Saved the service configuration of ${request.app} in ${request.environment}.`);
}

/** The no-terminal alternative to the editor: the stored configuration as a file, or (new app) where to start. */
function serviceFileHint(request: ServiceRequest, stored: boolean): string {
  const flags = `-e ${request.environment} --name ${request.app}`;
  return stored
    ? `Edit it as a file instead: \`cloudlift show_service ${flags} > ${request.app}.json\`, change that file, ` +
        `then run this command again with --config-file ${request.app}.json.`
    : `Write the service configuration to a JSON file (the format: docs/services.md; \`cloudlift schema service\` ` +
        `lists every field), then \`cloudlift create_service ${flags} --config-file FILE\` (or - for stdin).`;
}

/**
 * Edits (or reads from --config-file) the configuration, validates it, and renders the template with the facts
 * looked up from AWS. `preflight` runs before anything is asked (the stack checks). `sidecars` and `depends_on` are
 * hidden in the editor, as in the original, and put back after.
 */
export async function prepareServiceChange(
  ctx: Context,
  request: ServiceRequest,
  preflight: (environment: ServiceEnvironment) => Promise<void>,
): Promise<ServiceChange> {
  const store = await openConfigStore(ctx);
  const environment = await loadServiceEnvironment(store, request.environment);
  await preflight(environment);
  const stored = await store.loadService(request.app, request.environment);
  const current =
    stored?.document ??
    defaultServiceConfig({
      app: request.app,
      environment: request.environment,
      notificationsArn: environment.notificationsArn,
      defaults: environment.defaults,
      fargateOnly: environment.fargateOnly,
    });
  const masked =
    request.configFile === undefined ? hideManagedKeys(current) : { document: current, hidden: {} };
  const restore = (document: Record<string, unknown>) =>
    withoutStamp(restoreHiddenKeys(document, masked.hidden));
  const prepare = (document: Record<string, unknown>, image: string | undefined) =>
    prepareServiceDocument(restore(document), { app: request.app, environment, fluentbitImage: image });
  // A new app's --config-file is shown as all new: diffed against the generated default (which the user never saw),
  // it would show as removals of services.<Default>.* plus additions.
  const shown = stored === undefined && request.configFile !== undefined ? {} : masked.document;
  const edited = await editDocument(ctx, {
    current: shown,
    isNew: stored === undefined,
    configFile: request.configFile,
    what: `service configuration of ${request.app} in ${request.environment}`,
    noEditorHint: serviceFileHint(request, stored !== undefined),
    parse: (document) => prepare(document, request.fluentbitImage ?? imageToBeAsked).config,
    // Saving fills alb_mode in from the environment default, so the stored record has it; a file (or edit) that
    // leaves it out must not show as removing it (and ask to save a non-change). New records keep the note instead.
    ...(stored === undefined
      ? {}
      : { unwrap: (document) => injectAlbMode(withoutStamp(document), environment.defaults).document }),
  });
  const raw = edited === undefined ? masked.document : edited.document;
  const prepared = prepare(raw, await fluentbitImage(ctx, request, environment, restore(raw)));
  for (const note of prepared.notes) {
    ctx.ui.info(note);
  }
  if (!(await topicExists(ctx, prepared.config.notifications_arn))) {
    throw new ValidationError(
      `notifications_arn: the SNS topic ${prepared.config.notifications_arn} does not exist`,
      {
        code: 'TopicNotFound',
        hint: 'Create the topic (aws sns create-topic --name <name>) or correct notifications_arn, then run the command again.',
      },
    );
  }
  const facts = await lookUpServiceFacts(ctx, {
    app: request.app,
    environment,
    config: prepared.config,
    secrets: 'required',
  });
  const { serviceTemplate } = await import('../cdk/templates.js');
  return {
    store,
    environment,
    stored,
    document: prepared.document,
    changed: stored === undefined || canonicalJson(prepared.document) !== canonicalJson(stored.document),
    config: prepared.config,
    facts,
    template: serviceTemplate(prepared.config, facts),
  };
}
