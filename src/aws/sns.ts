// SNS adapter: whether a notifications topic exists (the original checked it before saving a service configuration).
import type { Context } from '../context.js';
import { isAwsError, toCloudliftError } from './errors.js';

/** True when the topic exists; its region is read from the ARN. */
export async function topicExists(context: Pick<Context, 'aws'>, topicArn: string): Promise<boolean> {
  const region = topicArn.split(':')[3];
  const sdk = await import('@aws-sdk/client-sns');
  const client = new sdk.SNSClient(await context.aws.config(region === '' ? undefined : region));
  try {
    await client.send(new sdk.GetTopicAttributesCommand({ TopicArn: topicArn }));
    return true;
  } catch (error) {
    if (isAwsError(error, 'NotFound', 'NotFoundException')) {
      return false;
    }
    throw toCloudliftError(error, `check the notifications topic ${topicArn}`);
  }
}
