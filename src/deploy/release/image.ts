// The image of a release: which tag (git sha, `dirty`, or --version resolved to its sha), and making sure ECR has it
// (build only when the tag is missing, push with a token passed on stdin).
import type { Context } from '../../context.js';
import { ecrApi } from '../../aws/ecr.js';
import type { EcrApi, RegistryAuth } from '../../aws/ecr.js';
import { buildArguments, decideVersion, imageUri, registryHost } from '../../core/release/image.js';
import type { ImageVersion } from '../../core/release/image.js';
import { ecrRepositoryName, localImageName } from '../../core/naming.js';
import { CloudliftError, UsageError } from '../../errors.js';
import { daemonUnreachable } from '../../docker/docker.js';
import { gitFacts, resolveCommit } from './git.js';

/** Where a release's image lives. */
export interface ImageTarget {
  version: ImageVersion;
  repository: string;
  /** Registry host from GetAuthorizationToken's proxyEndpoint. */
  host: string;
  /** `<host>/<app>-repo:<tag>`: what task definitions reference. */
  uri: string;
  /** True when ECR already has the tag (never for `dirty`, which is always rebuilt). */
  inEcr: boolean;
  ecr: EcrApi;
  /** Registry login (the password is a secret: it only ever goes to the tool's stdin). */
  auth: RegistryAuth;
}

/** Decides the tag from `--version` and git, logging what it found as the original did. */
export async function resolveVersion(ctx: Context, requested: string | undefined): Promise<ImageVersion> {
  const git = requested === undefined ? await gitFacts(ctx) : { headSha: undefined, dirty: false };
  const sha = requested === undefined ? undefined : await resolveCommit(ctx, requested);
  const decided = decideVersion(requested, sha, git);
  if ('problem' in decided) {
    throw new UsageError(decided.problem, {
      hint:
        requested === undefined
          ? "Run the command from your app's git repository (commit at least once), or pass --version <tag> of an image in ECR."
          : 'Pass a commit sha, branch or tag of this repository, or a tag that exists in ECR.',
    });
  }
  if (decided.source === 'requested') {
    ctx.ui.info(
      sha === undefined
        ? `Using image tag ${decided.tag} (not a git commit, branch or tag here)`
        : `Using commit ${sha} for --version ${requested ?? ''}`,
    );
  } else {
    ctx.ui.info(
      `Version parameter was not provided. Determined version to be ${decided.tag} based on current status` +
        (decided.source === 'dirty' ? ' (uncommitted changes: the image is rebuilt on every deploy)' : ''),
    );
  }
  return decided;
}

/** Looks the tag up in ECR (read-only): an explicit --version must exist. */
export async function locateImage(
  ctx: Context,
  app: string,
  region: string,
  version: ImageVersion,
): Promise<ImageTarget> {
  const ecr = await ecrApi(ctx, region);
  const repository = ecrRepositoryName(app);
  const auth = await ecr.authorization();
  const host = registryHost(auth.proxyEndpoint);
  const found = version.alwaysBuild ? undefined : await ecr.findImage(repository, version.tag);
  if (version.mustExist && found === undefined) {
    throw new CloudliftError(
      'ImageNotFound',
      `Image ${repository}:${version.tag} is not in ECR (${region})`,
      { hint: missingImageHint(app, repository, region, version) },
    );
  }
  return {
    version,
    repository,
    host,
    uri: imageUri(host, repository, version.tag),
    inEcr: found !== undefined,
    ecr,
    auth,
  };
}

/** What to do about a --version whose image ECR lacks: build that commit, or (a tag git does not know) check it. */
function missingImageHint(app: string, repository: string, region: string, version: ImageVersion): string {
  const upload = `\`cloudlift upload_to_ecr --name ${app} --local_tag ${version.tag}\``;
  // A git ref was resolved to its full sha; a tag git does not know stays as typed and is no commit to build.
  const fromGit = version.requested !== version.tag || /^[0-9a-f]{40}$/.test(version.tag);
  return fromGit
    ? `Deploy that commit without --version from a clean checkout (it builds and pushes), or push it with ${upload}.`
    : `${version.tag} is not a commit, branch or tag of this repository either: check the spelling against \`aws ecr list-images --repository-name ${repository} --region ${region}\`, or push a local image with ${upload}.`;
}

