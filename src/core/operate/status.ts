// What `status` reports for an app in an environment: per ECS service its counts, deployed task definition, image and
// release, rollout state, last events and stopped tasks with reasons, plus whether the stack drifted from its
// template. Pure: the use case in src/deploy/operate/status.ts gathers the observations.
import { cleanEventMessage, servingTaskDefinition } from '../release/deploy-verdict.js';
import type { ObservedService, ServiceEvent } from '../release/deploy-verdict.js';
import { classifyStoppedTask, taskIdOf } from '../release/stopped-task.js';
import type { StoppedTask } from '../release/stopped-task.js';
import { taskDefinitionLabel } from '../release/releases.js';
import type { Release } from '../release/releases.js';

/** How many events and stopped tasks each service shows. */
export const recentLimit = 5;

/** One drifted resource of the stack. */
export interface DriftedResource {
  logicalId: string;
  resourceType: string;
  /** MODIFIED or DELETED. */
  status: string;
  differences: { path: string; expected?: string; actual?: string; kind: string }[];
}

/** Whether the stack still matches its template. */
export type DriftState =
  | { state: 'in-sync' }
  | { state: 'drifted'; resources: DriftedResource[]; ignored: string[] }
  | { state: 'unknown'; reason: string }
  | { state: 'not-checked' };

/** What was read about one component's ECS service. */
export interface ComponentObservation {
  component: string;
  ecsService: string;
  /** Undefined when the cluster has no such service. */
  service?: ObservedService;
  events: ServiceEvent[];
  /** The main container's image of the service's task definition. */
  image?: string;
  /** The main container's image of the revision the tasks run, when that is not the service's (PRIMARY's) one. */
  servingImage?: string;
  stoppedTasks: StoppedTask[];
}

/** One word for a service's state. */
export type Health = 'healthy' | 'deploying' | 'degraded' | 'failed' | 'scaled-to-zero' | 'missing';

/** A stopped task, explained. */
export interface StoppedTaskStatus {
  taskId: string;
  taskDefinition: string;
  stoppedAt?: string;
  /** Plain words (for failures) or ECS's stop reason (for tasks stopped on purpose). */
  summary: string;
  reason: string;
  isFailure: boolean;
}

/** The status of one component. */
export interface ComponentStatus {
  component: string;
  ecsService: string;
  health: Health;
  desired: number;
  running: number;
  pending: number;
  taskDefinition?: string;
  image?: string;
  /** The release that rolled out this task definition, when the ledger knows it. */
  release?: number;
  /** The revision the running tasks run (they serve the traffic): the PRIMARY's, except during a rollout. */
  serving?: { taskDefinition: string; release?: number; image?: string };
  /** The PRIMARY revision, while it is being rolled out and the tasks still run another one (`serving`). */
  rollingOut?: { taskDefinition: string; release?: number };
  rolloutState?: string;
  rolloutReason?: string;
  deployments: {
    status: string;
    taskDefinition: string;
    desired: number;
    running: number;
    pending: number;
    rolloutState?: string;
  }[];
  events: { at: string; message: string }[];
  stoppedTasks: StoppedTaskStatus[];
}

/** The whole report. */
export interface StatusReport {
  app: string;
  environment: string;
  stackName: string;
  drift: DriftState;
  components: ComponentStatus[];
}

/**
 * Differences every deploy causes on purpose, so they are not drift: cloudlift rolls task definitions with
 * UpdateService (outside CloudFormation, as the original did), so the service's TaskDefinition always differs.
 */
const expectedDrift: Record<string, readonly string[]> = {
  'AWS::ECS::Service': ['TaskDefinition'],
};

