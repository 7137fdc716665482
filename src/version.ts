// cloudlift's own version, injected at build time (esbuild and vitest `define` it from package.json).

declare const CLOUDLIFT_VERSION: string | undefined;

/** The version printed by `cloudlift --version` and stamped on records this tool saves. */
export const cloudliftVersion: string =
  typeof CLOUDLIFT_VERSION === 'string' ? CLOUDLIFT_VERSION : '0.0.0-dev';
