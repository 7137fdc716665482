// The next task definition of every ECS service of the app, computed read-only from what runs now, and the no-op
// check: same image, same secrets, same parameter versions, same everything else, and the service is steady.
import type { EcsApi, DescribedTaskDefinition, ServiceSnapshot } from '../../aws/ecs.js';
import { changeReasonOf } from '../../core/release/release-plan.js';
import { diffRegistrations, nextRegistration, registrationOf } from '../../core/release/task-definition.js';
import type { RegistrationDiff, TaskRegistration } from '../../core/release/task-definition.js';
import { CloudliftError } from '../../errors.js';
import type { ReleaseConfig } from './release-config.js';
import type { AppService } from '../service/service-stack.js';

/** What deploying one service will do. */
export interface ServicePlan {
  service: AppService;
  snapshot: ServiceSnapshot;
  current: DescribedTaskDefinition;
  next: TaskRegistration;
  diff: RegistrationDiff;
  /** The desired count after the deploy: 0 becomes 1 (first deploy), as in the original. */
  desiredCount: number;
  /** Why this service needs a deploy; undefined when it already runs exactly this release. */
  changeReason: string | undefined;
}

/** What a release puts into every task definition. */
export interface ReleaseInput {
  cluster: string;
  imageUri: string;
  tag: string;
  /** `dirty` images change under the same tag, so they always deploy. */
  alwaysDeploy: boolean;
  config: ReleaseConfig;
}

/** Reads one service and its running task definition and computes its next revision. Read-only. */
export async function planService(
  ecs: EcsApi,
  service: AppService,
  release: ReleaseInput,
): Promise<ServicePlan> {
  const snapshot = await ecs.describeService(release.cluster, service.ecsServiceName);
  if (snapshot === undefined) {
    throw new CloudliftError(
      'EcsServiceNotFound',
      `ECS service ${service.ecsServiceName} (${service.logicalName}) is not in cluster ${release.cluster}`,
      {
        hint: 'The service stack and the cluster disagree: run `cloudlift update_service` to re-create the service.',
      },
    );
  }
  const current = await ecs.describeTaskDefinition(snapshot.service.taskDefinition);
  const currentRegistration = registrationOf(current.definition, current.tags);
  if (currentRegistration.containerDefinitions.length === 0) {
    throw new CloudliftError('NoContainers', `Task definition ${current.arn} has no containers`, {
      hint: 'Re-create the service definition with `cloudlift update_service`.',
    });
  }
  const next = nextRegistration(currentRegistration, {
    image: release.imageUri,
    tag: release.tag,
    secrets: release.config.secrets,
    configFingerprint: release.config.fingerprint,
  });
  const diff = diffRegistrations(currentRegistration, next);
  return {
    service,
    snapshot,
    current,
    next,
    diff,
    desiredCount: snapshot.service.desiredCount === 0 ? 1 : snapshot.service.desiredCount,
    changeReason: changeReasonOf(snapshot.service, currentRegistration, next, diff, release),
  };
}
