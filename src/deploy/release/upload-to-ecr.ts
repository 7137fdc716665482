// upload_to_ecr: push a locally built image `spinal(<app>):<local_tag>` to `<app>-repo`, then add more tags to the
// same image in ECR (BatchGetImage + PutImage: no second push).
import { basename } from 'node:path';
import type { Context } from '../../context.js';
import { ecrApi } from '../../aws/ecr.js';
import type { EcrApi, ImageManifest } from '../../aws/ecr.js';
import { checkTag, imageUri, registryHost } from '../../core/release/image.js';
import { ecrRepositoryName, localImageName } from '../../core/naming.js';
import { ContainerToolError } from '../../docker/docker.js';
import { CloudliftError, UsageError, ValidationError } from '../../errors.js';
import { pushImage } from './image.js';

/** What upload_to_ecr was asked to do. */
export interface UploadOptions {
  app: string;
  localTag: string;
  additionalTags: readonly string[];
  /** The environment's region, or the default region (the original had no environment here). */
  region: string;
}

/** What was pushed and tagged. */
export interface UploadResult {
  image: string;
  tags: { tag: string; result: 'tagged' | 'unchanged' }[];
}

/** Every tag is checked before anything is pushed. */
export function checkUploadTags(localTag: string, additionalTags: readonly string[]): void {
  for (const [flag, tag] of [
    ['--local_tag', localTag] as const,
    ...additionalTags.map((t) => ['--additional_tags', t] as const),
  ]) {
    const problem = checkTag(tag);
    if (problem !== undefined) {
      throw new UsageError(`${flag} ${tag} is not a valid image tag: ${problem}`, {
        hint: 'Use a commit sha, a version like v1.2.3, or a word like latest.',
      });
    }
  }
}

/** Pushes the local image and adds the extra tags. */
export async function uploadToEcr(ctx: Context, options: UploadOptions): Promise<UploadResult> {
  checkUploadTags(options.localTag, options.additionalTags);
  const local = await assertLocalImage(ctx, options.app, options.localTag);
  const ecr = await ecrApi(ctx, options.region);
  const repository = ecrRepositoryName(options.app);
  const created = await ecr.ensureRepository(repository);
  ctx.ui.info(`${created === 'created' ? 'Repo created' : 'Repo exists'} with name: ${repository}`);
  const auth = await ecr.authorization();
  const host = registryHost(auth.proxyEndpoint);
  const uri = imageUri(host, repository, options.localTag);
  await pushImage(ctx, { auth, host, uri }, local);
  const result: UploadResult = { image: uri, tags: [] };
  if (options.additionalTags.length === 0) {
    return result;
  }
  const manifest = await waitForImage(ctx, ecr, repository, options.localTag);
  const failed: string[] = [];
  for (const tag of options.additionalTags) {
    try {
      const outcome = await ecr.putTag(repository, tag, manifest);
      result.tags.push({ tag, result: outcome });
      ctx.ui.success(
        outcome === 'tagged' ? `Added additional tag: ${tag}` : `Tag ${tag} already points at this image`,
      );
    } catch (error) {
      ctx.ui.failure(
        `Unable to add additional tag ${tag}: ${error instanceof Error ? error.message : String(error)}`,
      );
      failed.push(tag);
    }
  }
  if (failed.length > 0) {
    throw new CloudliftError(
      'TaggingFailed',
      `The image was pushed, but ${failed.length} additional tag(s) failed: ${failed.join(', ')}`,
      {
        hint: `Run the same command again (the push is quick when the layers are there), or check ecr:PutImage permissions on ${repository}.`,
      },
    );
  }
  return result;
}

/** Checked before any AWS call: a missing local image is bad input (exit 2), not a failed upload. */
async function assertLocalImage(ctx: Context, app: string, tag: string): Promise<string> {
  const local = localImageName(app, tag);
  await ctx.docker.run(['image', 'inspect', local]).catch((error: unknown) => {
    if (!(error instanceof ContainerToolError && missingImagePattern.test(error.stderr))) {
      throw error; // e.g. the Docker daemon is not running: its own words say so
    }
    const tool = basename(ctx.docker.tool());
    throw new ValidationError(`There is no local image ${local} (--local_tag ${tag}); nothing was uploaded`, {
      code: 'LocalImageMissing',
      cause: error,
      hint: `Build it with \`${tool} build -t ${local} .\`, or list the tags you have with \`${tool} images ${local.slice(0, local.lastIndexOf(':'))}\`.`,
    });
  });
  return local;
}

/** How docker (`No such image`, `no such object`) and podman (`image not known`) say an image does not exist. */
const missingImagePattern = /no such (image|object)|image not known/i;

/** ECR lists a pushed image immediately; a registry mirror may lag, so look a few times before giving up. */
async function waitForImage(
  ctx: Context,
  ecr: EcrApi,
  repository: string,
  tag: string,
): Promise<ImageManifest> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const found = await ecr.findImage(repository, tag);
    if (found !== undefined) {
      return found;
    }
    await ctx.clock.sleep(500, ctx.signal);
  }
  throw new CloudliftError('ImageNotFound', `${repository}:${tag} is not visible in ECR after the push`, {
    hint: 'Check the repository in the ECR console; then add the tags with the same command.',
  });
}
