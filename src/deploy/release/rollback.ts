// rollback: roll every ECS service of the app back to the task definitions of an earlier release, through the same
// roll-out and honest verdict as deploy_service, under the deploy lock, recorded as a new release; then print the
// command that undoes it. Images and variable names come back; variable values are today's (SSM keeps one value).
import type { Context } from '../../context.js';
import { ecsApi } from '../../aws/ecs.js';
import type { EcsApi } from '../../aws/ecs.js';
import { servingTaskDefinition } from '../../core/release/deploy-verdict.js';
import type { WatchSettings } from '../../core/release/deploy-verdict.js';
import { isSidecarContainer } from '../../core/release/image.js';
import { clusterName } from '../../core/naming.js';
import {
  changedConfigKeys,
  chooseRollbackTarget,
  isNoTarget,
  noRollbackTargetText,
  taskDefinitionLabel,
  undoInstruction,
} from '../../core/release/releases.js';
import type {
  Release,
  RunningService,
  ServiceRevision,
  UndoInstruction,
} from '../../core/release/releases.js';
import { registrationOf } from '../../core/release/task-definition.js';
import type { ContainerDefinition } from '../../core/release/task-definition.js';
import { CloudliftError, ConflictError, messageOf } from '../../errors.js';
import { RolloutView } from '../../ui/rollout.js';
import { environmentRegion } from '../config/config-store.js';
import { assertDeployed } from './deploy-report.js';
import type { ServiceResult, WayBack } from './deploy-report.js';
import { runLimited } from './deploy-service.js';
import {
  configVersions,
  getRelease,
  listReleases,
  outcomesOf,
  withDeployLock,
  withRelease,
} from './releases.js';
import { rollOut } from './rollout.js';
import { appServices } from '../service/service-stack.js';

/** What `rollback` was asked. */
export interface RollbackOptions {
  environment: string;
  app: string;
  /** `--to N`; default: the last successful release before the latest. */
  to?: number;
  forceUnlock: boolean;
  settings: WatchSettings;
  concurrency: number;
}

/** One service's roll-back plan, read before anything changes. */
interface Step {
  revision: ServiceRevision;
  ecsService: string;
  /** The task definition to roll out (the release's, or a copy of it when ECS marked it INACTIVE). */
  taskDefinition: string | { copyOf: string };
  containers: ContainerDefinition[];
  /** The task definition the ECS service runs before the rollback (undefined: no such service in the cluster). */
  running?: string;
}

/** The release to restore, the latest one (a release recorded later means someone else acted) and those read. */
async function chooseTarget(
  ctx: Context,
  options: RollbackOptions,
): Promise<{ target: Release; latest: Release; releases: Release[] }> {
  const { app, environment } = options;
  const recent = await listReleases(ctx, app, environment, 100);
  const older = options.to !== undefined && !recent.some((release) => release.number === options.to);
  const pool =
    older && options.to !== undefined
      ? [...recent, await getRelease(ctx, app, environment, options.to)]
      : recent;
  const target = chooseRollbackTarget(pool, options.to);
  const latest = recent[0];
  if (isNoTarget(target) || latest === undefined) {
    const text = noRollbackTargetText(app, environment, pool, options.to) ?? {
      message: `Nothing to roll back to: no releases of ${app} in ${environment} are recorded yet; nothing was changed`,
      hint: `Deploy a version you know works instead: cloudlift deploy_service -e ${environment} --name ${app} --version <sha>`,
    };
    throw new CloudliftError('NoRollbackTarget', text.message, { hint: text.hint });
  }
  return { target, latest, releases: pool };
}

