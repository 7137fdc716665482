// IAM roles for stand-alone task definitions: look a role's ARN up, or create an ECS task role.
import type { Context } from '../context.js';
import { isAwsError, toCloudliftError } from './errors.js';

/** The trust policy of a role ECS tasks assume. */
const ecsTasksTrust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

/** The role operations create/update_task_definition need (IAM is global; the default region signs). */
export interface RoleApi {
  /** The role's ARN, or undefined when there is no such role. */
  arnOf(roleName: string): Promise<string | undefined>;
  /** Creates a role ECS tasks can assume (no policies), or returns the existing role's ARN. */
  ensureTaskRole(roleName: string): Promise<{ arn: string; created: boolean }>;
}

/** An IAM client. */
export async function roleApi(context: Pick<Context, 'aws'>): Promise<RoleApi> {
  const sdk = await import('@aws-sdk/client-iam');
  const client = new sdk.IAMClient(await context.aws.config());
  const arnOf = async (roleName: string): Promise<string | undefined> => {
    try {
      const answer = await client.send(new sdk.GetRoleCommand({ RoleName: roleName }));
      return answer.Role?.Arn;
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity', 'NoSuchEntityException')) {
        return undefined;
      }
      throw toCloudliftError(error, `read IAM role ${roleName}`);
    }
  };
  return {
    arnOf,
    async ensureTaskRole(roleName) {
      try {
        const answer = await client.send(
          new sdk.CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: ecsTasksTrust }),
        );
        return { arn: answer.Role?.Arn ?? '', created: true };
      } catch (error) {
        if (!isAwsError(error, 'EntityAlreadyExists', 'EntityAlreadyExistsException')) {
          throw toCloudliftError(error, `create IAM role ${roleName}`);
        }
      }
      // The original used the role *name* here but the ARN after creating it; always the ARN keeps revisions comparable.
      return { arn: (await arnOf(roleName)) ?? '', created: false };
    },
  };
}