/** Splits drifted resources into real drift and the differences deploys cause by design. */
export function classifyDrift(resources: readonly DriftedResource[]): DriftState {
  const real: DriftedResource[] = [];
  const ignored: string[] = [];
  for (const resource of resources) {
    const expected = expectedDrift[resource.resourceType] ?? [];
    const kept = resource.differences.filter((difference) => {
      const top = difference.path.replace(/^\//, '').split('/')[0] ?? '';
      if (resource.status === 'MODIFIED' && expected.includes(top)) {
        ignored.push(`${resource.logicalId}.${top}`);
        return false;
      }
      return true;
    });
    if (resource.status !== 'MODIFIED' || kept.length > 0) {
      real.push({ ...resource, differences: kept });
    }
  }
  return real.length === 0 ? { state: 'in-sync' } : { state: 'drifted', resources: real, ignored };
}

function healthOf(service: ObservedService): Health {
  const primary = service.deployments.find((deployment) => deployment.status === 'PRIMARY');
  if (primary?.rolloutState === 'FAILED') {
    return 'failed';
  }
  if (service.deployments.length > 1 || primary?.rolloutState === 'IN_PROGRESS') {
    return 'deploying';
  }
  if (service.desiredCount === 0 && service.runningCount === 0) {
    return 'scaled-to-zero';
  }
  return service.runningCount >= service.desiredCount && service.pendingCount === 0 ? 'healthy' : 'degraded';
}

/** The newest release whose services rolled out `taskDefinition` for `component` (successful ones first). */
export function releaseOf(
  releases: readonly Release[],
  component: string,
  taskDefinition: string,
): number | undefined {
  const matching = [...releases]
    .sort((a, b) => b.number - a.number)
    .filter((release) =>
      release.services.some(
        (service) => service.component === component && service.taskDefinition === taskDefinition,
      ),
    );
  return (matching.find((release) => release.outcome === 'succeeded') ?? matching[0])?.number;
}

function stoppedTaskStatus(task: StoppedTask): StoppedTaskStatus {
  const failure = classifyStoppedTask(task);
  const reason = task.stoppedReason ?? task.stopCode ?? 'no reason given';
  return {
    taskId: taskIdOf(task.taskArn),
    taskDefinition: taskDefinitionLabel(task.taskDefinitionArn),
    ...(task.stoppedAt === undefined ? {} : { stoppedAt: task.stoppedAt.toISOString() }),
    summary: failure?.summary ?? 'stopped on purpose',
    reason: failure?.detail ?? reason,
    isFailure: failure !== undefined,
  };
}

/** What the tasks run (`serving`) and, during a rollout to another revision, what is rolled out (`rollingOut`). */
function revisionsOf(
  observation: ComponentObservation,
  service: ObservedService,
  releases: readonly Release[],
): Pick<ComponentStatus, 'serving' | 'rollingOut'> {
  const servingArn = servingTaskDefinition(service);
  const servingRelease = releaseOf(releases, observation.component, servingArn);
  const servingImage = servingArn === service.taskDefinition ? observation.image : observation.servingImage;
  const serving = {
    taskDefinition: taskDefinitionLabel(servingArn),
    ...(servingRelease === undefined ? {} : { release: servingRelease }),
    ...(servingImage === undefined ? {} : { image: servingImage }),
  };
  const primary = service.deployments.find((deployment) => deployment.status === 'PRIMARY');
  const rolling = service.deployments.length > 1 || primary?.rolloutState === 'IN_PROGRESS';
  if (!rolling || servingArn === service.taskDefinition) {
    return { serving };
  }
  const release = releaseOf(releases, observation.component, service.taskDefinition);
  return {
    serving,
    rollingOut: {
      taskDefinition: taskDefinitionLabel(service.taskDefinition),
      ...(release === undefined ? {} : { release }),
    },
  };
}

/** The status of one component from what was observed. */
export function componentStatus(
  observation: ComponentObservation,
  releases: readonly Release[],
): ComponentStatus {
  const base = { component: observation.component, ecsService: observation.ecsService };
  const service = observation.service;
  if (service === undefined) {
    return {
      ...base,
      health: 'missing',
      desired: 0,
      running: 0,
      pending: 0,
      deployments: [],
      events: [],
      stoppedTasks: [],
    };
  }
  const primary = service.deployments.find((deployment) => deployment.status === 'PRIMARY');
  const release = releaseOf(releases, observation.component, service.taskDefinition);

  const stopped = [...observation.stoppedTasks]
    .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0))
    .slice(0, recentLimit);
  return {
    ...base,
    health: healthOf(service),
    desired: service.desiredCount,
    running: service.runningCount,
    pending: service.pendingCount,
    taskDefinition: taskDefinitionLabel(service.taskDefinition),
    ...(observation.image === undefined ? {} : { image: observation.image }),
    ...(release === undefined ? {} : { release }),
    ...revisionsOf(observation, service, releases),
    ...(primary?.rolloutState === undefined ? {} : { rolloutState: primary.rolloutState }),
    ...(primary?.rolloutStateReason === undefined ? {} : { rolloutReason: primary.rolloutStateReason }),
    deployments: service.deployments.map((deployment) => ({
      status: deployment.status,
      taskDefinition: taskDefinitionLabel(deployment.taskDefinition),
      desired: deployment.desiredCount,
      running: deployment.runningCount,
      pending: deployment.pendingCount,
      ...(deployment.rolloutState === undefined ? {} : { rolloutState: deployment.rolloutState }),
    })),
    events: [...observation.events]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, recentLimit)
      .map((event) => ({ at: event.createdAt.toISOString(), message: cleanEventMessage(event.message) })),
    stoppedTasks: stopped.map(stoppedTaskStatus),
  };
}

