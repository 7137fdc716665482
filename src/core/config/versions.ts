// Version stamps on stored configuration: compatibility with the original Cloudlift and a downgrade guard for ours.

/**
 * The original Cloudlift stamps `cloudlift_version` inside every configuration and refuses to load one stamped by a
 * newer version. We write the stored layout of Cloudlift 2.1.1 exactly, so we stamp 2.1.1: records we save load in the
 * original (2.1.1 and later), and records it saves load here.
 */
export const originalFormatVersion = '2.1.1';

/** Compares dotted versions numerically (`2.10.0` > `2.9.1`); non-numeric parts compare as text. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.+-]/);
  const right = b.split(/[.+-]/);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const x = left[index] ?? '0';
    const y = right[index] ?? '0';
    const xNumber = Number(x);
    const yNumber = Number(y);
    const difference =
      Number.isFinite(xNumber) && Number.isFinite(yNumber) ? xNumber - yNumber : x.localeCompare(y);
    if (difference !== 0) {
      return Math.sign(difference);
    }
  }
  return 0;
}

/** What to do with a stored record, judged from its stamps. */
export type VersionVerdict =
  | { kind: 'ok' }
  | { kind: 'newer-tool'; stored: string }
  | { kind: 'newer-original-major'; stored: string }
  | { kind: 'newer-original-minor'; stored: string };

/** Checks a record's stamps against this tool (`ours`) and the layout we understand. */
export function judgeVersions(
  stamps: { toolVersion?: string; originalVersion?: unknown },
  ours: string,
): VersionVerdict {
  if (stamps.toolVersion !== undefined && compareVersions(stamps.toolVersion, ours) > 0) {
    return { kind: 'newer-tool', stored: stamps.toolVersion };
  }
  if (
    typeof stamps.originalVersion === 'string' &&
    compareVersions(stamps.originalVersion, originalFormatVersion) > 0
  ) {
    const storedMajor = Number(stamps.originalVersion.split('.')[0]);
    const knownMajor = Number(originalFormatVersion.split('.')[0]);
    return storedMajor > knownMajor
      ? { kind: 'newer-original-major', stored: stamps.originalVersion }
      : { kind: 'newer-original-minor', stored: stamps.originalVersion };
  }
  return { kind: 'ok' };
}
