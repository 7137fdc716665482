// Whether a golden test may rewrite its expected file: only on request (UPDATE_GOLDEN=1) and never in CI, where a
// rewrite would turn a regression into a passing run and hide it.

/** True when `CI` is set to anything but an empty string, `false` or `0` (CI services set `CI=true`). */
export function isCi(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/**
 * True when golden files should be rewritten (UPDATE_GOLDEN=1). Throws when that is asked for in CI: golden files are
 * rewritten locally, reviewed, and committed.
 */
export function shouldRewriteGolden(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env.UPDATE_GOLDEN !== '1') {
    return false;
  }
  if (isCi(env)) {
    throw new Error(
      'UPDATE_GOLDEN=1 is refused when CI is set: a rewrite in CI would hide a regression. ' +
        'Rewrite the golden files locally, review the diff and commit it.',
    );
  }
  return true;
}
