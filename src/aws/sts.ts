// STS adapter: who the caller is (account id and partition, for ARNs cloudlift has to build).
import type { Context } from '../context.js';
import { aws } from './errors.js';

/** The caller's account, partition and ARN. */
export interface CallerIdentity {
  account: string;
  /** `aws`, `aws-cn`, `aws-us-gov`... from the caller's ARN. */
  partition: string;
  arn: string;
}

/** GetCallerIdentity in `region` (or the default region). */
export async function callerIdentity(
  context: Pick<Context, 'aws'>,
  region?: string,
): Promise<CallerIdentity> {
  const sdk = await import('@aws-sdk/client-sts');
  const client = new sdk.STSClient(await context.aws.config(region));
  const answer = await aws('find out which AWS account the credentials belong to', () =>
    client.send(new sdk.GetCallerIdentityCommand({})),
  );
  const arn = answer.Arn ?? '';
  return { account: answer.Account ?? '', partition: arn.split(':')[1] ?? 'aws', arn };
}
