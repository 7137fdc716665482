// Sends a template the way CloudFormation accepts it: inline up to 51,200 bytes, otherwise through an S3 object that
// is deleted once CloudFormation has read it.
import { createHash } from 'node:crypto';
import type { TemplateSource } from '../aws/cloudformation.js';
import { templateBucketVariable, templateStore } from '../aws/s3.js';
import type { Context } from '../context.js';
import { messageOf } from '../errors.js';
import { serviceTemplateBucket, templateObjectKey } from '../core/naming.js';
import type { Template } from '../core/templates/template.js';

/** CloudFormation's limit for `TemplateBody`, in bytes. */
export const inlineTemplateLimit = 51_200;

/** A template ready to hand to CloudFormation. */
export interface PreparedTemplate {
  source: TemplateSource;
  /** The serialized template, as sent. */
  body: string;
  /** Short digest of the body and parameters: names change sets and S3 objects. */
  digest: string;
  /** Deletes the S3 copy, if any; never throws (a leftover object is only a warning). */
  cleanup(): Promise<void>;
}

/** Serializes a template once, compactly: more templates fit the inline limit. */
export function serializeTemplate(template: Template): string {
  return JSON.stringify(template);
}

/** An 8-hex-digit digest of the template and parameters. */
export function templateDigest(body: string, parameters: Readonly<Record<string, string>>): string {
  const sortedParameters = Object.entries(parameters).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(body).update(JSON.stringify(sortedParameters)).digest('hex').slice(0, 8);
}

/** The bucket for large templates: the request's, `$CLOUDLIFT_TEMPLATE_BUCKET`, else the original's bucket name. */
export function templateBucket(context: Pick<Context, 'env'>, requested: string | undefined): string {
  const fromEnv = context.env[templateBucketVariable];
  return requested ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : serviceTemplateBucket);
}

/** Serializes the template and, when it is too large to send inline, uploads it to S3. */
export async function prepareTemplate(
  context: Pick<Context, 'aws' | 'env' | 'ui' | 'clock'>,
  input: {
    template: Template;
    parameters: Readonly<Record<string, string>>;
    stackName: string;
    region: string;
    bucket?: string;
  },
): Promise<PreparedTemplate> {
  const body = serializeTemplate(input.template);
  const digest = templateDigest(body, input.parameters);
  const size = Buffer.byteLength(body, 'utf8');
  if (size <= inlineTemplateLimit) {
    return { source: { body }, body, digest, cleanup: () => Promise.resolve() };
  }
  const bucket = templateBucket(context, input.bucket);
  const key = templateObjectKey(input.stackName, context.clock.now(), digest);
  const store = await templateStore(context, input.region);
  const ensured = await store.ensureBucket(bucket);
  if (ensured.created) {
    context.ui.info(
      `Created S3 bucket ${bucket} in ${input.region} for templates over ${inlineTemplateLimit.toLocaleString('en-US')} bytes (kept for next time; each template is deleted after use).`,
    );
  }
  context.ui.info(
    `The template is ${size.toLocaleString('en-US')} bytes, over CloudFormation's inline limit: sending it through s3://${bucket}/${key}`,
  );
  const url = await store.put(bucket, ensured.region, key, body);
  return {
    source: { url },
    body,
    digest,
    async cleanup() {
      try {
        await store.remove(bucket, key);
      } catch (error) {
        context.ui.warn(
          `Could not delete s3://${bucket}/${key} (${messageOf(error)}); delete it with \`aws s3 rm s3://${bucket}/${key}\`.`,
        );
      }
    },
  };
}
