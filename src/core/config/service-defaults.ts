// The default configuration of a new service and the transformations the original applied when saving one
// (alb_mode from the environment default, the FireLens fluent-bit sidecar), plus the editor's hiding of
// `depends_on`/`sidecars`. All pure, on raw documents: they run before validation.
import { alphanumeric, pascal } from '../case.js';
import type { ServiceDefaults } from './service-checks.js';
import { fluentbitSidecarName } from './service-checks.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The service key a new app gets: pascal(app) with anything but letters and digits dropped (`my-app` → `MyApp`). */
export function defaultServiceKey(app: string): string {
  return alphanumeric(pascal(app)) || 'Web';
}

/** One DNS label (1..63 letters, digits, dashes; no dash at either end) made from a name. */
function dnsLabel(name: string, fallback: string): string {
  return (
    name
      .replace(/[^a-zA-Z0-9-]/g, '')
      .slice(0, 63)
      .replace(/^-+|-+$/g, '') || fallback
  );
}

/**
 * The placeholder host name of a new service, `<app>.<env>.internal`: the original requires host names in every
 * http_interface; alb_mode "cluster" routes by them (replace it with yours), dedicated mode does not use them.
 */
export function placeholderHostname(app: string, environment: string): string {
  return `${dnsLabel(app, 'app')}.${dnsLabel(environment, 'env')}.internal`;
}

/**
 * The configuration a new service starts from. Unlike the original's it validates as written: the notifications
 * ARN comes from the environment, and the host names the original requires hold a placeholder in both ALB modes.
 */
export function defaultServiceConfig(input: {
  app: string;
  environment: string;
  notificationsArn: string | undefined;
  defaults: ServiceDefaults;
  /** A Fargate-only environment has no EC2 hosts: the default service then runs on the smallest Fargate size. */
  fargateOnly?: boolean;
}): Json {
  const albMode = input.defaults.alb_mode ?? 'dedicated';
  return {
    notifications_arn: input.notificationsArn ?? null,
    services: {
      [defaultServiceKey(input.app)]: {
        http_interface: {
          internal: true,
          restrict_access_to: ['0.0.0.0/0'],
          container_port: 80,
          health_check_path: '/elb-check',
          alb_mode: albMode,
          hostnames: [placeholderHostname(input.app, input.environment)],
        },
        memory_reservation: 250,
        command: null,
        ...(input.fargateOnly === true ? { fargate: { cpu: 256, memory: 512 } } : {}),
      },
    },
  };
}

/** A transformed document and what to tell the user about it. */
export interface Transformed {
  document: Json;
  notes: string[];
}

function servicesOf(document: Json): Array<[string, Json]> {
  const services = document.services;
  return isObject(services)
    ? Object.entries(services).filter((entry): entry is [string, Json] => isObject(entry[1]))
    : [];
}

function clone(document: Json): Json {
  return structuredClone(document);
}

/** Sets `http_interface.alb_mode` from the environment default (else dedicated) where a service lacks it. */
export function injectAlbMode(document: Json, defaults: ServiceDefaults): Transformed {
  const result = clone(document);
  const notes: string[] = [];
  const mode = defaults.alb_mode ?? 'dedicated';
  for (const [key, settings] of servicesOf(result)) {
    const http = settings.http_interface;
    if (isObject(http) && http.alb_mode === undefined) {
      http.alb_mode = mode;
      notes.push(`services.${key}: no http_interface.alb_mode, using the environment default "${mode}".`);
    }
  }
  return { document: result, notes };
}

function loggingOf(settings: Json, defaults: ServiceDefaults): unknown {
  return 'logging' in settings ? settings.logging : defaults.logging;
}

/** The services whose logging is awsfirelens but which have no fluent-bit sidecar yet (they need its image URI). */
export function servicesNeedingFluentbit(document: Json, defaults: ServiceDefaults): string[] {
  return servicesOf(document)
    .filter(([, settings]) => loggingOf(settings, defaults) === 'awsfirelens' && !hasFluentbit(settings))
    .map(([key]) => key);
}

function hasFluentbit(settings: Json): boolean {
  const sidecars = settings.sidecars;
  return (
    Array.isArray(sidecars) &&
    sidecars.some((sidecar) => isObject(sidecar) && sidecar.name === fluentbitSidecarName)
  );
}

