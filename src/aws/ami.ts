// The hosts' AMI from SSM Parameter Store: the ECS-optimized recommendation (a JSON value with `image_id`), or a
// custom parameter holding the same JSON or a bare AMI id, as the original read it.
import type { Context } from '../context.js';
import { isAwsError, toCloudliftError } from './errors.js';

/** The AMI id the parameter names, or undefined when the parameter does not exist. */
export async function amiFromParameter(
  context: Pick<Context, 'aws'>,
  region: string,
  name: string,
): Promise<string | undefined> {
  const sdk = await import('@aws-sdk/client-ssm');
  const client = new sdk.SSMClient(await context.aws.config(region));
  let value: string;
  try {
    const answer = await client.send(new sdk.GetParameterCommand({ Name: name }));
    value = answer.Parameter?.Value ?? '';
  } catch (error) {
    if (isAwsError(error, 'ParameterNotFound', 'ValidationException')) {
      return undefined;
    }
    throw toCloudliftError(error, `read the AMI parameter ${name} in ${region}`);
  }
  return imageIdOf(value);
}

/** `{"image_id": "ami-..."}` or a bare `ami-...` → the id; anything else → undefined. */
export function imageIdOf(value: string): string | undefined {
  const text = value.trim();
  if (/^ami-[0-9a-f]{8,17}$/.test(text)) {
    return text;
  }
  try {
    const parsed = JSON.parse(text) as { image_id?: unknown };
    return typeof parsed.image_id === 'string' ? parsed.image_id : undefined;
  } catch {
    return undefined;
  }
}
