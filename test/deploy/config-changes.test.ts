// Naming the variables whose values changed since the running revision: the release whose recorded parameter versions
// give the running revision's fingerprint tells which keys have a newer version now.
import { describe, expect, it } from 'vitest';
import type { Release } from '../../src/core/releases.js';
import { changedSince } from '../../src/deploy/config-changes.js';
import { fingerprintOf } from '../../src/deploy/release-config.js';

function release(number: number, configVersions?: Record<string, number>): Release {
  return {
    app: 'shop',
    environment: 'staging',
    number,
    kind: 'deploy',
    outcome: 'succeeded',
    startedAt: '2026-11-26T10:00:00Z',
    actor: 'arn:aws:iam::1:user/alice',
    services: [],
    ...(configVersions === undefined ? {} : { configVersions }),
  };
}

const current = [
  { key: 'PORT', version: 1 },
  { key: 'DATABASE_URL', version: 4 },
  { key: 'API_KEY', version: 2 },
];

describe('changedSince', () => {
  it('names the keys with a newer version than the release the running fingerprint came from', () => {
    const then = [
      { key: 'PORT', version: 1 },
      { key: 'DATABASE_URL', version: 3 },
      { key: 'API_KEY', version: 1 },
    ];
    // newest first: v3 recorded other versions (e.g. a failed deploy that was rolled back), v1 has none
    const releases = [
      release(3, { PORT: 1, DATABASE_URL: 4, API_KEY: 1 }),
      release(2, { PORT: 1, DATABASE_URL: 3, API_KEY: 1 }),
      release(1),
    ];
    expect(changedSince(current, fingerprintOf(then), releases)).toEqual(['API_KEY', 'DATABASE_URL']);
  });

  it('counts a key added since the running revision as changed', () => {
    const then = [
      { key: 'PORT', version: 1 },
      { key: 'DATABASE_URL', version: 4 },
    ];
    expect(changedSince(current, fingerprintOf(then), [release(1, { PORT: 1, DATABASE_URL: 4 })])).toEqual([
      'API_KEY',
    ]);
  });

  it('does not know when no release has the running versions', () => {
    const unknown = fingerprintOf([{ key: 'PORT', version: 9 }]);
    expect(changedSince(current, unknown, [release(2, { PORT: 1 }), release(1)])).toBeUndefined();
    expect(changedSince(current, unknown, [])).toBeUndefined();
  });
});
