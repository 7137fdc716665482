// Differences between two JSON configuration documents, as rows for a preview table (the original printed the same
// Type | Config | Old val | New val table). Values under secret-looking keys are masked.
import diff from 'microdiff';
import { maskValue } from './env-diff.js';

/** One difference between the stored and the edited document. */
export interface JsonChange {
  kind: 'add' | 'change' | 'remove';
  path: string;
  before?: unknown;
  after?: unknown;
}

// Key names that hold secrets. Not plain "private": `vpc.subnets.private` is a subnet section, not a secret.
const secretKey = /secret|passw(or)?d|token|credential|api[_-]?key|private[_-]?key|access[_-]?key/i;

/** Sorted-key JSON with 4-space indentation: the text the editor shows (stable, like the original's sort_keys). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeys(inner)]));
  }
  return value;
}

/** A whole added or removed object becomes one row per leaf, so a new section reads like the rest of the table. */
function leaves(path: string, value: unknown): Array<[string, unknown]> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
      leaves(path === '' ? key : `${path}.${key}`, inner),
    );
  }
  return [[path, value]];
}

/** Every difference down to the leaves, sorted by path. */
export function diffDocuments(before: unknown, after: unknown): JsonChange[] {
  const left = (before ?? {}) as Record<string, unknown>;
  const right = (after ?? {}) as Record<string, unknown>;
  return diff(left, right)
    .flatMap((change): JsonChange[] => {
      const path = change.path.map(String).join('.');
      if (change.type === 'CREATE') {
        return leaves(path, change.value).map(([leaf, value]) => ({ kind: 'add', path: leaf, after: value }));
      }
      if (change.type === 'REMOVE') {
        return leaves(path, change.oldValue).map(([leaf, value]) => ({
          kind: 'remove',
          path: leaf,
          before: value,
        }));
      }
      return [{ kind: 'change', path, before: change.oldValue, after: change.value }];
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function render(value: unknown, masked: boolean): string {
  if (value === undefined) {
    return '';
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (masked) {
    return maskValue(text);
  }
  // Long values (ARNs, lists) are cut so the table fits a terminal; the saved document keeps them whole.
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Table rows `[type, path, old, new]`, secret-looking values masked unless `reveal`. */
export function jsonChangeRows(changes: readonly JsonChange[], reveal = false): string[][] {
  return changes.map((change) => {
    const masked = !reveal && change.path.split('.').some((segment) => secretKey.test(segment));
    return [change.kind, change.path, render(change.before, masked), render(change.after, masked)];
  });
}