/** Checks every service of the release against the current stack and ECS, without changing anything. */
async function planSteps(
  ctx: Context,
  ecs: EcsApi,
  options: RollbackOptions,
  target: Release,
  region: string,
): Promise<Step[]> {
  const current = await appServices(ctx, options.app, options.environment, region);
  const steps: Step[] = [];
  for (const revision of target.services) {
    const service = current.find((candidate) => candidate.logicalName === revision.component);
    if (service === undefined) {
      throw new CloudliftError(
        'ComponentGone',
        `Release v${target.number} has component ${revision.component}, which the stack no longer has`,
        {
          hint: `Roll back to a release made after the service change (cloudlift releases -e ${options.environment} --name ${options.app}).`,
        },
      );
    }
    const [described, snapshot] = await Promise.all([
      ecs.describeTaskDefinition(revision.taskDefinition),
      ecs.describeService(clusterName(options.environment), service.ecsServiceName),
    ]);
    const containers = (described.definition.containerDefinitions ?? []) as ContainerDefinition[];
    const inactive = described.status !== 'ACTIVE';
    if (inactive) {
      ctx.ui.warn(
        `${taskDefinitionLabel(described.arn)} is ${described.status}; registering a copy of it to roll back to.`,
      );
    }
    steps.push({
      revision,
      ecsService: service.ecsServiceName,
      taskDefinition: inactive ? { copyOf: described.arn } : described.arn,
      containers,
      ...(snapshot === undefined ? {} : { running: servingTaskDefinition(snapshot.service) }),
    });
  }
  for (const service of current.filter((s) => !target.services.some((r) => r.component === s.logicalName))) {
    ctx.ui.warn(
      `${service.logicalName} is not in release v${target.number}; it keeps running what it runs now.`,
    );
  }
  return steps;
}

async function resolveTaskDefinition(ecs: EcsApi, step: Step): Promise<string> {
  if (typeof step.taskDefinition === 'string') {
    return step.taskDefinition;
  }
  const described = await ecs.describeTaskDefinition(step.taskDefinition.copyOf);
  return ecs.registerTaskDefinition(registrationOf(described.definition, described.tags));
}

function mainImage(containers: readonly ContainerDefinition[]): string | undefined {
  return containers.find((container) => !isSidecarContainer(container.name ?? ''))?.image;
}

async function warnAboutConfig(
  ctx: Context,
  options: RollbackOptions,
  target: Release,
  region: string,
): Promise<void> {
  const now = await configVersions(ctx, options.app, options.environment, region);
  const changed = changedConfigKeys(target.configVersions, now);
  if (changed.length > 0) {
    ctx.ui.warn(
      `${changed.length} variable(s) changed since v${target.number} (${changed.join(', ')}): the rolled-back tasks ` +
        "read today's values. Restore old values with `cloudlift edit_config` if needed.",
    );
  }
}

/** Rolls back; throws the deploy error (exit 3–6, 130) when a service does not come back healthy. */
export async function rollback(
  ctx: Context,
  options: RollbackOptions,
): Promise<{ release: Release; undo: string }> {
  const { app, environment } = options;
  const region = await environmentRegion(ctx, environment);
  const ecs = await ecsApi(ctx, region);
  const { target, latest, releases } = await chooseTarget(ctx, options);
  ctx.ui.step(
    `Rolling ${app} in ${environment} back to release v${target.number} (${target.version ?? 'unknown version'}, deployed ${target.startedAt})`,
  );
  const steps = await planSteps(ctx, ecs, options, target, region);
  await warnAboutConfig(ctx, options, target, region);
  const undo = undoInstruction(app, environment, clusterName(environment), releases, runningBefore(steps));
  const lock = {
    app,
    environment,
    purpose: `rollback to v${target.number}`,
    forceUnlock: options.forceUnlock,
  };
  const start = {
    app,
    environment,
    region,
    kind: 'rollback' as const,
    rollbackOf: target.number,
    ...pickDefined({
      version: target.version,
      gitSha: target.gitSha,
      image: target.image,
      imageDigest: target.imageDigest,
    }),
  };
  const { release } = await withDeployLock(ctx, lock, async () => {
    await assertStillLatest(ctx, options, latest);
    return withRelease(ctx, start, async (recording) => {
      const view = new RolloutView(
        ctx.ui,
        steps.map((step) => step.revision.component),
      );
      const cluster = clusterName(environment);
      const results = await runLimited(steps, options.concurrency, ctx.signal, (step) =>
        rollBackOne(ctx, ecs, cluster, step, options, view),
      );
      const done = steps.map((step, index) => results[index] ?? notStarted(step));
      recording.note({
        services: done.flatMap((result) => revisionOf(result, steps)),
        serviceOutcomes: outcomesOf(done),
      });
      ctx.ui.info('');
      view.summary(done);
      sayUndo(ctx, undo);
      assertDeployed(environment, app, done, wayBackOf(undo));
    });
  });
  ctx.ui.success(
    `Rolled ${app} in ${environment} back to v${target.number}; recorded as release v${release.number}`,
  );
  return { release, undo: undo.command };
}

/** The undo command, as the way back when the rollback itself goes wrong. */
function wayBackOf(undo: UndoInstruction): WayBack | undefined {
  return undo.command === '' ? undefined : { command: undo.command, what: 'what ran before this rollback' };
}

