// Task definitions for a release: the next revision is the running one with the new image and the env.sample
// secrets, every other field carried over (the original dropped placement constraints, tags, pid/ipc...), and the
// comparison that makes a deploy of what already runs a no-op.
import type { SecretReference } from '../config/env-sample.js';
import { isSidecarContainer, withTag } from './image.js';

/** One ECS container definition; fields cloudlift does not touch are kept as they are. */
export interface ContainerDefinition {
  name?: string;
  image?: string;
  essential?: boolean;
  secrets?: SecretReference[];
  environment?: { name?: string; value?: string }[];
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
  [field: string]: unknown;
}

/** A task definition tag. */
export interface TaskTag {
  key: string;
  value: string;
}

/** The RegisterTaskDefinition input: what a revision is made of. */
export interface TaskRegistration {
  family: string;
  containerDefinitions: ContainerDefinition[];
  tags?: TaskTag[];
  [field: string]: unknown;
}

/**
 * Every RegisterTaskDefinition field. DescribeTaskDefinition also returns read-only fields (arn, revision, status,
 * requiresAttributes, compatibilities, registeredAt/By...), which must not be sent back.
 */
export const registrationFields = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const;

/** The tag holding the fingerprint of the Parameter Store versions a revision was released with. */
export const configTagKey = 'cloudlift:config-versions';

/** The registration that would re-create a described task definition (with its tags). */
export function registrationOf(
  described: Record<string, unknown>,
  tags: readonly TaskTag[],
): TaskRegistration {
  const registration: Record<string, unknown> = {};
  for (const field of registrationFields) {
    const value = described[field];
    if (value !== undefined && value !== null) {
      registration[field] = structuredClone(value);
    }
  }
  const family = typeof described.family === 'string' ? described.family : '';
  const containers = Array.isArray(described.containerDefinitions)
    ? (structuredClone(described.containerDefinitions) as ContainerDefinition[])
    : [];
  return {
    ...registration,
    family,
    containerDefinitions: containers,
    ...(tags.length > 0 ? { tags: tags.map((tag) => ({ ...tag })) } : {}),
  };
}

/** What a release changes in a task definition. */
export interface ReleaseChange {
  /** Full image URI for the first container. */
  image: string;
  /** The tag other non-sidecar containers' images are moved to. */
  tag: string;
  /** Container secrets (env.sample order): ARNs of the app's Parameter Store parameters. */
  secrets: readonly SecretReference[];
  /** Fingerprint of the parameter versions, stored as a tag (see configTagKey). */
  configFingerprint: string;
}

/**
 * The next revision, as the original built it: the first container gets the new image, the other non-sidecar
 * containers keep their image name with the new tag, `-sidecar` containers are untouched; every non-sidecar container
 * gets the env.sample secrets and no plain `environment` (all variables come from Parameter Store).
 */
export function nextRegistration(current: TaskRegistration, change: ReleaseChange): TaskRegistration {
  const containers = current.containerDefinitions.map((container, index) => {
    if (isSidecarContainer(container.name ?? '')) {
      return structuredClone(container);
    }
    const next: ContainerDefinition = { ...structuredClone(container) };
    if (index === 0) {
      next.image = change.image;
    } else if (typeof container.image === 'string') {
      next.image = withTag(container.image, change.tag);
    }
    next.secrets = change.secrets.map((secret) => ({ name: secret.name, valueFrom: secret.valueFrom }));
    next.environment = [];
    return next;
  });
  const otherTags = (current.tags ?? []).filter((tag) => tag.key !== configTagKey);
  return {
    ...structuredClone(current),
    containerDefinitions: containers,
    tags: [...otherTags, { key: configTagKey, value: change.configFingerprint }],
  };
}

/** JSON with object keys sorted and empty lists/absent values dropped, so equal content compares equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(normalize);
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const inner = (value as Record<string, unknown>)[key];
      if (inner === undefined || inner === null || (Array.isArray(inner) && inner.length === 0)) {
        continue;
      }
      out[key] = normalize(inner);
    }
    return out;
  }
  return value;
}

/** True when two registrations describe the same task (tags compared as a set). */
export function sameRegistration(a: TaskRegistration, b: TaskRegistration): boolean {
  const sortTags = (registration: TaskRegistration): TaskRegistration => ({
    ...registration,
    tags: [...(registration.tags ?? [])].sort((x, y) => x.key.localeCompare(y.key)),
  });
  return canonicalJson(sortTags(a)) === canonicalJson(sortTags(b));
}

/**
 * The text fingerprinted into the config tag: every parameter with its SSM version, in env.sample order. Secrets
 * reference parameter ARNs, which do not change when a value does; the versions do.
 */
export function configVersionsText(parameters: readonly { key: string; version: number }[]): string {
  return parameters.map((parameter) => `${parameter.key}=${parameter.version}`).join('\n');
}

/** One line of the image/secrets difference printed before deploying (the original's print_task_diff). */
export interface RegistrationDiff {
  images: { container: string; from: string; to: string }[];
  secrets: { name: string; from: string; to: string }[];
  configChanged: boolean;
  otherChanged: boolean;
}

/** What differs between the running revision and the next one (variables: those of the main, first container). */
export function diffRegistrations(current: TaskRegistration, next: TaskRegistration): RegistrationDiff {
  const images: RegistrationDiff['images'] = [];
  next.containerDefinitions.forEach((container, index) => {
    const before = current.containerDefinitions[index];
    if ((before?.image ?? '') !== (container.image ?? '')) {
      images.push({
        container: container.name ?? `#${index + 1}`,
        from: before?.image ?? '-',
        to: container.image ?? '-',
      });
    }
  });
  const old = new Map((current.containerDefinitions[0]?.secrets ?? []).map((s) => [s.name, s.valueFrom]));
  const now = new Map((next.containerDefinitions[0]?.secrets ?? []).map((s) => [s.name, s.valueFrom]));
  const secrets = [...new Set([...old.keys(), ...now.keys()])]
    .filter((key) => old.get(key) !== now.get(key))
    .map((name) => ({ name, from: old.get(name) ?? '-', to: now.get(name) ?? '-' }));
  const tagOf = (registration: TaskRegistration): string | undefined =>
    registration.tags?.find((tag) => tag.key === configTagKey)?.value;
  const strip = (registration: TaskRegistration): TaskRegistration => ({
    ...registration,
    containerDefinitions: registration.containerDefinitions.map((c) => ({ ...c, image: '', secrets: [] })),
    tags: (registration.tags ?? []).filter((tag) => tag.key !== configTagKey),
  });
  return {
    images,
    secrets,
    configChanged: tagOf(current) !== tagOf(next),
    otherChanged: !sameRegistration(strip(current), strip(next)),
  };
}
