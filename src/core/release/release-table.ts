// The `releases` command's table and JSON: one row per release, newest first, with which service went wrong and why.
// Pure: the current time comes in as an argument.
import { configFingerprint, displayOutcome, taskDefinitionLabel, wentWrong } from './releases.js';
import type { Release } from './releases.js';

/** The short form of an actor ARN: the part after the last `/` (user or role session), else the ARN. */
export function actorLabel(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash >= 0 && slash < arn.length - 1 ? arn.slice(slash + 1) : arn;
}

/** The header of the `releases` table. */
export const releaseTableHead = [
  '#',
  'When',
  'Who',
  'Kind',
  'Version',
  'Task definitions',
  'Config',
  'Outcome',
  'Took',
];

/** One row of the `releases` table per release, newest first. */
export function releaseRows(releases: readonly Release[], now: Date): string[][] {
  return [...releases]
    .sort((a, b) => b.number - a.number)
    .map((release) => [
      `v${release.number}`,
      release.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      actorLabel(release.actor),
      release.kind === 'rollback' && release.rollbackOf !== undefined
        ? `rollback to v${release.rollbackOf}`
        : release.kind,
      versionLabel(release),
      release.services
        .map((service) => `${service.component}: ${taskDefinitionLabel(service.taskDefinition)}`)
        .join('\n'),
      configFingerprint(release.configVersions),
      outcomeText(release, now),
      release.durationSeconds === undefined ? '' : `${release.durationSeconds}s`,
    ]);
}

/** The Version cell: a commit sha cut to 12 characters (enough for git and for `--version`; `--json` has it whole). */
function versionLabel(release: Release): string {
  const version = release.version ?? release.gitSha ?? '';
  return /^[0-9a-f]{40}$/.test(version) ? version.slice(0, 12) : version;
}

/**
 * The Outcome cell: the release's outcome, then one line per service that went wrong with its reason (which service
 * failed and why); records without per-service outcomes show the release's overall reason.
 */
function outcomeText(release: Release, now: Date): string {
  const outcome = displayOutcome(release, now);
  if (outcome === 'succeeded') {
    return outcome;
  }
  const bad = (release.serviceOutcomes ?? []).filter(wentWrong);
  if (bad.length > 0) {
    return [
      outcome,
      ...bad.map((service) => `${service.component}: ${shorten(service.reason ?? service.outcome)}`),
    ].join('\n');
  }
  return release.reason === undefined ? outcome : `${outcome}: ${shorten(release.reason)}`;
}

function shorten(text: string): string {
  return text.length > 45 ? `${text.slice(0, 42)}...` : text;
}

/** The JSON form of a release for `--json` (the record plus the derived fields the table shows). */
export function releaseJson(release: Release, now: Date): Record<string, unknown> {
  return {
    ...release,
    displayOutcome: displayOutcome(release, now),
    configFingerprint: configFingerprint(release.configVersions),
  };
}
