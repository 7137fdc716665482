// Checks on the service configuration that a field schema cannot express: host names, CIDRs, the Fargate CPU/memory
// pairs AWS accepts, and rules that span fields or services. Each problem is one `path: problem` line.
import { parseCidr } from '../cidr.js';
import type { AlbMode, ServiceConfig, ServiceSettings } from './service.js';

/** The environment's `service_defaults` (environment configuration) that service settings fall back to. */
export interface ServiceDefaults {
  alb_mode?: AlbMode;
  logging?: string | null;
  disable_service_alarms?: boolean;
  fluentbit_config?: {
    image_uri?: string;
    env?: Record<string, unknown>;
    memory_reservation?: number;
  };
  /** Read by the original for the FireLens role (quirk: it is written under fluentbit_config.env). */
  env?: Record<string, unknown>;
}

/** The sidecar cloudlift adds for FireLens logging (name shared with the original). */
export const fluentbitSidecarName = 'fluentbit-firelens-sidecar';

// The original's pattern: 4..253 characters, dot-separated labels of 1..63 letters/digits/dashes not starting or
// ending with a dash, and an alphabetic top-level label.
const fqdnPattern = /^(?=.{4,253}$)((?!-)[a-zA-Z0-9-]{1,63}(?<!-)\.)+[a-zA-Z]{2,63}$/;

/** True for a fully qualified host name the original accepted (`api.example.com`). */
export function isFqdn(value: string): boolean {
  return fqdnPattern.test(value);
}

/** A `restrict_access_to` entry as the security group gets it: a bare IPv4 address becomes `/32`, as in the original. */
export function normalizeAccessCidr(value: string): string {
  return value.includes('/') ? value.trim() : `${value.trim()}/32`;
}

/** What is wrong with a `restrict_access_to` entry, or undefined when it is a usable IPv4 CIDR (or bare address). */
export function restrictAccessProblem(value: string): string | undefined {
  const parsed = parseCidr(normalizeAccessCidr(value));
  return parsed.ok ? undefined : `${parsed.problem}; give an IPv4 CIDR such as 203.0.113.0/24 or an address`;
}

// AWS Fargate task sizes: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
const fargateSizes: ReadonlyArray<{ cpu: number; from: number; to: number; step: number; extra?: number[] }> =
  [
    { cpu: 256, from: 1024, to: 2048, step: 1024, extra: [512] },
    { cpu: 512, from: 1024, to: 4096, step: 1024 },
    { cpu: 1024, from: 2048, to: 8192, step: 1024 },
    { cpu: 2048, from: 4096, to: 16384, step: 1024 },
    { cpu: 4096, from: 8192, to: 30720, step: 1024 },
    { cpu: 8192, from: 16384, to: 61440, step: 4096 },
    { cpu: 16384, from: 32768, to: 122880, step: 8192 },
  ];

/** The Fargate CPU values AWS accepts. */
export const fargateCpuValues: readonly number[] = fargateSizes.map((size) => size.cpu);

/** The memory values (MiB) AWS accepts with a Fargate CPU value; empty for an unknown CPU value. */
export function fargateMemoryValues(cpu: number): number[] {
  const size = fargateSizes.find((candidate) => candidate.cpu === cpu);
  if (size === undefined) {
    return [];
  }
  const values = [...(size.extra ?? [])];
  for (let memory = size.from; memory <= size.to; memory += size.step) {
    values.push(memory);
  }
  return values;
}

function describeChoices(values: readonly number[]): string {
  return values.length > 6
    ? `${values.slice(0, 3).join(', ')}, ..., ${values.slice(-2).join(', ')}`
    : values.join(', ');
}

function fargateProblems(path: string, fargate: { cpu: number; memory: number }): string[] {
  const memories = fargateMemoryValues(fargate.cpu);
  if (memories.length === 0) {
    return [`${path}.cpu: Fargate accepts ${fargateCpuValues.join(', ')}, got ${fargate.cpu}`];
  }
  if (!memories.includes(fargate.memory)) {
    return [
      `${path}.memory: with cpu ${fargate.cpu} Fargate accepts memory ${describeChoices(memories)} (MiB), ` +
        `got ${fargate.memory}`,
    ];
  }
  return [];
}

/** The ALB mode a service's http_interface uses: its own, else the environment default, else dedicated. */
export function effectiveAlbMode(settings: ServiceSettings, defaults: ServiceDefaults): AlbMode {
  return settings.http_interface?.alb_mode ?? defaults.alb_mode ?? 'dedicated';
}

/** The log driver a service uses: its own `logging` (null = none), else the environment default, else awslogs. */
export function effectiveLogging(settings: ServiceSettings, defaults: ServiceDefaults): string | null {
  if (settings.logging !== undefined) {
    return settings.logging;
  }
  const fallback = defaults.logging;
  return typeof fallback === 'string' && fallback !== '' ? fallback : 'awslogs';
}