function fluentbitSidecar(
  app: string,
  environment: string,
  imageUri: string,
  defaults: ServiceDefaults,
): Json {
  const extra = Object.entries(defaults.fluentbit_config?.env ?? {}).map(([name, value]) => [
    name,
    typeof value === 'string' ? value : JSON.stringify(value),
  ]);
  return {
    name: fluentbitSidecarName,
    memory_reservation: 100,
    essential: true,
    image_uri: imageUri,
    env: {
      delivery_stream: `${environment}-${app}`,
      CL_ENVIRONMENT: environment,
      CL_SERVICE: app,
      ...Object.fromEntries(extra),
    },
    logging: 'awslogs',
    health_check: {
      command: ['CMD-SHELL', 'curl -f -s http://localhost:2020/api/v1/health || exit 1'],
      interval: 5,
      timeout: 2,
      retries: 3,
    },
  };
}

function removeFluentbit(settings: Json): boolean {
  let changed = false;
  for (const [field, nameKey] of [
    ['sidecars', 'name'],
    ['depends_on', 'container_name'],
  ] as const) {
    const list = settings[field];
    if (!Array.isArray(list)) {
      continue;
    }
    const kept = list.filter((entry) => !(isObject(entry) && entry[nameKey] === fluentbitSidecarName));
    changed ||= kept.length !== list.length;
    if (kept.length === 0) {
      delete settings[field];
    } else {
      settings[field] = kept;
    }
  }
  return changed;
}

function addFluentbit(settings: Json, sidecar: Json): void {
  const sidecars: unknown[] = Array.isArray(settings.sidecars) ? settings.sidecars : [];
  settings.sidecars = [...sidecars, sidecar];
  const dependsOn: unknown[] = Array.isArray(settings.depends_on) ? settings.depends_on : [];
  if (!dependsOn.some((entry) => isObject(entry) && entry.container_name === fluentbitSidecarName)) {
    settings.depends_on = [...dependsOn, { container_name: fluentbitSidecarName, condition: 'START' }];
  }
}

/**
 * The original's save-time FireLens handling: a service logging through awsfirelens gets the fluent-bit sidecar
 * (image from the environment's `service_defaults.fluentbit_config.image_uri`, or `imageUri`) and a START
 * dependency on it; any other logging removes both. Throws nothing: when an image is needed but unknown the service
 * is left unchanged and listed in `servicesNeedingFluentbit`, so the caller can ask for it first.
 */
export function injectFluentbitSidecar(
  document: Json,
  input: { app: string; environment: string; defaults: ServiceDefaults; imageUri?: string },
): Transformed {
  const result = clone(document);
  const notes: string[] = [];
  const image = input.defaults.fluentbit_config?.image_uri ?? input.imageUri;
  for (const [key, settings] of servicesOf(result)) {
    if (loggingOf(settings, input.defaults) !== 'awsfirelens') {
      if (removeFluentbit(settings)) {
        notes.push(`services.${key}: logging is not awsfirelens, removed the ${fluentbitSidecarName}.`);
      }
      continue;
    }
    if (hasFluentbit(settings) || image === undefined || image === '') {
      continue;
    }
    addFluentbit(settings, fluentbitSidecar(input.app, input.environment, image, input.defaults));
    notes.push(
      `services.${key}: logging is awsfirelens, added the ${fluentbitSidecarName} (image ${image}).`,
    );
  }
  return { document: result, notes };
}

/** Keys the editor hides, as the original did: they are managed by cloudlift (the FireLens sidecar) or rarely edited. */
export const hiddenServiceKeys = ['depends_on', 'sidecars'] as const;

/** What `hideManagedKeys` took out, per service, to put back after editing. */
export type HiddenKeys = Record<string, Json>;

/** Removes `depends_on` and `sidecars` from every service for editing; returns them for `restoreHiddenKeys`. */
export function hideManagedKeys(document: Json): { document: Json; hidden: HiddenKeys } {
  const result = clone(document);
  const hidden: HiddenKeys = {};
  for (const [key, settings] of servicesOf(result)) {
    for (const field of hiddenServiceKeys) {
      if (field in settings) {
        hidden[key] = { ...hidden[key], [field]: settings[field] };
        delete settings[field];
      }
    }
  }
  return { document: result, hidden };
}

/**
 * Puts hidden keys back into the services that still exist, unless the edit set them itself. Unlike the original,
 * this runs on every save path, so sidecars are never dropped silently.
 */
export function restoreHiddenKeys(document: Json, hidden: HiddenKeys): Json {
  const result = clone(document);
  for (const [key, settings] of servicesOf(result)) {
    for (const [field, value] of Object.entries(hidden[key] ?? {})) {
      if (!(field in settings)) {
        settings[field] = value;
      }
    }
  }
  return result;
}
