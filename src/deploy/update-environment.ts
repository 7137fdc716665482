// update_environment: the stored configuration (optionally replaced by --config-file or edited with --edit) →
// validation → pre-flight checks → [ECS agent updates] → change-set preview → confirm (--yes) → update with progress.
// Each fleet keeps its running size, and subnets keep their zones, so an update never resizes or replaces by accident.
import type { Context } from '../context.js';
import type { EnvironmentConfig } from '../core/config/environment.js';
import { isExistingVpc, newVpcSubnets } from '../core/config/environment.js';
import { environmentIds, fleetIds } from '../core/naming.js';
import type { EnvironmentFacts } from '../core/templates/environment.js';
import { CloudliftError } from '../errors.js';
import { cloudliftVersion } from '../version.js';
import { environmentNotFound, openConfigStore } from './config-store.js';
import { environmentParameters, environmentStack, warnAbout } from './create-environment.js';
import { environmentInput } from './environment-input.js';
import { environmentPreflight } from './environment-preflight.js';
import type { PreflightFacts } from './environment-preflight.js';
import { withSavedConfiguration } from './stack-messages.js';

/** What update_environment was asked for. */
export interface UpdateEnvironmentRequest {
  environment: string;
  configFile?: string;
  edit: boolean;
  updateEcsAgents: boolean;
}

/**
 * Facts from the running stack: each fleet's desired capacity (Appendix A #18: the original gave both fleets the
 * first group's count) and the zones of the existing public subnets, which must not move (a new zone replaces them).
 */
async function deployedFacts(
  ctx: Context,
  environment: string,
  config: EnvironmentConfig,
  looked: PreflightFacts,
): Promise<Pick<EnvironmentFacts, 'availabilityZones' | 'desiredInstances'>> {
  const { stackApi } = await import('../aws/cloudformation.js');
  const { desiredCapacities } = await import('../aws/autoscaling.js');
  const stacks = await stackApi(ctx, config.region);
  const resources = await stacks.resources(environmentStack(environment, config).stackName);
  const physical = (logicalId: string): string | undefined =>
    resources.find((resource) => resource.logicalId === logicalId)?.physicalId || undefined;
  const groups = {
    onDemand: physical(fleetIds('OnDemand').autoScalingGroup),
    spot: physical(fleetIds('Spot').autoScalingGroup),
  };
  const capacities = await desiredCapacities(
    ctx,
    config.region,
    Object.values(groups).filter((name) => name !== undefined),
  );
  const desiredInstances = {
    ...(groups.onDemand === undefined ? {} : { onDemand: capacities[groups.onDemand] }),
    ...(groups.spot === undefined ? {} : { spot: capacities[groups.spot] }),
  };
  let zones: [string, string] = looked.availabilityZones;
  if (!isExistingVpc(config.vpc)) {
    // The original put the 1st subnet in the 2nd zone and the 2nd subnet in the 1st.
    const [first, second] = newVpcSubnets(config.vpc, 'public').map(({ key }) =>
      physical(environmentIds(environment).publicSubnet(key)),
    );
    const { ec2Api } = await import('../aws/ec2.js');
    const ec2 = await ec2Api(ctx, config.region);
    const zoneOf = async (id: string | undefined) =>
      id === undefined ? undefined : (await ec2.subnet(id))?.availabilityZone;
    const [firstZone, secondZone] = await Promise.all([zoneOf(first), zoneOf(second)]);
    zones = [secondZone ?? zones[0], firstZone ?? zones[1]];
  }
  return { availabilityZones: zones, desiredInstances };
}

