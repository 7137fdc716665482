// The end of a deploy: one error whose exit code says how it ended (failed 3, rolled back 4, timed out 5, cannot
// place tasks 6, Ctrl-C 130), with the next step for each way.
import { worstOutcome } from '../../core/release/deploy-verdict.js';
import type { ServiceOutcome } from '../../core/release/deploy-verdict.js';
import { clusterName } from '../../core/naming.js';
import { CloudliftError, ExitCode, InterruptedError } from '../../errors.js';
import { outcomeLabels, shortArn } from '../../ui/rollout.js';

/** One service's end, with what it ran before (for the rollback command). */
export interface ServiceResult {
  name: string;
  ecsServiceName: string;
  outcome: ServiceOutcome;
  taskDefinition?: string;
  previousTaskDefinition?: string;
  elapsedMs?: number;
  /** When values changed in Parameter Store: the variables (names only), null when the ledger cannot tell which. */
  changedVariables?: string[] | null;
}

/** The exit code of each outcome kind. */
export const exitCodes: Record<ServiceOutcome['kind'], number> = {
  succeeded: ExitCode.ok,
  unchanged: ExitCode.ok,
  failed: ExitCode.deployFailed,
  'rolled-back': ExitCode.deployRolledBack,
  'timed-out': ExitCode.deployTimedOut,
  unplaceable: ExitCode.deployUnplaceable,
  interrupted: ExitCode.interrupted,
  'not-started': ExitCode.interrupted,
};

/** How to go back when a deploy or rollback went wrong. */
export interface WayBack {
  /** `cloudlift rollback -e E --name A`, or the command that undoes a rollback. */
  command: string;
  /** What the command restores, e.g. `the last good release (v4)`. */
  what: string;
}

/**
 * The fallback when the ledger has no release to go back to: UpdateService to what each service ran (by tasks) when
 * this deploy started.
 */
function updateServiceCommands(environment: string, results: readonly ServiceResult[]): WayBack | undefined {
  const commands = results
    .filter((r) => r.previousTaskDefinition !== undefined && r.previousTaskDefinition !== r.taskDefinition)
    .map(
      (r) =>
        `aws ecs update-service --cluster ${clusterName(environment)} --service ${r.ecsServiceName} --task-definition ${shortArn(r.previousTaskDefinition ?? '')}`,
    );
  return commands.length === 0
    ? undefined
    : { command: commands.join(' && '), what: 'what each service ran when this deploy started' };
}

function goBackText(wayBack: WayBack | undefined): string {
  return wayBack === undefined ? '' : ` To go back now to ${wayBack.what}: \`${wayBack.command}\`.`;
}

function hintFor(
  kind: ServiceOutcome['kind'],
  environment: string,
  app: string,
  wayBack: WayBack | undefined,
): string {
  const status = `\`cloudlift status -e ${environment} --name ${app}\``;
  const goBack = goBackText(wayBack);
  switch (kind) {
    case 'failed':
      return `The old tasks keep serving until new ones are healthy. Fix the cause shown above, commit, and run \`cloudlift deploy_service -e ${environment} --name ${app}\` again.${goBack}`;
    case 'rolled-back':
      return `ECS went back to the task definition that ran before; see what runs with ${status}. Fix the cause shown above, commit, and run \`cloudlift deploy_service -e ${environment} --name ${app}\` again.`;
    case 'timed-out':
      return `ECS is still rolling out in the background: watch it with ${status}, or give it longer next time with --timeout 20m.${goBack}`;
    case 'unplaceable':
      return `The cluster has no room (CPU, memory or ports) for the new tasks; the old ones keep running. Raise max_instances with \`cloudlift update_environment -e ${environment} --edit\`, or lower the service's memory/cpu with \`cloudlift update_service -e ${environment} --name ${app}\`.${goBack}`;
    default:
      return '';
  }
}

/** True when every service succeeded or had nothing to do. */
export function allDeployed(results: readonly ServiceResult[]): boolean {
  const worst = worstOutcome(results.map((r) => r.outcome.kind));
  return worst === 'succeeded' || worst === 'unchanged';
}

/**
 * Throws the error for a deploy whose services did not all succeed; returns when every service is fine. `wayBack`
 * is the cloudlift command that goes back (a rollback to the last good release); without it the hint falls back to
 * UpdateService commands.
 */
export function assertDeployed(
  environment: string,
  app: string,
  results: readonly ServiceResult[],
  wayBack?: WayBack,
): void {
  if (allDeployed(results)) {
    return;
  }
  const worst = worstOutcome(results.map((r) => r.outcome.kind));
  const bad = results.filter((r) => r.outcome.kind !== 'succeeded' && r.outcome.kind !== 'unchanged');
  const details = bad.map((r) => `${r.name}: ${outcomeLabels[r.outcome.kind]}`);
  if (worst === 'interrupted' || worst === 'not-started') {
    const named = (kind: string) => results.filter((r) => r.outcome.kind === kind).map((r) => r.name);
    const rolling = named('interrupted');
    const waiting = named('not-started');
    const parts = [
      `still rolling out: ${rolling.join(', ') || 'none'}`,
      ...(waiting.length > 0 ? [`not started (nothing changed): ${waiting.join(', ')}`] : []),
    ];
    throw new InterruptedError(
      `Stopped waiting; ${parts.join('; ')}`,
      `ECS continues the rollout without cloudlift. Check it with \`cloudlift status -e ${environment} --name ${app}\`.${goBackText(
        wayBack ??
          updateServiceCommands(
            environment,
            bad.filter((r) => r.outcome.kind === 'interrupted'),
          ),
      )}`,
    );
  }
  const what: Record<string, [code: string, words: string]> = {
    failed: ['DeployFailed', 'failed'],
    'rolled-back': ['DeployRolledBack', 'was rolled back by ECS'],
    'timed-out': ['DeployTimedOut', 'timed out'],
    unplaceable: ['DeployUnplaceable', 'cannot place its tasks'],
  };
  const [code, words] = what[worst] ?? ['DeployFailed', worst];
  const count = bad.length === 1 ? `${bad[0]?.name ?? ''}` : `${bad.length} of ${results.length} services`;
  throw new CloudliftError(code, `Deployment of ${app} to ${environment} ${words}: ${count}`, {
    exitCode: exitCodes[worst],
    details,
    hint: hintFor(worst, environment, app, wayBack ?? updateServiceCommands(environment, bad)),
  });
}
