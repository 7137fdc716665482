// S3 adapter for CloudFormation templates too large to send inline: make sure the bucket exists, upload, give the
// URL CloudFormation reads, delete afterwards.
import type { BucketLocationConstraint } from '@aws-sdk/client-s3';
import type { Context } from '../context.js';
import { CloudliftError } from '../errors.js';
import { aws, awsErrorName, httpStatusOf, isAwsError, toCloudliftError } from './errors.js';

/** The S3 operations template uploads need. */
export interface TemplateStore {
  /**
   * Makes sure `bucket` exists and is ours; creates it (private, in the store's region) when missing. Returns whether
   * it was created, and the bucket's region.
   */
  ensureBucket(bucket: string): Promise<{ created: boolean; region: string }>;
  /** Uploads a template and returns the https URL CloudFormation reads it from. */
  put(bucket: string, bucketRegion: string, key: string, body: string): Promise<string>;
  /** Deletes an uploaded template; a missing object counts as deleted. */
  remove(bucket: string, key: string): Promise<void>;
}

/** Where to point users whose bucket name is taken by another account (S3 names are global). */
export const templateBucketVariable = 'CLOUDLIFT_TEMPLATE_BUCKET';

function otherOwnerError(bucket: string, cause: unknown): CloudliftError {
  return new CloudliftError(
    'TemplateBucketUnavailable',
    `S3 bucket ${bucket} belongs to another AWS account`,
    {
      cause,
      hint: `S3 bucket names are global. Pick a name of your own, e.g. \`export ${templateBucketVariable}=cloudlift-templates-<your account id>\`, and run the command again.`,
    },
  );
}

/** An S3 client for templates, created in `region`. */
export async function templateStore(
  context: Pick<Context, 'aws' | 'env'>,
  region: string,
): Promise<TemplateStore> {
  const sdk = await import('@aws-sdk/client-s3');
  // Emulators (AWS_ENDPOINT_URL) cannot resolve bucket sub-domains; real S3 prefers virtual-hosted addressing.
  const customEndpoint =
    (context.env.AWS_ENDPOINT_URL ?? '') !== '' || (context.env.AWS_ENDPOINT_URL_S3 ?? '') !== '';
  const client = new sdk.S3Client({
    ...(await context.aws.config(region)),
    forcePathStyle: customEndpoint,
    followRegionRedirects: true,
  });

  return {
    async ensureBucket(bucket) {
      try {
        const head = await client.send(new sdk.HeadBucketCommand({ Bucket: bucket }));
        return { created: false, region: head.BucketRegion ?? region };
      } catch (error) {
        // HEAD answers carry no error body: only the HTTP status says what happened.
        if (httpStatusOf(error) === 403) {
          throw otherOwnerError(bucket, error);
        }
        if (httpStatusOf(error) !== 404 && !isAwsError(error, 'NotFound', 'NoSuchBucket')) {
          throw toCloudliftError(error, `check S3 bucket ${bucket}`);
        }
      }
      try {
        await client.send(
          new sdk.CreateBucketCommand({
            Bucket: bucket,
            // us-east-1 is the default location and rejects an explicit constraint.
            ...(region === 'us-east-1'
              ? {}
              : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
          }),
        );
        return { created: true, region };
      } catch (error) {
        if (isAwsError(error, 'BucketAlreadyOwnedByYou')) {
          return { created: false, region };
        }
        if (isAwsError(error, 'BucketAlreadyExists')) {
          throw otherOwnerError(bucket, error);
        }
        throw toCloudliftError(error, `create S3 bucket ${bucket} in ${region}`);
      }
    },

    async put(bucket, bucketRegion, key, body) {
      await aws(`upload the template to s3://${bucket}/${key}`, () =>
        client.send(
          new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
        ),
      );
      return `https://${bucket}.s3.${bucketRegion}.amazonaws.com/${key}`;
    },

    async remove(bucket, key) {
      try {
        await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (!isAwsError(error, 'NoSuchKey') && awsErrorName(error) !== 'NotFound') {
          throw toCloudliftError(error, `delete s3://${bucket}/${key}`);
        }
      }
    },
  };
}
