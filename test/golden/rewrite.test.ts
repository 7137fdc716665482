// Golden files are never rewritten in CI (issue #13): UPDATE_GOLDEN=1 with CI set fails instead of passing.
import { describe, expect, it } from 'vitest';
import { isCi, shouldRewriteGolden } from './rewrite.js';

describe('shouldRewriteGolden', () => {
  it('rewrites only on UPDATE_GOLDEN=1 outside CI', () => {
    expect(shouldRewriteGolden({})).toBe(false);
    expect(shouldRewriteGolden({ UPDATE_GOLDEN: '0' })).toBe(false);
    expect(shouldRewriteGolden({ UPDATE_GOLDEN: '1' })).toBe(true);
    expect(shouldRewriteGolden({ UPDATE_GOLDEN: '1', CI: 'false' })).toBe(true);
    expect(shouldRewriteGolden({ UPDATE_GOLDEN: '1', CI: '' })).toBe(true);
  });

  it('refuses UPDATE_GOLDEN=1 when CI is set, as .ci/run and CI services set it', () => {
    for (const ci of ['true', '1', 'yes', 'TRUE']) {
      expect(isCi({ CI: ci })).toBe(true);
      expect(() => shouldRewriteGolden({ UPDATE_GOLDEN: '1', CI: ci })).toThrow(/refused when CI is set/);
    }
    expect(shouldRewriteGolden({ CI: 'true' })).toBe(false);
  });
});
