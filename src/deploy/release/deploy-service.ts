// deploy_service: check everything read-only (service stack, env.sample vs Parameter Store, version, image, the
// running task definitions), then build/push the image, register new revisions, roll every ECS service of the app
// out concurrently and report an honest verdict per service.
import type { Context } from '../../context.js';
import { ecsApi } from '../../aws/ecs.js';
import type { EcsApi } from '../../aws/ecs.js';
import { servingTaskDefinition } from '../../core/release/deploy-verdict.js';
import type { ServiceOutcome, WatchSettings } from '../../core/release/deploy-verdict.js';
import type { ImageVersion } from '../../core/release/image.js';
import type { Release } from '../../core/release/releases.js';
import { clusterName } from '../../core/naming.js';
import { InterruptedError, messageOf } from '../../errors.js';
import { RolloutView, shortArn } from '../../ui/rollout.js';
import { changedVariables, changedVariablesLine, ledgerOnce } from './config-changes.js';
import type { Versions } from './config-changes.js';
import { environmentRegion } from '../config/config-store.js';
import { allDeployed, assertDeployed } from './deploy-report.js';
import type { ServiceResult, WayBack } from './deploy-report.js';
import { ensureImage, locateImage, requireContainerEngine, resolveVersion } from './image.js';
import type { ImageTarget } from './image.js';
import { loadReleaseConfig } from './release-config.js';
import { rollOut } from './rollout.js';
import { appServices } from '../service/service-stack.js';
import type { DeployRecording } from './releases.js';
import { planService } from './task-definitions.js';
import type { ServicePlan } from './task-definitions.js';

/** What deploy_service was asked to do. */
export interface DeployOptions {
  environment: string;
  app: string;
  version?: string;
  buildArgs: Readonly<Record<string, string>>;
  /** Deploy even when every service already runs this release. */
  force: boolean;
  settings: WatchSettings;
  concurrency: number;
  /** The release ledger and deploy lock (src/deploy/release/releases.ts `recordDeploy`), told just before the first change. */
  recording?: DeployRecording;
}

/** What a deploy did, for --json and the caller. */
export interface DeployResult {
  environment: string;
  app: string;
  region: string;
  version: string;
  image: string;
  services: ServiceResult[];
}

/** Everything read before the first change. */
interface Prepared {
  region: string;
  version: ImageVersion;
  image: ImageTarget;
  ecs: EcsApi;
  cluster: string;
  plans: ServicePlan[];
  view: RolloutView;
  /** Per service redeployed because values changed in Parameter Store: the variables (null: the ledger cannot tell). */
  changed: Map<ServicePlan, string[] | null>;
}

/** The read-only half: region, services, env.sample, version, image lookup, and each service's next revision. */
async function prepare(ctx: Context, options: DeployOptions): Promise<Prepared> {
  const { environment, app } = options;
  const region = await environmentRegion(ctx, environment);
  ctx.ui.warn(`Deploying to ${region}`);
  const services = await appServices(ctx, app, environment, region);
  const config = await loadReleaseConfig(ctx, { environment, app, region });
  const version = await resolveVersion(ctx, options.version);
  ctx.ui.info(`name: ${app} | environment: ${environment} | version: ${version.tag}`);
  ctx.ui.step('Checking image in ECR');
  const image = await locateImage(ctx, app, region, version);
  if (!image.inEcr) {
    await requireContainerEngine(ctx); // a build is needed: a missing or stopped Docker stops us before any write
  }
  const ecs = await ecsApi(ctx, region);
  const cluster = clusterName(environment);
  const release = {
    cluster,
    imageUri: image.uri,
    tag: version.tag,
    alwaysDeploy: version.alwaysBuild,
    config,
  };
  const plans = await Promise.all(services.map((service) => planService(ecs, service, release)));
  const view = new RolloutView(
    ctx.ui,
    plans.map((plan) => plan.service.logicalName),
  );
  const ledger = ledgerOnce(ctx, app, environment);
  const changed = new Map<ServicePlan, string[] | null>();
  for (const plan of plans) {
    describePlan(view, plan, options.force);
    const keys = await describeConfigChange(view, plan, config.versions, ledger);
    if (keys !== undefined) {
      changed.set(plan, keys);
    }
  }
  return { region, version, image, ecs, cluster, plans, view, changed };
}

