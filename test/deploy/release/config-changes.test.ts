// Naming the variables whose values changed since the running revision: the release whose recorded parameter versions
// give the running revision's fingerprint tells which keys have a newer version now.
import { describe, expect, it } from 'vitest';
import type { Release } from '../../../src/core/release/releases.js';
import {
  changedSince,
  changedVariables,
  changedVariablesLine,
} from '../../../src/deploy/release/config-changes.js';
import { fingerprintOf } from '../../../src/deploy/release/release-config.js';

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

describe('changedVariables', () => {
  const then = [
    { key: 'PORT', version: 1 },
    { key: 'DATABASE_URL', version: 3 },
    { key: 'API_KEY', version: 2 },
  ];
  const tags = [{ key: 'cloudlift:config-versions', value: fingerprintOf(then) }];
  const ledger = (releases: readonly Release[] | undefined) => () => Promise.resolve(releases);

  it('names the changed keys from the release with the registered versions', async () => {
    const releases = [release(1, { PORT: 1, DATABASE_URL: 3, API_KEY: 2 })];
    expect(await changedVariables(true, tags, current, ledger(releases))).toEqual(['DATABASE_URL']);
  });

  it('is null when the ledger cannot tell (no such release, or unreadable)', async () => {
    expect(await changedVariables(true, tags, current, ledger([release(1, { PORT: 9 })]))).toBeNull();
    expect(await changedVariables(true, tags, current, ledger(undefined))).toBeNull();
  });

  it('is undefined when the fingerprint did not change or was never recorded, without reading the ledger', async () => {
    const unread = () => Promise.reject(new Error('the ledger must not be read'));
    expect(await changedVariables(false, tags, current, unread)).toBeUndefined();
    expect(await changedVariables(true, [], current, unread)).toBeUndefined();
  });
});

describe('changedVariablesLine', () => {
  it('names the keys (never values), says when it cannot tell, and says nothing for no keys', () => {
    expect(changedVariablesLine(['DATABASE_URL', 'PORT'], 'x')).toBe(
      'Changed in Parameter Store: DATABASE_URL, PORT (values not shown)',
    );
    expect(changedVariablesLine(null, 'the running versions')).toBe(
      'Which variables changed is not known: no release in the ledger has the running versions',
    );
    expect(changedVariablesLine([], 'x')).toBeUndefined();
  });
});
