// Image naming and tag rules of deploy_service: which tag a deploy uses, where the image lives, how it is built.
// Pure: git, ECR and docker answers come in as values.

/** The tag of an image built from a working tree with uncommitted changes (always rebuilt, as in the original). */
export const dirtyTag = 'dirty';

/** Docker's tag grammar: 1–128 characters, word characters, dots and dashes, not starting with `.` or `-`. */
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** What git says about the working tree. */
export interface GitFacts {
  /** `git rev-list -n 1 HEAD`, or undefined outside a git repository. */
  headSha: string | undefined;
  /** `git status --short` printed something. */
  dirty: boolean;
}

/** Where a version came from. */
export type VersionSource = 'requested' | 'head' | 'dirty';

/** The one tag a deploy uses everywhere: ECR lookup, build, push and task definition. */
export interface ImageVersion {
  tag: string;
  source: VersionSource;
  /** `--version` as typed, when given. */
  requested?: string;
  /** `--version` given: the image must already be in ECR (deploy never builds an explicit version). */
  mustExist: boolean;
  /** `dirty` images are rebuilt and pushed on every deploy. */
  alwaysBuild: boolean;
}

/** The problem with a tag, or undefined when docker and ECR accept it. */
export function checkTag(tag: string): string | undefined {
  if (tagPattern.test(tag)) {
    return undefined;
  }
  return 'an image tag has 1 to 128 letters, digits, `_`, `.` or `-`, and does not start with `.` or `-`';
}

/**
 * The version of a deploy. `--version X` resolves through git (`git rev-list -n 1 X`) to a commit sha when X names a
 * branch, tag or commit, and that sha is the tag used everywhere (the original looked the sha up but then deployed
 * the tag `X`: Appendix A #2). X that git does not know (e.g. a tag added with `upload_to_ecr --additional_tags`)
 * is used as is. Without `--version`: `dirty` when the tree has changes, else the full HEAD sha.
 */
export function decideVersion(
  requested: string | undefined,
  resolvedSha: string | undefined,
  git: GitFacts,
): ImageVersion | { problem: string } {
  if (requested !== undefined) {
    const tag = resolvedSha ?? requested;
    const problem = checkTag(tag);
    if (problem !== undefined) {
      return {
        problem: `--version ${requested} is neither a git commit, branch or tag nor a valid image tag: ${problem}`,
      };
    }
    return { tag, source: 'requested', requested, mustExist: true, alwaysBuild: false };
  }
  if (git.dirty) {
    return { tag: dirtyTag, source: 'dirty', mustExist: false, alwaysBuild: true };
  }
  if (git.headSha === undefined) {
    return {
      problem: 'this folder is not a git repository with at least one commit, so no version can be derived',
    };
  }
  return { tag: git.headSha, source: 'head', mustExist: false, alwaysBuild: false };
}

/** The registry host from GetAuthorizationToken's `proxyEndpoint` (`https://<acct>.dkr.ecr.<region>.amazonaws.com`). */
export function registryHost(proxyEndpoint: string): string {
  return proxyEndpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
}

/** The full image reference `<host>/<repository>:<tag>`. */
export function imageUri(host: string, repository: string, tag: string): string {
  return `${host}/${repository}:${tag}`;
}

/** Splits `user:password` from ECR's base64-decoded authorization token. */
export function splitRegistryToken(decoded: string): { user: string; password: string } | undefined {
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    return undefined;
  }
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The tag of a deployed image. As the original: the text after `-repo:` (our repositories are `<app>-repo`); for any
 * other image, the text after the last `:` of the last path segment (no tag → undefined; digests are not tags).
 */
export function tagOfImage(image: string): string | undefined {
  const marker = image.indexOf('-repo:');
  if (marker >= 0) {
    const tag = image.slice(marker + '-repo:'.length);
    return tag === '' ? undefined : tag;
  }
  if (image.includes('@')) {
    return undefined;
  }
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon < 0 ? undefined : lastSegment.slice(colon + 1) || undefined;
}

/** The image with its tag replaced (sidecar-free secondary containers follow the main image's version). */
export function withTag(image: string, tag: string): string {
  const slash = image.lastIndexOf('/');
  const at = image.indexOf('@', slash + 1);
  const base = at >= 0 ? image.slice(0, at) : image;
  const colon = base.lastIndexOf(':');
  const name = colon > slash ? base.slice(0, colon) : base;
  return `${name}:${tag}`;
}

/** The argv of `<tool> build`: `build -t <local> [--build-arg K=V]... <context>` (an array: no shell involved). */
export function buildArguments(
  localImage: string,
  buildArgs: Readonly<Record<string, string>>,
  context = '.',
): string[] {
  const args = ['build', '-t', localImage];
  for (const [name, value] of Object.entries(buildArgs)) {
    args.push('--build-arg', `${name}=${value}`);
  }
  args.push(context);
  return args;
}

/** True for a sidecar container (its name ends with `-sidecar`); the original never touched those. */
export function isSidecarContainer(name: string): boolean {
  return name.endsWith('-sidecar');
}