function sayUndo(ctx: Context, undo: UndoInstruction): void {
  if (undo.release !== undefined) {
    ctx.ui.info(`Undo this rollback with: ${undo.command}`);
  } else if (undo.command !== '') {
    ctx.ui.info(
      `Undo this rollback with (no successful release in the ledger has what ran before): ${undo.command}`,
    );
  }
}

/** A release recorded between choosing the target and taking the lock changes what "back" means: start over. */
async function assertStillLatest(ctx: Context, options: RollbackOptions, latest: Release): Promise<void> {
  const now = (await listReleases(ctx, options.app, options.environment, 1))[0];
  if (now !== undefined && now.number !== latest.number) {
    throw new ConflictError(
      `Release v${now.number} of ${options.app} in ${options.environment} was recorded while the rollback was being prepared; nothing was changed`,
      'Run the rollback again to choose its target from the current releases.',
    );
  }
}

/** rollOne with an unexpected error (AWS throttling, a vanished task definition) turned into this service's failure. */
async function rollBackOne(
  ctx: Context,
  ecs: EcsApi,
  cluster: string,
  step: Step,
  options: RollbackOptions,
  view: RolloutView,
): Promise<ServiceResult> {
  try {
    return await rollOne(ctx, ecs, cluster, step, options, view);
  } catch (error) {
    const reason = `cloudlift stopped watching: ${messageOf(error)}`;
    const outcome = { kind: 'failed' as const, reason, failures: [], progress: noProgress };
    view.finished(step.revision.component, outcome);
    return { name: step.revision.component, ecsServiceName: step.ecsService, outcome };
  }
}

async function rollOne(
  ctx: Context,
  ecs: EcsApi,
  cluster: string,
  step: Step,
  options: RollbackOptions,
  view: RolloutView,
): Promise<ServiceResult> {
  const name = step.revision.component;
  const started = ctx.clock.now().getTime();
  const snapshot = await ecs.describeService(cluster, step.ecsService);
  if (snapshot === undefined) {
    const reason = `ECS service ${step.ecsService} is not in cluster ${cluster}`;
    const outcome = { kind: 'failed' as const, reason, failures: [], progress: noProgress };
    view.finished(name, outcome);
    return { name, ecsServiceName: step.ecsService, outcome };
  }
  const taskDefinition = await resolveTaskDefinition(ecs, step);
  const outcome = await rollOut(ctx, {
    ecs,
    cluster,
    name,
    ecsServiceName: step.ecsService,
    taskDefinition,
    desiredCount: snapshot.service.desiredCount === 0 ? 1 : snapshot.service.desiredCount,
    eventsBefore: snapshot.events,
    containers: step.containers,
    settings: options.settings,
    view,
  });
  // rollOut has printed the verdict line already.
  return {
    name,
    ecsServiceName: step.ecsService,
    outcome,
    taskDefinition,
    previousTaskDefinition: servingTaskDefinition(snapshot.service),
    elapsedMs: ctx.clock.now().getTime() - started,
  };
}

/** What each rolled-back service ran before the rollback: what undoing it restores. */
function runningBefore(steps: readonly Step[]): RunningService[] {
  return steps.flatMap((step) =>
    step.running === undefined || step.running === ''
      ? []
      : [{ component: step.revision.component, ecsService: step.ecsService, taskDefinition: step.running }],
  );
}

const noProgress = { desired: 0, running: 0, pending: 0, oldRunning: 0, failedTasks: 0, text: '' };

function notStarted(step: Step): ServiceResult {
  return { name: step.revision.component, ecsServiceName: step.ecsService, outcome: { kind: 'not-started' } };
}

function revisionOf(result: ServiceResult, steps: readonly Step[]): ServiceRevision[] {
  if (result.taskDefinition === undefined) {
    return [];
  }
  const step = steps.find((candidate) => candidate.revision.component === result.name);
  const image = step === undefined ? undefined : mainImage(step.containers);
  return [
    {
      component: result.name,
      ecsService: result.ecsServiceName,
      taskDefinition: result.taskDefinition,
      ...(result.previousTaskDefinition === undefined
        ? {}
        : { previousTaskDefinition: result.previousTaskDefinition }),
      ...(image === undefined ? {} : { image }),
    },
  ];
}

function pickDefined<T extends Record<string, string | undefined>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