/** Asks every container instance's ECS agent to update, then waits until none is still updating. */
async function updateEcsAgents(ctx: Context, environment: string, config: EnvironmentConfig): Promise<void> {
  const { ecsAgentsApi } = await import('../aws/ecs-agents.js');
  const cluster = environmentStack(environment, config).stackName;
  const api = await ecsAgentsApi(ctx, config.region);
  ctx.ui.step(`Updating the ECS agents of ${cluster}...`);
  const instances = await api.containerInstances(cluster);
  if (instances.length === 0) {
    ctx.ui.info(`No container instances in ${cluster}: no agents to update.`);
    return;
  }
  const waiting: string[] = [];
  for (const arn of instances) {
    const started = await api.updateAgent(cluster, arn);
    ctx.ui.info(
      `  ${arn}: ${{ started: 'update started', 'up-to-date': 'already up to date', 'already-updating': 'already updating' }[started]}`,
    );
    if (started !== 'up-to-date') {
      waiting.push(arn);
    }
  }
  const deadline = ctx.clock.now().getTime() + 15 * 60_000;
  while (waiting.length > 0) {
    const statuses = await api.statuses(cluster, waiting);
    const failed = statuses.filter((item) => item.status === 'FAILED').map((item) => item.arn);
    const pending = statuses.filter((item) =>
      ['PENDING', 'STAGING', 'STAGED', 'UPDATING'].includes(item.status ?? ''),
    );
    for (const arn of failed) {
      ctx.ui.warn(`The ECS agent update of ${arn} failed; the instance keeps its current agent.`);
    }
    if (pending.length === 0) {
      ctx.ui.success(`ECS agents updated (${waiting.length - failed.length} of ${waiting.length}).`);
      return;
    }
    if (ctx.clock.now().getTime() > deadline) {
      ctx.ui.warn(
        `${pending.length} ECS agent update(s) still running after 15 minutes; continuing with the stack update.`,
      );
      return;
    }
    await ctx.clock.sleep(2_000, ctx.signal);
  }
}

/** Updates the environment. */
export async function updateEnvironment(ctx: Context, request: UpdateEnvironmentRequest): Promise<void> {
  const { environment } = request;
  const store = await openConfigStore(ctx);
  const stored = await store.loadEnvironment(environment);
  if (stored === undefined) {
    throw environmentNotFound(environment, store.region);
  }
  const input = await environmentInput(ctx, store, stored, { ...request, answers: {} });
  const { config } = input;
  warnAbout(ctx, environment, config);
  const subject = environmentStack(environment, config);
  const { describeStack, updateStack } = await import('./stacks.js');
  if ((await describeStack(ctx, subject)) === undefined) {
    throw new CloudliftError(
      'StackNotFound',
      `Environment ${environment} has no stack ${subject.stackName} in ${config.region}`,
      {
        hint: `Create it with \`cloudlift create_environment -e ${environment}\`.`,
      },
    );
  }
  ctx.ui.step('Checking that everything the configuration names exists...');
  const looked = await environmentPreflight(ctx, environment, config, 'update');
  if (input.save !== undefined) {
    await store.saveEnvironment(environment, input.document, input.save);
    ctx.ui.success(`Saved the configuration of ${environment}; it applies to the stack below.`);
  }
  if (request.updateEcsAgents) {
    await updateEcsAgents(ctx, environment, config);
  }
  const deployed = await deployedFacts(ctx, environment, config, looked);
  const { desiredCapacityWarnings } = await import('./render-environment.js');
  const running = (fleet: string, count: number | undefined) =>
    count === undefined
      ? undefined
      : { count, from: `The running ${fleet} fleet (desired capacity ${count})` };
  const warnings = desiredCapacityWarnings(config, {
    onDemand: running('on-demand', deployed.desiredInstances?.onDemand),
    spot: running('spot', deployed.desiredInstances?.spot),
  });
  for (const warning of warnings) {
    ctx.ui.warn(warning);
  }
  const { environmentTemplate } = await import('../cdk/templates.js');
  const template = environmentTemplate(config, {
    environment,
    amiId: looked.amiId,
    cloudliftVersion,
    ...deployed,
  });
  const saved = input.save !== undefined;
  const result = await updateStack(ctx, {
    ...subject,
    template,
    parameters: environmentParameters(environment, config),
    configurationSaved: saved,
  }).catch((error: unknown) => {
    throw saved ? withSavedConfiguration(error, `cloudlift update_environment -e ${environment}`) : error;
  });
  if (result.changed) {
    ctx.ui.recommend([`cloudlift show_environment -e ${environment}   # the configuration now applied`]);
  }
}
