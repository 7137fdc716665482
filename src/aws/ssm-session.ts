// SSM Session Manager: start (and, if the hand-off fails, end) a session on an EC2 instance, and the SSM endpoint
// URL the session-manager-plugin needs. The Parameter Store adapter is src/aws/ssm.ts.
import type { Context, Env } from '../context.js';
import { CloudliftError } from '../errors.js';
import { aws, isAwsError, toCloudliftError } from './errors.js';

/** SSM StartSession's answer, field names as the plugin expects them (the AWS CLI passes these three). */
export interface SsmSessionResponse {
  SessionId: string;
  TokenValue: string;
  StreamUrl: string;
}

/** Starts a Session Manager session on `target` (an EC2 instance id) in `region`. */
export async function startSsmSession(
  context: Pick<Context, 'aws'>,
  region: string,
  target: string,
): Promise<SsmSessionResponse> {
  const sdk = await import('@aws-sdk/client-ssm');
  const client = new sdk.SSMClient(await context.aws.config(region));
  let answer;
  try {
    answer = await client.send(new sdk.StartSessionCommand({ Target: target }));
  } catch (error) {
    if (isAwsError(error, 'TargetNotConnected')) {
      throw new CloudliftError('TargetNotConnected', `The SSM agent on ${target} is not connected`, {
        cause: error,
        hint:
          'The instance needs a running SSM agent, an instance role with SSM permissions (the environment template ' +
          'gives its hosts AmazonEC2RoleforSSM) and outbound HTTPS to ssm/ssmmessages. Check it in the AWS console ' +
          'under Systems Manager > Fleet Manager.',
      });
    }
    throw toCloudliftError(error, `start an SSM session on ${target} in ${region}`);
  }
  if (answer.SessionId === undefined || answer.TokenValue === undefined || answer.StreamUrl === undefined) {
    throw new CloudliftError('SessionFailed', `SSM returned an incomplete session for ${target}`, {
      hint:
        'Run the command again; if it keeps failing, try `aws ssm start-session --target ' + target + '`.',
    });
  }
  return { SessionId: answer.SessionId, TokenValue: answer.TokenValue, StreamUrl: answer.StreamUrl };
}

/** Ends a session that was started but never handed to the plugin, so it does not linger on the instance. */
export async function terminateSsmSession(
  context: Pick<Context, 'aws'>,
  region: string,
  sessionId: string,
): Promise<void> {
  const sdk = await import('@aws-sdk/client-ssm');
  const client = new sdk.SSMClient(await context.aws.config(region));
  await aws(`end SSM session ${sessionId}`, () =>
    client.send(new sdk.TerminateSessionCommand({ SessionId: sessionId })),
  );
}

/**
 * The SSM endpoint URL for `region`, as the AWS CLI hands it to the plugin: an endpoint override from the
 * environment (AWS_ENDPOINT_URL_SSM, then AWS_ENDPOINT_URL) or the SDK's own resolution (partition, FIPS, dual-stack).
 */
export async function ssmEndpoint(context: Pick<Context, 'aws'>, env: Env, region: string): Promise<string> {
  const override = env.AWS_ENDPOINT_URL_SSM ?? env.AWS_ENDPOINT_URL;
  if (override !== undefined && override !== '') {
    return override.replace(/\/+$/, '');
  }
  const sdk = await import('@aws-sdk/client-ssm');
  const client = new sdk.SSMClient(await context.aws.config(region));
  const resolved = client.config.endpointProvider({
    Region: region,
    UseFIPS: await client.config.useFipsEndpoint(),
    UseDualStack: await client.config.useDualstackEndpoint(),
  });
  return resolved.url.href.replace(/\/+$/, '');
}
