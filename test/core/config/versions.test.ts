import { describe, expect, it } from 'vitest';
import { compareVersions, judgeVersions, originalFormatVersion } from '../../../src/core/config/versions.js';

describe('compareVersions', () => {
  it.each([
    ['2.1.1', '2.1.1', 0],
    ['2.10.0', '2.9.1', 1],
    ['2.1', '2.1.0', 0],
    ['1.17.1', '2.1.1', -1],
    ['0.1.0', '0.0.0-dev', 1],
  ])('%s vs %s → %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});

describe('judgeVersions', () => {
  it('accepts records of the original 2.1.1 and older, and of our own version', () => {
    expect(judgeVersions({ originalVersion: '2.1.1' }, '0.1.0')).toEqual({ kind: 'ok' });
    expect(judgeVersions({ originalVersion: '1.17.1', toolVersion: '0.1.0' }, '0.1.0')).toEqual({
      kind: 'ok',
    });
    expect(judgeVersions({}, '0.1.0')).toEqual({ kind: 'ok' });
  });

  it('refuses a record saved by a newer cloudlift (downgrade guard)', () => {
    expect(judgeVersions({ toolVersion: '0.2.0' }, '0.1.0')).toEqual({ kind: 'newer-tool', stored: '0.2.0' });
  });

  it('warns about a newer original minor version and refuses an unknown major', () => {
    expect(judgeVersions({ originalVersion: '2.2.0' }, '0.1.0').kind).toBe('newer-original-minor');
    expect(judgeVersions({ originalVersion: '3.0.0' }, '0.1.0').kind).toBe('newer-original-major');
  });

  it('stamps the layout of Cloudlift 2.1.1', () => {
    expect(originalFormatVersion).toBe('2.1.1');
  });
});