/** Runs the deploy; throws a CloudliftError with the verdict's exit code unless every service is fine. */
export async function deployService(ctx: Context, options: DeployOptions): Promise<DeployResult> {
  const { environment, app } = options;
  const prepared = await prepare(ctx, options);
  const { region, version, image, plans, view } = prepared;
  const result: DeployResult = {
    environment,
    app,
    region,
    version: version.tag,
    image: image.uri,
    services: [],
  };
  const toDeploy = plans.filter((plan) => options.force || plan.changeReason !== undefined);
  if (toDeploy.length === 0) {
    ctx.ui.success(`Nothing to deploy: every service already runs ${version.tag} with this configuration`);
    ctx.ui.info('Pass --force to start new tasks anyway (e.g. to pick up a re-pushed image).');
    result.services = plans.map((plan) => unchanged(plan));
    if (ctx.globals.json) {
      ctx.ui.json(result);
    }
    return result;
  }
  const started = await options.recording?.started({ region, version: version.tag, image: image.uri });
  await ensureImage(ctx, app, image, options.buildArgs).catch((error: unknown) => {
    // Ctrl-C also reaches docker (same process group) and makes the build or push fail: say what it really was.
    throw ctx.signal.aborted
      ? new InterruptedError('Interrupted while building or pushing the image; no service was changed')
      : error;
  });
  const registered = await registerAll(ctx, prepared.ecs, toDeploy, (arns, failed, error) => {
    // The ledger keeps what was registered and what each service ran before, even though nothing rolled out.
    options.recording?.services(registrationStopped(plans, toDeploy, arns, failed, error));
  });
  ctx.ui.step(`Initiating deployment of ${toDeploy.length} service${toDeploy.length === 1 ? '' : 's'}`);
  const deployed = await rollOutAll(ctx, options, prepared, toDeploy, registered);
  result.services = plans.map((plan) => deployed.get(plan) ?? unchanged(plan));
  ctx.ui.info('');
  view.summary(result.services);
  if (ctx.globals.json) {
    ctx.ui.json(result);
  }
  options.recording?.services(result.services);
  if (!allDeployed(result.services)) {
    assertDeployed(environment, app, result.services, wayBack(options, await started?.rollbackTarget()));
  }
  ctx.ui.success(`Deployed ${app} ${version.tag} to ${environment}`);
  return result;
}

/** Rolls the planned services out, at most --concurrency at once; a service not started before Ctrl-C says so. */
async function rollOutAll(
  ctx: Context,
  options: DeployOptions,
  prepared: Prepared,
  plans: readonly ServicePlan[],
  registered: readonly string[],
): Promise<Map<ServicePlan, ServiceResult>> {
  const outcomes = await runLimited(plans, options.concurrency, ctx.signal, async (plan, index) => {
    const started = ctx.clock.now().getTime();
    const outcome = await rollOutSafely(ctx, {
      ecs: prepared.ecs,
      cluster: prepared.cluster,
      name: plan.service.logicalName,
      ecsServiceName: plan.service.ecsServiceName,
      taskDefinition: registered[index] ?? '',
      desiredCount: plan.desiredCount,
      eventsBefore: plan.snapshot.events,
      containers: plan.next.containerDefinitions,
      settings: options.settings,
      ...pollOverride(ctx),
      view: prepared.view,
    });
    return { outcome, elapsedMs: ctx.clock.now().getTime() - started };
  });
  const results = new Map<ServicePlan, ServiceResult>();
  plans.forEach((plan, index) => {
    const done = outcomes[index];
    const taskDefinition = registered[index];
    const changedVariables = prepared.changed.get(plan);
    results.set(plan, {
      name: plan.service.logicalName,
      ecsServiceName: plan.service.ecsServiceName,
      outcome: done?.outcome ?? { kind: 'not-started' },
      ...(taskDefinition === undefined ? {} : { taskDefinition }),
      previousTaskDefinition: servingTaskDefinition(plan.snapshot.service),
      ...(done === undefined ? {} : { elapsedMs: done.elapsedMs }),
      ...(changedVariables === undefined ? {} : { changedVariables }),
    });
  });
  return results;
}

/** `cloudlift rollback` when the ledger has a good release to go back to. */
function wayBack(options: DeployOptions, rollbackTo: number | undefined): WayBack | undefined {
  return rollbackTo === undefined
    ? undefined
    : {
        command: `cloudlift rollback -e ${options.environment} --name ${options.app}`,
        what: `the last good release (v${rollbackTo})`,
      };
}

function unchanged(plan: ServicePlan): ServiceResult {
  return {
    name: plan.service.logicalName,
    ecsServiceName: plan.service.ecsServiceName,
    outcome: { kind: 'unchanged' },
    taskDefinition: plan.current.arn,
  };
}