/** Builds (when ECR lacks the tag) and pushes the image. Writes to ECR: call after every check passed. */
export async function ensureImage(
  ctx: Context,
  app: string,
  target: ImageTarget,
  buildArgs: Readonly<Record<string, string>>,
): Promise<void> {
  const created = await target.ecr.ensureRepository(target.repository);
  ctx.ui.info(`${created === 'created' ? 'Repo created' : 'Repo exists'} with name: ${target.repository}`);
  if (target.inEcr) {
    ctx.ui.info(`Image found in ECR: ${target.uri}`);
    return;
  }
  const local = localImageName(app, target.version.tag);
  ctx.ui.step(
    target.version.alwaysBuild
      ? `Building container image ${local} (uncommitted changes: dirty images are always rebuilt)`
      : `Image not found in ECR. Building container image ${local}`,
  );
  await buildImage(ctx, local, buildArgs);
  await pushImage(ctx, target, local);
}

/**
 * Before anything is written (deploy lock, release record, ECR repository): the container tool exists and its daemon
 * answers. `version` talks to the daemon and fails fast with "Cannot connect ..." when Docker is stopped.
 */
export async function requireContainerEngine(ctx: Context): Promise<void> {
  ctx.docker.tool();
  await ctx.docker.run(['version']);
}

/** `<tool> build -t <local> [--build-arg K=V]... .` in the app folder, its output shown dimmed. */
export async function buildImage(
  ctx: Context,
  local: string,
  buildArgs: Readonly<Record<string, string>>,
): Promise<void> {
  const tool = ctx.docker.tool();
  ctx.ui.info(`Using ${tool} as container tool`);
  const started = ctx.clock.now().getTime();
  await ctx.docker
    .run(buildArguments(local, buildArgs), {
      cwd: ctx.cwd,
      onLine: (line) => ctx.ui.info(ctx.ui.colors.dim(`  │ ${line}`)),
    })
    .catch((error: unknown) => {
      throw withHint(
        error,
        'The build failed: fix the Dockerfile or the build output above, then deploy again.',
      );
    });
  ctx.ui.success(`Built ${local} in ${((ctx.clock.now().getTime() - started) / 1000).toFixed(1)} s`);
}

/** Tags the local image for ECR, logs in with the token on stdin, pushes, and removes the extra local tag. */
export async function pushImage(
  ctx: Context,
  target: Pick<ImageTarget, 'auth' | 'uri' | 'host'>,
  local: string,
): Promise<void> {
  const tool = ctx.docker.tool();
  await ctx.docker.run(['tag', local, target.uri]).catch((error: unknown) => {
    throw new CloudliftError('LocalImageMissing', `Local image ${local} was not found`, {
      cause: error,
      hint: `Build it first (\`${tool} build -t ${local} .\`) or pass the tag it was built with.`,
    });
  });
  await ctx.docker.run(['login', '--username', target.auth.user, '--password-stdin', target.host], {
    input: target.auth.password,
  });
  ctx.ui.info(`Logged in to ${target.host}`);
  const started = ctx.clock.now().getTime();
  await ctx.docker
    .run(['push', target.uri], { onLine: (line) => ctx.ui.debug(`  │ ${line}`) })
    .catch((error: unknown) => {
      throw withHint(
        error,
        `Pushing to ${target.host} failed: check your network and the ECR repository policy, then run again.`,
      );
    });
  await ctx.docker.run(['rmi', target.uri]).catch(() => undefined);
  ctx.ui.success(`Pushed ${target.uri} in ${((ctx.clock.now().getTime() - started) / 1000).toFixed(1)} s`);
}

function withHint(error: unknown, hint: string): unknown {
  // A daemon that does not answer is not the Dockerfile's fault: keep the adapter's "start Docker" hint.
  if (error instanceof CloudliftError && error.code === 'DockerFailed' && !daemonUnreachable(error)) {
    return new CloudliftError(error.code, error.message, { hint, details: error.details, cause: error });
  }
  return error;
}
