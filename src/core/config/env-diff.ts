// The change set between two KEY=VALUE maps and how its values are shown: masked unless the user asked to see them.
import { sortedKeys } from './env-file.js';

/** What happens to one key. */
export type ChangeKind = 'add' | 'change' | 'remove';

/** One key's change; values are present where they exist (old for change/remove, new for add/change). */
export interface ConfigChange {
  kind: ChangeKind;
  key: string;
  oldValue?: string;
  newValue?: string;
}

const kindOrder: Record<ChangeKind, number> = { change: 0, add: 1, remove: 2 };

/** The changes from `before` to `after`: changed keys, then added, then removed (the original's order), by key. */
export function diffConfig(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const key of sortedKeys(before)) {
    const oldValue = before[key] ?? '';
    if (!Object.hasOwn(after, key)) {
      changes.push({ kind: 'remove', key, oldValue });
    } else if (after[key] !== oldValue) {
      changes.push({ kind: 'change', key, oldValue, newValue: after[key] ?? '' });
    }
  }
  for (const key of sortedKeys(after)) {
    if (!Object.hasOwn(before, key)) {
      changes.push({ kind: 'add', key, newValue: after[key] ?? '' });
    }
  }
  return changes.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind]);
}

/** Values shorter than this are masked completely: showing 4 characters of them would give too much away. */
export const minimumPartlyShownLength = 12;

/** `ab****yz` for long values, `********` for short ones; the mask never tells the length. */
export function maskValue(value: string): string {
  const characters = Array.from(value);
  if (characters.length < minimumPartlyShownLength) {
    return '********';
  }
  return `${characters.slice(0, 2).join('')}****${characters.slice(-2).join('')}`;
}

/** The value as shown to the user: masked unless `reveal`. */
export function shownValue(value: string | undefined, reveal: boolean): string {
  if (value === undefined) {
    return '';
  }
  return reveal ? value : maskValue(value);
}

/** Table rows `[kind, key, old, new]` with masked values (full ones only with `reveal`). */
export function changeRows(changes: readonly ConfigChange[], reveal: boolean): string[][] {
  return changes.map((change) => [
    change.kind,
    change.key,
    shownValue(change.oldValue, reveal),
    shownValue(change.newValue, reveal),
  ]);
}

/** Counts per kind, e.g. `1 to add, 2 to change, 0 to remove`. */
export function countChanges(changes: readonly ConfigChange[]): Record<ChangeKind, number> {
  const counts: Record<ChangeKind, number> = { add: 0, change: 0, remove: 0 };
  for (const change of changes) {
    counts[change.kind] += 1;
  }
  return counts;
}

/** The keys of each kind, for `--json` summaries (keys only, never values). */
export function keysByKind(
  changes: readonly ConfigChange[],
): Record<'added' | 'changed' | 'removed', string[]> {
  return {
    added: changes.filter((change) => change.kind === 'add').map((change) => change.key),
    changed: changes.filter((change) => change.kind === 'change').map((change) => change.key),
    removed: changes.filter((change) => change.kind === 'remove').map((change) => change.key),
  };
}

/** `KEY=<masked>` lines sorted by key, for `--list` (full values with `reveal`). */
export function listLines(values: Readonly<Record<string, string>>, reveal: boolean): string[] {
  return sortedKeys(values).map((key) => `${key}=${shownValue(values[key], reveal)}`);
}

/** The `--list --json` object: keys to masked (or, with `reveal`, full) values, sorted by key. */
export function listObject(
  values: Readonly<Record<string, string>>,
  reveal: boolean,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of sortedKeys(values)) {
    result[key] = shownValue(values[key], reveal);
  }
  return result;
}