/** The image and configuration changes of one service, as the original printed them before deploying. */
function describePlan(view: RolloutView, plan: ServicePlan, force: boolean): void {
  const name = plan.service.logicalName;
  view.line(name, `${plan.service.ecsServiceName} runs ${shortArn(plan.current.arn)}`);
  if (plan.snapshot.service.desiredCount === 0) {
    view.line(name, 'First deploy: desired count 0 → 1');
  }
  for (const image of plan.diff.images) {
    view.line(name, `New image for ${image.container}: ${image.to} (was: ${image.from})`);
  }
  if (plan.diff.images.length === 0) {
    view.line(name, 'No change in image version');
  }
  for (const secret of plan.diff.secrets) {
    const change = secret.from === '-' ? 'added' : secret.to === '-' ? 'removed' : 'now from';
    view.line(name, `Variable ${secret.name} ${change}${change === 'now from' ? ` ${secret.to}` : ''}`);
  }
  if (plan.changeReason === undefined) {
    view.line(
      name,
      force ? 'Already runs this release; deploying anyway (--force)' : 'Already runs this release',
    );
  } else {
    view.line(name, `Deploying: ${plan.changeReason}`);
  }
}

/** Names the variables whose values changed (never the values) when that is why a service is redeployed. */
async function describeConfigChange(
  view: RolloutView,
  plan: ServicePlan,
  current: Versions,
  ledger: () => Promise<readonly Release[] | undefined>,
): Promise<string[] | null | undefined> {
  const keys = await changedVariables(plan.diff.configChanged, plan.current.tags, current, ledger);
  const line = keys === undefined ? undefined : changedVariablesLine(keys, 'the running versions');
  if (line !== undefined) {
    view.line(plan.service.logicalName, line);
  }
  return keys;
}

/**
 * Registers the next revision of every service (old revisions are kept: they are what a rollback needs). When one
 * registration fails, `stopped` hears what was registered before it, then the error is rethrown.
 */
async function registerAll(
  ctx: Context,
  ecs: EcsApi,
  plans: readonly ServicePlan[],
  stopped: (registered: readonly string[], failed: ServicePlan, error: unknown) => void,
): Promise<string[]> {
  const arns: string[] = [];
  for (const plan of plans) {
    const arn = await ecs.registerTaskDefinition(plan.next).catch((error: unknown) => {
      stopped(arns, plan, error);
      throw error;
    });
    ctx.ui.info(`Registered ${shortArn(arn)} for ${plan.service.logicalName}`);
    arns.push(arn);
  }
  return arns;
}

/**
 * Every service after a registration failed part-way: the registered revisions (not rolled out) and what each service
 * ran, the service whose registration failed, those not reached, and the unchanged ones.
 */
function registrationStopped(
  plans: readonly ServicePlan[],
  toDeploy: readonly ServicePlan[],
  registered: readonly string[],
  failed: ServicePlan,
  error: unknown,
): ServiceResult[] {
  return plans.map((plan) => {
    const index = toDeploy.indexOf(plan);
    if (index < 0) {
      return unchanged(plan);
    }
    const taskDefinition = registered[index];
    const outcome: ServiceOutcome =
      plan === failed
        ? failedOutcome(`its new task definition could not be registered: ${messageOf(error)}`)
        : { kind: 'not-started' };
    return {
      name: plan.service.logicalName,
      ecsServiceName: plan.service.ecsServiceName,
      outcome,
      ...(taskDefinition === undefined ? {} : { taskDefinition }),
      previousTaskDefinition: servingTaskDefinition(plan.snapshot.service),
    };
  });
}

function failedOutcome(reason: string): ServiceOutcome {
  return {
    kind: 'failed',
    reason,
    failures: [],
    progress: { desired: 0, running: 0, pending: 0, oldRunning: 0, failedTasks: 0, text: '' },
  };
}

/** rollOut, with an unexpected error (e.g. AWS throttling for minutes) turned into this service's failure. */
async function rollOutSafely(ctx: Context, input: Parameters<typeof rollOut>[1]): Promise<ServiceOutcome> {
  try {
    return await rollOut(ctx, input);
  } catch (error) {
    const reason = `cloudlift stopped watching: ${messageOf(error)}`;
    input.view.line(input.name, ctx.ui.colors.red(`✘ ${reason}`));
    return failedOutcome(reason);
  }
}

function pollOverride(ctx: Context): { pollOverrideMs?: number } {
  const value = Number.parseInt(ctx.env.CLOUDLIFT_POLL_INTERVAL_MS ?? '', 10);
  return Number.isFinite(value) && value > 0 ? { pollOverrideMs: value } : {};
}

/** Runs `work` over `items`, at most `limit` at once; items not started before Ctrl-C stay undefined. */
export async function runLimited<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  work: (item: T, index: number) => Promise<R>,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = items.map(() => undefined);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal.aborted) {
      const index = next;
      next += 1;
      const item = items[index];
      if (item !== undefined) {
        results[index] = await work(item, index);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker()));
  return results;
}

/** The outcome kinds that count as success. */
export function isSuccess(outcome: ServiceOutcome): boolean {
  return outcome.kind === 'succeeded' || outcome.kind === 'unchanged';
}
