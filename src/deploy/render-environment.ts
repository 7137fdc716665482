// render_environment: the environment stack's template for a configuration, built without any AWS call (with
// --config-file) so it can be reviewed and diffed in CI. Facts the original looked up come from flags or defaults.
import type { Context } from '../context.js';
import type { EnvironmentConfig } from '../core/config/environment.js';
import { isEc2Cluster } from '../core/config/environment.js';
import type { Template } from '../core/templates/template.js';
import { isAmiId } from '../core/names.js';
import type { EnvironmentFacts } from '../core/templates/environment.js';
import { UsageError } from '../errors.js';
import { cloudliftVersion } from '../version.js';
import { readConfigFile } from './input-file.js';

/** What render_environment was asked for. */
export interface RenderEnvironmentRequest {
  environment: string;
  /** The `<env>` document or the stored `{ "<env>": ... }` layout (`-`: stdin); else the stored configuration. */
  configFile?: string;
  /** `a,b`: the two availability zones (default `<region>a,<region>b`). */
  availabilityZones?: string;
  /** The hosts' AMI (default: a placeholder; create/update look the real one up). */
  amiId?: string;
  desiredOnDemand?: string;
  desiredSpot?: string;
}

/** The AMI id rendered when none is given: obviously not a real image. */
export const placeholderAmiId = 'ami-00000000000000000';

async function storedDocument(ctx: Context, environment: string): Promise<unknown> {
  const { environmentNotFound, openConfigStore } = await import('./config-store.js');
  const store = await openConfigStore(ctx);
  const stored = await store.loadEnvironment(environment);
  if (stored === undefined) {
    throw environmentNotFound(environment, store.region);
  }
  ctx.ui.info(`Rendering the stored configuration of ${environment} (read only; nothing is changed).`);
  return stored.document;
}

function parseCount(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!/^\d{1,4}$/.test(value)) {
    throw new UsageError(`${flag} ${value}: expected a whole number`, { hint: `Pass e.g. ${flag} 2.` });
  }
  return Number(value);
}

/** The facts for a render: flags, else documented defaults. */
export function renderFacts(request: RenderEnvironmentRequest, config: EnvironmentConfig): EnvironmentFacts {
  const zones = (request.availabilityZones ?? `${config.region}a,${config.region}b`)
    .split(',')
    .map((zone) => zone.trim());
  const [first, second] = zones;
  if (
    zones.length !== 2 ||
    first === undefined ||
    second === undefined ||
    !zones.every((zone) => /^[a-z0-9-]+[a-z]$/.test(zone))
  ) {
    throw new UsageError(
      `--az ${request.availabilityZones ?? ''}: expected two availability zones, e.g. ${config.region}a,${config.region}b`,
      {
        hint: `Pass --az ${config.region}a,${config.region}b (the original used the region's first two zones).`,
      },
    );
  }
  const amiId = request.amiId ?? placeholderAmiId;
  if (!isAmiId(amiId)) {
    throw new UsageError(`--ami-id ${amiId}: not an AMI id`, {
      hint: 'Pass e.g. --ami-id ami-0123456789abcdef0.',
    });
  }
  return {
    environment: request.environment,
    availabilityZones: [first, second],
    amiId,
    desiredInstances: {
      onDemand: parseCount('--desired-on-demand', request.desiredOnDemand),
      spot: parseCount('--desired-spot', request.desiredSpot),
    },
    cloudliftVersion,
  };
}

/** A fleet's desired count as someone asked for it or it runs, and who that was (for the warning). */
export interface DesiredSource {
  onDemand?: { count: number; from: string };
  spot?: { count: number; from: string };
}

/**
 * What the template does to desired counts that do not fit the configuration (see `desiredCapacity` in the fleets
 * template): a count above the fleet maximum is lowered to it, one below the minimum (or 0) raised to it, and a fleet
 * that is not in the template ignores its count. One line each, so the template never silently differs from the ask.
 */
export function desiredCapacityWarnings(config: EnvironmentConfig, desired: DesiredSource): string[] {
  if (!isEc2Cluster(config.cluster)) {
    return [desired.onDemand, desired.spot].flatMap((asked) =>
      asked === undefined ? [] : [`${asked.from}: not used, a Fargate-only environment has no EC2 fleets.`],
    );
  }
  const { cluster } = config;
  const fleets = [
    { asked: desired.onDemand, name: 'on-demand', group: 'AutoScalingGroupOnDemand', prefix: '',
      min: cluster.min_instances, max: cluster.max_instances },
    { asked: desired.spot, name: 'spot', group: 'AutoScalingGroupSpot', prefix: 'spot_',
      min: cluster.spot_min_instances ?? 0, max: cluster.spot_max_instances ?? 0 },
  ]; // prettier-ignore
  const warnings: string[] = [];
  for (const { asked, name, group, prefix, min, max } of fleets) {
    if (asked === undefined) {
      continue;
    }
    const minField = `cluster.${prefix}min_instances`;
    const maxField = `cluster.${prefix}max_instances`;
    if (min < 1) {
      warnings.push(
        `${asked.from}: not used, the ${name} fleet is not in the template (${minField} is ${min}).`,
      );
    } else if (asked.count > max) {
      warnings.push(
        `${asked.from} is above ${maxField} (${max}): ${group} gets desired capacity ${max}, the fleet maximum.`,
      );
    } else if (asked.count < min) {
      warnings.push(
        `${asked.from} is below ${minField} (${min}): ${group} gets desired capacity ${min}, the fleet minimum.`,
      );
    }
  }
  return warnings;
}

/** Validates the configuration and builds the template; warnings (e.g. a skipped fleet) go to stderr. */
export async function renderEnvironment(ctx: Context, request: RenderEnvironmentRequest): Promise<Template> {
  const { parseEnvironmentConfig, unwrapEnvironmentDocument } = await import('../core/config/environment.js');
  const { environmentProblems } = await import('../core/config/environment-checks.js');
  const document =
    request.configFile === undefined
      ? await storedDocument(ctx, request.environment)
      : unwrapEnvironmentDocument(request.environment, await readConfigFile(ctx, request.configFile));
  const config = parseEnvironmentConfig(request.environment, document);
  for (const problem of environmentProblems(request.environment, config)) {
    ctx.ui.warn(`${problem.field}: ${problem.message}`);
  }
  const facts = renderFacts(request, config);
  const asked = (flag: string, count: number | undefined) =>
    count === undefined ? undefined : { count, from: `${flag} ${count}` };
  const warnings = desiredCapacityWarnings(config, {
    onDemand: asked('--desired-on-demand', facts.desiredInstances?.onDemand),
    spot: asked('--desired-spot', facts.desiredInstances?.spot),
  });
  for (const warning of warnings) {
    ctx.ui.warn(warning);
  }
  if (request.amiId === undefined && config.cluster.type !== 'fargate') {
    ctx.ui.info(`AMI: ${placeholderAmiId} (placeholder; pass --ami-id to render a real one).`);
  }
  const { environmentTemplate } = await import('../cdk/templates.js');
  return environmentTemplate(config, facts);
}
