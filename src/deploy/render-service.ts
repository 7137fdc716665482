// render_service: prints the service stack's template for a configuration (a file, or the stored one) without
// changing anything. With --offline it never calls AWS: environment facts are placeholders.
import type { Context } from '../context.js';
import { parseServiceConfig } from '../core/config/service.js';
import type { ServiceConfig } from '../core/config/service.js';
import {
  injectAlbMode,
  injectFluentbitSidecar,
  servicesNeedingFluentbit,
} from '../core/config/service-defaults.js';
import type { Template } from '../core/templates/template.js';
import { CloudliftError, UsageError } from '../errors.js';
import { readConfigFile } from './input-file.js';
import type { ServiceEnvironment } from './service-facts.js';
import { inlineTemplateLimit, serializeTemplate } from './template-transport.js';

/** What render_service was asked for. */
export interface RenderServiceRequest {
  app: string;
  environment: string;
  /** A JSON configuration file (`-`: stdin); else the stored configuration. */
  configFile?: string;
  offline: boolean;
  /** The fluent-bit image for awsfirelens services when the environment names none. */
  fluentbitImage?: string;
}

/**
 * Applies what saving would apply (alb_mode from the environment default, the FireLens sidecar) and validates.
 * Shared with create/update_service so the rendered template is the one they would deploy.
 */
export function prepareServiceDocument(
  document: Record<string, unknown>,
  input: { app: string; environment: ServiceEnvironment; fluentbitImage?: string },
): { document: Record<string, unknown>; config: ServiceConfig; notes: string[] } {
  const defaults = input.environment.defaults;
  const withMode = injectAlbMode(document, defaults);
  const missing = servicesNeedingFluentbit(withMode.document, defaults);
  if (
    missing.length > 0 &&
    input.fluentbitImage === undefined &&
    defaults.fluentbit_config?.image_uri === undefined
  ) {
    throw new CloudliftError(
      'FluentbitImageMissing',
      `${missing.map((key) => `services.${key}`).join(', ')}: logging is awsfirelens, which needs a fluent-bit image, and the environment has none`,
      {
        exitCode: 2,
        hint: `Add service_defaults.fluentbit_config.image_uri to the environment (\`cloudlift edit_environment -e ${input.environment.environment}\`), or pass --fluentbit-image URI.`,
      },
    );
  }
  const withSidecar = injectFluentbitSidecar(withMode.document, {
    app: input.app,
    environment: input.environment.environment,
    defaults,
    imageUri: input.fluentbitImage,
  });
  return {
    document: withSidecar.document,
    config: parseServiceConfig(withSidecar.document, defaults),
    notes: [...withMode.notes, ...withSidecar.notes],
  };
}

function offlineEnvironment(ctx: Context, environment: string): ServiceEnvironment {
  const region = ctx.globals.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return { environment, region, notificationsArn: undefined, certificateArn: undefined, defaults: {} };
}

async function onlineInputs(
  ctx: Context,
  request: RenderServiceRequest,
): Promise<{ environment: ServiceEnvironment; document: Record<string, unknown> }> {
  const { openConfigStore } = await import('./config-store.js');
  const { loadServiceEnvironment } = await import('./service-facts.js');
  const store = await openConfigStore(ctx);
  const environment = await loadServiceEnvironment(store, request.environment);
  if (request.configFile !== undefined) {
    return { environment, document: await readConfigFile(ctx, request.configFile) };
  }
  const stored = await store.loadService(request.app, request.environment);
  if (stored === undefined) {
    throw new CloudliftError(
      'ServiceNotFound',
      `Service "${request.app}" has no configuration in ${request.environment}`,
      {
        hint: `Pass --config-file FILE to render a configuration, or create the service with \`cloudlift create_service -e ${request.environment} --name ${request.app}\`.`,
      },
    );
  }
  return { environment, document: stored.document };
}

/** Renders the service template for the request; returns it with its serialized size. */
export async function renderService(ctx: Context, request: RenderServiceRequest): Promise<Template> {
  if (request.offline && request.configFile === undefined) {
    throw new UsageError('--offline needs --config-file FILE: the stored configuration lives in DynamoDB', {
      hint: `Run \`cloudlift render_service -e ${request.environment} --offline --config-file service.json\` (\`cloudlift show_service\` prints a stored one).`,
    });
  }
  const { environment, document } = request.offline
    ? {
        environment: offlineEnvironment(ctx, request.environment),
        document: await readConfigFile(ctx, request.configFile ?? '-'),
      }
    : await onlineInputs(ctx, request);
  const prepared = prepareServiceDocument(document, {
    app: request.app,
    environment,
    fluentbitImage: request.fluentbitImage,
  });
  for (const note of prepared.notes) {
    ctx.ui.info(note);
  }
  const facts = await import('./service-facts.js');
  const serviceFacts = request.offline
    ? await facts.offlineServiceFacts(ctx, { app: request.app, environment })
    : await facts.lookUpServiceFacts(ctx, {
        app: request.app,
        environment,
        config: prepared.config,
        secrets: 'lenient',
      });
  if (request.offline) {
    ctx.ui.warn(
      'Offline: the VPC, subnets, security groups, listeners, account and certificate in this template are placeholders.',
    );
  }
  const { serviceTemplate } = await import('../cdk/templates.js');
  const template = serviceTemplate(prepared.config, serviceFacts);
  const size = Buffer.byteLength(serializeTemplate(template), 'utf8');
  ctx.ui.info(
    `Template: ${Object.keys(template.Resources).length} resources, ${size.toLocaleString('en-US')} bytes` +
      (size > inlineTemplateLimit
        ? ' (over the inline limit: create/update_service will send it through S3).'
        : '.'),
  );
  return template;
}
