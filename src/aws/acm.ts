// ACM adapter: the status of the certificate an environment's HTTPS listeners use (read-only pre-flight check).
import type { Context } from '../context.js';
import { isAwsError, toCloudliftError } from './errors.js';

/** The certificate's status (`ISSUED`, `PENDING_VALIDATION`, ...), or undefined when it does not exist. */
export async function certificateStatus(
  context: Pick<Context, 'aws'>,
  certificateArn: string,
): Promise<string | undefined> {
  const region = certificateArn.split(':')[3] ?? '';
  const sdk = await import('@aws-sdk/client-acm');
  const client = new sdk.ACMClient(await context.aws.config(region === '' ? undefined : region));
  try {
    const answer = await client.send(new sdk.DescribeCertificateCommand({ CertificateArn: certificateArn }));
    return answer.Certificate?.Status ?? 'UNKNOWN';
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException', 'InvalidArnException')) {
      return undefined;
    }
    throw toCloudliftError(error, `look up certificate ${certificateArn}`);
  }
}