function httpProblems(path: string, settings: ServiceSettings): string[] {
  if (settings.http_interface === undefined && settings.health_check_grace_period_seconds !== undefined) {
    return [`${path}.health_check_grace_period_seconds: only applies to services with an http_interface`];
  }
  return [];
}

function sidecarProblems(path: string, key: string, settings: ServiceSettings): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  (settings.sidecars ?? []).forEach((sidecar, index) => {
    if (names.has(sidecar.name) || sidecar.name === `${key}Container`) {
      problems.push(
        `${path}.sidecars.${index}.name: "${sidecar.name}" is used by another container of this service`,
      );
    }
    names.add(sidecar.name);
    if (sidecar.name === fluentbitSidecarName && sidecar.logging === 'awsfirelens') {
      problems.push(
        `${path}.sidecars.${index}.logging: the FireLens sidecar cannot log through itself; ` +
          'set its logging to "awslogs" or null',
      );
    }
  });
  if (settings.fargate !== undefined) {
    const reserved = (settings.sidecars ?? []).reduce((sum, sidecar) => sum + sidecar.memory_reservation, 0);
    if (reserved >= settings.fargate.memory) {
      problems.push(
        `${path}.sidecars: the sidecars reserve ${reserved} MiB, which leaves nothing of the task's ` +
          `${settings.fargate.memory} MiB (fargate.memory) for the main container`,
      );
    }
  }
  return problems;
}

function scalingProblems(path: string, settings: ServiceSettings): string[] {
  const scaling = settings.autoscaling;
  if (scaling === undefined) {
    return [];
  }
  const problems: string[] = [];
  if (scaling.min > scaling.max) {
    problems.push(`${path}.autoscaling.min: must not exceed max (${scaling.max}), got ${scaling.min}`);
  }
  if (scaling.cpu_target === undefined && scaling.requests_per_target === undefined) {
    problems.push(`${path}.autoscaling: give cpu_target (percent) and/or requests_per_target to scale on`);
  }
  if (scaling.requests_per_target !== undefined && settings.http_interface === undefined) {
    problems.push(
      `${path}.autoscaling.requests_per_target: needs an http_interface (requests are counted by the ALB)`,
    );
  }
  return problems;
}

function placementProblems(path: string, settings: ServiceSettings): string[] {
  const constraints = settings.placement_constraints ?? [];
  if (constraints.length > 0 && settings.fargate !== undefined) {
    return [`${path}.placement_constraints: Fargate services cannot have placement constraints`];
  }
  const problems: string[] = [];
  constraints.forEach((constraint, index) => {
    if (constraint.type === 'memberOf' && constraint.expression === undefined) {
      problems.push(`${path}.placement_constraints.${index}.expression: memberOf needs an expression`);
    }
    if (constraint.type === 'distinctInstance' && constraint.expression !== undefined) {
      problems.push(
        `${path}.placement_constraints.${index}.expression: distinctInstance takes no expression`,
      );
    }
  });
  return problems;
}

function portProblems(path: string, settings: ServiceSettings): string[] {
  const port = settings.custom_metrics?.metrics_port;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return [`${path}.custom_metrics.metrics_port: must be a port from 1 to 65535, got "${port}"`];
  }
  return [];
}

/** Host names routed (cluster mode) to two services; in dedicated mode they are not routed, so they may repeat. */
function hostnameClashes(config: ServiceConfig, defaults: ServiceDefaults): string[] {
  const owners = new Map<string, string>();
  const problems: string[] = [];
  for (const [key, settings] of Object.entries(config.services)) {
    if (effectiveAlbMode(settings, defaults) !== 'cluster') {
      continue;
    }
    (settings.http_interface?.hostnames ?? []).forEach((host, index) => {
      const owner = owners.get(host.toLowerCase());
      if (owner !== undefined) {
        problems.push(
          `services.${key}.http_interface.hostnames.${index}: "${host}" is already routed to ${owner}`,
        );
      }
      owners.set(host.toLowerCase(), owner ?? key);
    });
  }
  return problems;
}

/** Every semantic problem of a schema-valid configuration, as `path: problem` lines (empty when it is usable). */
export function checkServiceConfig(config: ServiceConfig, defaults: ServiceDefaults): string[] {
  const problems: string[] = [];
  for (const [key, settings] of Object.entries(config.services)) {
    const path = `services.${key}`;
    if (settings.fargate !== undefined) {
      problems.push(...fargateProblems(`${path}.fargate`, settings.fargate));
    }
    problems.push(
      ...httpProblems(path, settings),
      ...sidecarProblems(path, key, settings),
      ...scalingProblems(path, settings),
      ...placementProblems(path, settings),
      ...portProblems(path, settings),
    );
  }
  problems.push(...hostnameClashes(config, defaults));
  return problems;
}
