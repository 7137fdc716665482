// The no-op rule of deploy_service: a service needs no new revision when it already runs exactly this release (same
// image, secrets, parameter versions and every other task-definition field) and is steady.
import type { ObservedService } from './deploy-verdict.js';
import { sameRegistration } from './task-definition.js';
import type { RegistrationDiff, TaskRegistration } from './task-definition.js';

/** Why a service that runs this release is still not settled, or undefined when it is steady. */
export function steadyProblem(service: ObservedService): string | undefined {
  const primary = service.deployments.find((d) => d.status === 'PRIMARY');
  if (service.desiredCount === 0) {
    return 'the service has no tasks yet (desired count 0 → 1)';
  }
  if (primary === undefined || service.deployments.length > 1) {
    return 'a deployment is still in progress';
  }
  if (primary.rolloutState !== undefined && primary.rolloutState !== 'COMPLETED') {
    return `its last deployment is ${primary.rolloutState}`;
  }
  if (primary.runningCount !== primary.desiredCount) {
    return `only ${primary.runningCount} of ${primary.desiredCount} tasks are running`;
  }
  return undefined;
}

/** Why a service needs this release, or undefined when it already runs it (a no-op). */
export function changeReasonOf(
  service: ObservedService,
  current: TaskRegistration,
  next: TaskRegistration,
  diff: RegistrationDiff,
  options: { alwaysDeploy: boolean },
): string | undefined {
  if (options.alwaysDeploy) {
    return 'dirty images are redeployed every time';
  }
  if (diff.images.length > 0) {
    return 'new image';
  }
  if (diff.secrets.length > 0) {
    return 'the env.sample variables changed';
  }
  if (diff.configChanged) {
    return 'values changed in Parameter Store since the running revision was registered (or were never recorded)';
  }
  if (!sameRegistration(current, next)) {
    return 'the task definition differs (e.g. plain environment variables are removed)';
  }
  return steadyProblem(service);
}
