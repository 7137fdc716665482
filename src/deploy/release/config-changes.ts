// Which variables changed since the running revision was registered. Its tag `cloudlift:config-versions` is only a
// fingerprint of the Parameter Store versions; the release ledger keeps each release's versions (names and version
// numbers, never values), so the release whose versions give that fingerprint says exactly which keys are newer now.
import type { Context } from '../../context.js';
import type { Release } from '../../core/release/releases.js';
import { configTagKey } from '../../core/release/task-definition.js';
import type { TaskTag } from '../../core/release/task-definition.js';
import { messageOf } from '../../errors.js';
import { listReleases } from './releases.js';
import { fingerprintOf } from './release-config.js';

/** Parameter versions in env.sample order. */
export type Versions = readonly { key: string; version: number }[];

/** How many releases are searched for the running revision's versions. */
const releasesSearched = 100;

/**
 * The variables whose version differs from the release the running fingerprint came from (sorted), or undefined when
 * no release has versions with that fingerprint (deployed before the ledger, or by the original Cloudlift).
 */
export function changedSince(
  current: Versions,
  runningFingerprint: string,
  releases: readonly Release[],
): string[] | undefined {
  for (const release of releases) {
    const recorded = release.configVersions;
    if (recorded === undefined) {
      continue;
    }
    // the fingerprint covered env.sample's keys then; keys added since simply were not in it
    const then = current
      .filter((entry) => recorded[entry.key] !== undefined)
      .map((entry) => ({ key: entry.key, version: recorded[entry.key] ?? 0 }));
    if (fingerprintOf(then) === runningFingerprint) {
      return current
        .filter((entry) => recorded[entry.key] !== entry.version)
        .map((entry) => entry.key)
        .sort();
    }
  }
  return undefined;
}

/** The ledger's releases (newest first), read at most once and only when asked; undefined when it cannot be read. */
export function ledgerOnce(
  ctx: Context,
  app: string,
  environment: string,
): () => Promise<readonly Release[] | undefined> {
  let read: Promise<readonly Release[] | undefined> | undefined;
  return () => {
    read ??= listReleases(ctx, app, environment, releasesSearched).catch((error: unknown) => {
      ctx.ui.debug(`could not read the release ledger to name the changed variables: ${messageOf(error)}`);
      return undefined;
    });
    return read;
  };
}

/**
 * The variables whose values changed since a task definition was registered, when that changed its fingerprint:
 * their names (sorted, never values), null when the ledger cannot tell which, undefined when the fingerprint did not
 * change or the task definition has none (registered by the original Cloudlift or CloudFormation).
 */
export async function changedVariables(
  configChanged: boolean,
  registeredTags: readonly TaskTag[],
  current: Versions,
  ledger: () => Promise<readonly Release[] | undefined>,
): Promise<string[] | null | undefined> {
  const fingerprint = registeredTags.find((tag) => tag.key === configTagKey)?.value;
  if (!configChanged || fingerprint === undefined) {
    return undefined;
  }
  const releases = await ledger();
  return (releases === undefined ? undefined : changedSince(current, fingerprint, releases)) ?? null;
}

/** The line naming the changed variables (`whose`: which versions the ledger lacks), or undefined when none. */
export function changedVariablesLine(keys: readonly string[] | null, whose: string): string | undefined {
  if (keys === null) {
    return `Which variables changed is not known: no release in the ledger has ${whose}`;
  }
  return keys.length === 0 ? undefined : `Changed in Parameter Store: ${keys.join(', ')} (values not shown)`;
}
