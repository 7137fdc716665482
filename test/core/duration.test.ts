import { describe, expect, it } from 'vitest';
import { formatElapsed } from '../../src/core/duration.js';

describe('formatElapsed', () => {
  it('prints seconds, minutes and hours compactly and clamps clock skew', () => {
    expect(formatElapsed(0)).toBe('0s');
    expect(formatElapsed(59_999)).toBe('59s');
    expect(formatElapsed(65_000)).toBe('1m 05s');
    expect(formatElapsed(3_725_000)).toBe('1h 02m');
    expect(formatElapsed(-4_000)).toBe('0s');
  });
});