/** The whole report. */
export function buildStatus(input: {
  app: string;
  environment: string;
  stackName: string;
  observations: readonly ComponentObservation[];
  releases: readonly Release[];
  drift: DriftState;
}): StatusReport {
  return {
    app: input.app,
    environment: input.environment,
    stackName: input.stackName,
    drift: input.drift,
    components: input.observations.map((observation) => componentStatus(observation, input.releases)),
  };
}

function releaseText(release: number | undefined): string {
  return release === undefined ? 'not in the release ledger' : `release v${release}`;
}

/** What runs: one `deployed` line, or during a rollout what the tasks run and what is being rolled out. */
function revisionLines(status: ComponentStatus): string[] {
  const { serving, rollingOut } = status;
  if (rollingOut === undefined || serving === undefined) {
    const lines = [`deployed:    ${status.taskDefinition ?? '?'} (${releaseText(status.release)})`];
    return status.image === undefined ? lines : [...lines, `image:       ${status.image}`];
  }
  return [
    `running:     ${serving.taskDefinition} (${releaseText(serving.release)}): serves the traffic`,
    ...(serving.image === undefined ? [] : [`image:       ${serving.image}`]),
    `rolling out: ${rollingOut.taskDefinition} (${releaseText(rollingOut.release)})`,
    ...(status.image === undefined ? [] : [`new image:   ${status.image}`]),
  ];
}

function componentLines(status: ComponentStatus): string[] {
  const lines = [`${status.component} (${status.ecsService}): ${status.health}`];
  if (status.health === 'missing') {
    lines.push('  the ECS service does not exist in the cluster');
    return lines;
  }
  lines.push(`  tasks:       ${status.running}/${status.desired} running, ${status.pending} pending`);
  lines.push(...revisionLines(status).map((line) => `  ${line}`));
  const reason = status.rolloutReason === undefined ? '' : ` (${status.rolloutReason})`;
  lines.push(`  rollout:     ${status.rolloutState ?? 'not tracked by ECS'}${reason}`);
  if (status.deployments.length > 1) {
    lines.push('  deployments:');
    for (const deployment of status.deployments) {
      lines.push(
        `    ${deployment.status} ${deployment.taskDefinition}: ${deployment.running}/${deployment.desired} running, ` +
          `${deployment.pending} pending${deployment.rolloutState === undefined ? '' : `, ${deployment.rolloutState}`}`,
      );
    }
  }
  lines.push(status.events.length === 0 ? '  events:      none' : '  events (newest first):');
  for (const event of status.events) {
    lines.push(`    ${event.at} ${event.message}`);
  }
  lines.push(
    status.stoppedTasks.length === 0 ? '  stopped tasks: none recently' : '  stopped tasks (newest first):',
  );
  for (const task of status.stoppedTasks) {
    lines.push(
      `    ${task.stoppedAt ?? '?'} ${task.taskId.slice(0, 8)} ${task.taskDefinition}: ${task.summary} (${task.reason})`,
    );
  }
  return lines;
}

/** The drift line(s) of the report. */
export function driftLines(stackName: string, drift: DriftState): string[] {
  switch (drift.state) {
    case 'in-sync':
      return [`stack ${stackName}: in sync with its template (no drift)`];
    case 'not-checked':
      return [`stack ${stackName}: drift not checked (--no-drift)`];
    case 'unknown':
      return [`stack ${stackName}: drift unknown (${drift.reason})`];
    case 'drifted':
      return [
        `stack ${stackName}: DRIFTED from its template (${drift.resources.length} resource(s) changed outside CloudFormation)`,
        ...drift.resources.flatMap((resource) => [
          `  ${resource.logicalId} (${resource.resourceType}): ${resource.status}`,
          ...resource.differences.map(
            (difference) =>
              `    ${difference.path}: expected ${difference.expected ?? '(none)'}, actual ${difference.actual ?? '(none)'}`,
          ),
        ]),
      ];
  }
}

/** The human-readable report, one line per entry. */
export function statusLines(report: StatusReport): string[] {
  const lines = [`${report.app} in ${report.environment}`, ''];
  for (const component of report.components) {
    lines.push(...componentLines(component), '');
  }
  lines.push(...driftLines(report.stackName, report.drift));
  return lines;
}
