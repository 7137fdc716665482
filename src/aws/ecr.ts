// ECR adapter: the app's repository, image lookups by tag, re-tagging by manifest, and registry credentials.
import type { Context } from '../context.js';
import { CloudliftError } from '../errors.js';
import { splitRegistryToken } from '../core/release/image.js';
import { aws, isAwsError, toCloudliftError } from './errors.js';

/** An image manifest as BatchGetImage returns it (what PutImage needs to add a tag). */
export interface ImageManifest {
  manifest: string;
  mediaType?: string;
  digest?: string;
}

/** Registry credentials from GetAuthorizationToken (the password is a secret: never print it). */
export interface RegistryAuth {
  user: string;
  password: string;
  /** `https://<account>.dkr.ecr.<region>.amazonaws.com` */
  proxyEndpoint: string;
}

/** The ECR operations deploy needs, bound to one region. */
export interface EcrApi {
  readonly region: string;
  /** Creates the repository (scan on push) unless it exists. */
  ensureRepository(repository: string): Promise<'created' | 'exists'>;
  /** The image with this tag, or undefined when the tag (or the repository) does not exist. */
  findImage(repository: string, tag: string): Promise<ImageManifest | undefined>;
  /** Adds `tag` to the image with this manifest; 'unchanged' when the tag already points at it. */
  putTag(repository: string, tag: string, image: ImageManifest): Promise<'tagged' | 'unchanged'>;
  authorization(): Promise<RegistryAuth>;
}

/** Manifest types we ask BatchGetImage for, so multi-platform and OCI images can be re-tagged as they are. */
const acceptedMediaTypes = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

/** An ECR client for `region`. */
export async function ecrApi(context: Pick<Context, 'aws'>, region: string): Promise<EcrApi> {
  const sdk = await import('@aws-sdk/client-ecr');
  const client = new sdk.ECRClient(await context.aws.config(region));
  return {
    region,
    async ensureRepository(repository) {
      try {
        await client.send(
          new sdk.CreateRepositoryCommand({
            repositoryName: repository,
            imageScanningConfiguration: { scanOnPush: true },
          }),
        );
        return 'created';
      } catch (error) {
        if (isAwsError(error, 'RepositoryAlreadyExistsException')) {
          return 'exists';
        }
        throw toCloudliftError(error, `create ECR repository ${repository} in ${region}`);
      }
    },

    async findImage(repository, tag) {
      try {
        const answer = await client.send(
          new sdk.BatchGetImageCommand({
            repositoryName: repository,
            imageIds: [{ imageTag: tag }],
            acceptedMediaTypes,
          }),
        );
        const image = answer.images?.[0];
        if (image?.imageManifest === undefined) {
          return undefined;
        }
        return {
          manifest: image.imageManifest,
          ...(image.imageManifestMediaType === undefined ? {} : { mediaType: image.imageManifestMediaType }),
          ...(image.imageId?.imageDigest === undefined ? {} : { digest: image.imageId.imageDigest }),
        };
      } catch (error) {
        if (isAwsError(error, 'RepositoryNotFoundException')) {
          return undefined;
        }
        throw toCloudliftError(error, `look up ${repository}:${tag} in ECR (${region})`);
      }
    },

    async putTag(repository, tag, image) {
      try {
        await client.send(
          new sdk.PutImageCommand({
            repositoryName: repository,
            imageTag: tag,
            imageManifest: image.manifest,
            ...(image.mediaType === undefined ? {} : { imageManifestMediaType: image.mediaType }),
          }),
        );
        return 'tagged';
      } catch (error) {
        if (isAwsError(error, 'ImageAlreadyExistsException')) {
          return 'unchanged';
        }
        throw toCloudliftError(error, `tag ${repository} image as ${tag} (${region})`);
      }
    },

    async authorization() {
      const answer = await aws(`get an ECR login token in ${region}`, () =>
        client.send(new sdk.GetAuthorizationTokenCommand({})),
      );
      const data = answer.authorizationData?.[0];
      const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
      const credentials = splitRegistryToken(decoded);
      if (data?.proxyEndpoint === undefined || credentials === undefined) {
        throw new CloudliftError('EcrLoginFailed', `ECR returned no usable login token in ${region}`, {
          hint: 'Check that your credentials allow ecr:GetAuthorizationToken, then run the command again.',
        });
      }
      return { ...credentials, proxyEndpoint: data.proxyEndpoint };
    },
  };
}
