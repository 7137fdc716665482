// IAM adapter: a user's MFA devices and a dry-run of what a role may do (SimulatePrincipalPolicy) for shell access;
// a role's ARN, or a new ECS task role, for stand-alone task definitions. IAM is global: the default region signs.
import type { Context } from '../context.js';
import { httpStatusOf, isAwsError, shortReason, toCloudliftError } from './errors.js';

/** The result of looking up a user's MFA devices. */
export type MfaDeviceLookup =
  | { kind: 'found'; serials: string[] }
  /** IAM would not tell us (no permission, unknown user): the caller falls back to the original's naming rule. */
  | { kind: 'unknown'; reason: string };

/** The result of asking IAM whether a role may call some actions. */
export type PermissionCheck =
  | { kind: 'allowed' }
  | { kind: 'denied'; actions: string[] }
  /** The simulation could not run (no iam:SimulatePrincipalPolicy, or the API failed): not a verdict. */
  | { kind: 'unknown'; reason: string };

/** The MFA devices of IAM user `userName` (their serial numbers / ARNs), all pages. */
export async function listMfaDevices(
  context: Pick<Context, 'aws'>,
  userName: string,
): Promise<MfaDeviceLookup> {
  const sdk = await import('@aws-sdk/client-iam');
  const client = new sdk.IAMClient(await context.aws.config());
  const serials: string[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await client.send(new sdk.ListMFADevicesCommand({ UserName: userName, Marker: marker }));
      for (const device of page.MFADevices ?? []) {
        if (device.SerialNumber !== undefined) {
          serials.push(device.SerialNumber);
        }
      }
      marker = page.IsTruncated === true ? page.Marker : undefined;
    } while (marker !== undefined);
  } catch (error) {
    return { kind: 'unknown', reason: softFailure(error, `list the MFA devices of ${userName}`) };
  }
  return { kind: 'found', serials };
}

/**
 * Whether `principalArn` (a role ARN) is allowed every action in `actions` on any resource. Credential problems are
 * real errors; anything else (typically no iam:SimulatePrincipalPolicy permission) means "could not check".
 */
export async function simulatePermissions(
  context: Pick<Context, 'aws'>,
  principalArn: string,
  actions: readonly string[],
): Promise<PermissionCheck> {
  const sdk = await import('@aws-sdk/client-iam');
  const client = new sdk.IAMClient(await context.aws.config());
  const denied: string[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await client.send(
        new sdk.SimulatePrincipalPolicyCommand({
          PolicySourceArn: principalArn,
          ActionNames: [...actions],
          Marker: marker,
        }),
      );
      for (const result of page.EvaluationResults ?? []) {
        if (result.EvalDecision !== 'allowed') {
          denied.push(result.EvalActionName ?? '?');
        }
      }
      marker = page.IsTruncated === true ? page.Marker : undefined;
    } while (marker !== undefined);
  } catch (error) {
    return { kind: 'unknown', reason: softFailure(error, `check the permissions of ${principalArn}`) };
  }
  return denied.length === 0 ? { kind: 'allowed' } : { kind: 'denied', actions: denied };
}

const credentialFailures = new Set([
  'NoCredentials',
  'ExpiredCredentials',
  'InvalidCredentials',
  'AwsUnreachable',
]);

/** Rethrows failures the user must fix first (credentials, network); returns a short reason for the others. */
function softFailure(error: unknown, doing: string): string {
  const mapped = toCloudliftError(error, doing);
  if (credentialFailures.has(mapped.code)) {
    throw mapped;
  }
  // An emulator or proxy answering with an HTML page gives a parser error; say what happened, not the parser's words.
  const status = httpStatusOf(error);
  if (status !== undefined && status >= 500) {
    return `IAM answered with HTTP ${status}`;
  }
  return shortReason(error);
}

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
