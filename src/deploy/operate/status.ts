// status: what runs for an app in an environment, read-only — per ECS service its counts, deployed revision and
// release, rollout, recent events and stopped tasks, plus CloudFormation drift of the service stack.
import type { Context } from '../../context.js';
import { detectDrift } from '../../aws/drift.js';
import { ecsApi } from '../../aws/ecs.js';
import type { EcsApi } from '../../aws/ecs.js';
import { servingTaskDefinition } from '../../core/release/deploy-verdict.js';
import { isSidecarContainer } from '../../core/release/image.js';
import { clusterName, serviceStackName } from '../../core/naming.js';
import { buildStatus, classifyDrift, statusLines } from '../../core/operate/status.js';
import type { ComponentObservation, DriftState, StatusReport } from '../../core/operate/status.js';
import type { ContainerDefinition } from '../../core/release/task-definition.js';
import { messageOf } from '../../errors.js';
import { environmentRegion } from '../config/config-store.js';
import { listReleases } from '../release/releases.js';
import { appServices } from '../service/service-stack.js';
import type { AppService } from '../service/service-stack.js';

/** What `status` was asked. */
export interface StatusOptions {
  environment: string;
  app: string;
  /** Run CloudFormation drift detection (slow on AWS: 10–60 s). */
  drift: boolean;
}

/** How many stopped tasks are described per service (ECS keeps them for about an hour). */
const stoppedTasksRead = 20;
/** How long drift detection may take before status reports it as unknown. */
const driftWait = { timeoutMs: 90_000, pollMs: 2000 };

async function observe(ecs: EcsApi, cluster: string, service: AppService): Promise<ComponentObservation> {
  const base = { component: service.logicalName, ecsService: service.ecsServiceName };
  const snapshot = await ecs.describeService(cluster, service.ecsServiceName);
  if (snapshot === undefined) {
    return { ...base, events: [], stoppedTasks: [] };
  }
  const primary = snapshot.service.taskDefinition;
  // During a rollout the tasks may still run another revision than the PRIMARY's: its image is shown too.
  const serving = servingTaskDefinition(snapshot.service);
  const [image, servingImage, stoppedArns] = await Promise.all([
    mainImage(ecs, primary),
    serving === primary ? undefined : mainImage(ecs, serving),
    ecs.listTaskArns(cluster, service.ecsServiceName, 'STOPPED'),
  ]);
  const stopped =
    stoppedArns.length === 0
      ? []
      : await ecs.describeStoppedTasks(cluster, stoppedArns.slice(0, stoppedTasksRead));
  return {
    ...base,
    service: snapshot.service,
    events: snapshot.events,
    ...(image === undefined ? {} : { image }),
    ...(servingImage === undefined ? {} : { servingImage }),
    stoppedTasks: stopped.filter((task) => task.lastStatus === 'STOPPED'),
  };
}

/** The image of a task definition's main (first non-sidecar) container. */
async function mainImage(ecs: EcsApi, taskDefinition: string): Promise<string | undefined> {
  if (taskDefinition === '') {
    return undefined;
  }
  const definition = await ecs.describeTaskDefinition(taskDefinition);
  const containers = (definition.definition.containerDefinitions ?? []) as ContainerDefinition[];
  return containers.find((container) => !isSidecarContainer(container.name ?? ''))?.image;
}

async function driftOf(ctx: Context, region: string, stackName: string, check: boolean): Promise<DriftState> {
  if (!check) {
    return { state: 'not-checked' };
  }
  ctx.ui.info(`Checking ${stackName} for drift (CloudFormation drift detection; --no-drift skips it)...`);
  const reading = await detectDrift(ctx, region, stackName, driftWait);
  return reading.kind === 'unknown'
    ? { state: 'unknown', reason: reading.reason }
    : classifyDrift(reading.resources);
}

/** Reads everything and builds the report. */
export async function readStatus(ctx: Context, options: StatusOptions): Promise<StatusReport> {
  const { environment, app } = options;
  const region = await environmentRegion(ctx, environment);
  const services = await appServices(ctx, app, environment, region);
  const ecs = await ecsApi(ctx, region);
  const cluster = clusterName(environment);
  const stackName = serviceStackName(app, environment);
  const [observations, releases, drift] = await Promise.all([
    Promise.all(services.map((service) => observe(ecs, cluster, service))),
    listReleases(ctx, app, environment, 100).catch((error: unknown) => {
      ctx.ui.warn(`Could not read the release ledger (${messageOf(error)}); release numbers are not shown.`);
      return [];
    }),
    driftOf(ctx, region, stackName, options.drift),
  ]);
  return buildStatus({ app, environment, stackName, observations, releases, drift });
}

/** `status`: prints the report (JSON with --json). */
export async function showStatus(ctx: Context, options: StatusOptions): Promise<StatusReport> {
  const report = await readStatus(ctx, options);
  if (ctx.globals.json) {
    ctx.ui.json(report);
  } else {
    ctx.ui.data(statusLines(report).join('\n'));
  }
  return report;
}
