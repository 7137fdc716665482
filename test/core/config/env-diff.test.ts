import { describe, expect, it } from 'vitest';
import {
  changeRows,
  countChanges,
  diffConfig,
  keysByKind,
  listLines,
  listObject,
  maskValue,
} from '../../../src/core/config/env-diff.js';

describe('diffConfig', () => {
  it('lists changed, then added, then removed keys, each sorted', () => {
    const before = { Z: 'same', B: 'old', A: 'old', GONE2: 'x', GONE1: 'y' };
    const after = { Z: 'same', A: 'new', B: 'new', NEW2: '2', NEW1: '1' };
    expect(diffConfig(before, after)).toEqual([
      { kind: 'change', key: 'A', oldValue: 'old', newValue: 'new' },
      { kind: 'change', key: 'B', oldValue: 'old', newValue: 'new' },
      { kind: 'add', key: 'NEW1', newValue: '1' },
      { kind: 'add', key: 'NEW2', newValue: '2' },
      { kind: 'remove', key: 'GONE1', oldValue: 'y' },
      { kind: 'remove', key: 'GONE2', oldValue: 'x' },
    ]);
  });

  it('finds nothing when only the order differs', () => {
    expect(diffConfig({ A: '1', B: '2' }, { B: '2', A: '1' })).toEqual([]);
  });

  it('does not trip over keys named like Object members', () => {
    expect(diffConfig({}, { constructor: 'x' })).toEqual([
      { kind: 'add', key: 'constructor', newValue: 'x' },
    ]);
    expect(diffConfig({ toString: 'x' }, {})).toEqual([{ kind: 'remove', key: 'toString', oldValue: 'x' }]);
  });

  it('counts and groups keys per kind (keys only)', () => {
    const changes = diffConfig({ A: '1', B: '2' }, { A: '9', C: '3' });
    expect(countChanges(changes)).toEqual({ add: 1, change: 1, remove: 1 });
    expect(keysByKind(changes)).toEqual({ added: ['C'], changed: ['A'], removed: ['B'] });
  });
});

describe('masking', () => {
  it('shows two characters at each end of long values and hides the length', () => {
    expect(maskValue('abcdefghijklmnopqrstuvwxyz')).toBe('ab****yz');
    expect(maskValue('abcdefghijkl')).toBe('ab****kl');
  });

  it('masks short values completely', () => {
    expect(maskValue('hunter2')).toBe('********');
    expect(maskValue('abcdefghijk')).toBe('********');
    expect(maskValue('')).toBe('********');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(maskValue('🔑🔑bcdefghijk🔒🔒')).toBe('🔑🔑****🔒🔒');
  });

  it('masks table rows unless reveal is asked', () => {
    const changes = diffConfig({ TOKEN: 'old-secret-value-1', PIN: '1234' }, { TOKEN: 'new-secret-value-2' });
    expect(changeRows(changes, false)).toEqual([
      ['change', 'TOKEN', 'ol****-1', 'ne****-2'],
      ['remove', 'PIN', '********', ''],
    ]);
    expect(changeRows(changes, true)).toEqual([
      ['change', 'TOKEN', 'old-secret-value-1', 'new-secret-value-2'],
      ['remove', 'PIN', '1234', ''],
    ]);
  });

  it('lists KEY=masked lines and JSON objects sorted by key', () => {
    const values = { B: 'supersecretvalue', A: '1' };
    expect(listLines(values, false)).toEqual(['A=********', 'B=su****ue']);
    expect(listLines(values, true)).toEqual(['A=1', 'B=supersecretvalue']);
    expect(Object.entries(listObject(values, false))).toEqual([
      ['A', '********'],
      ['B', 'su****ue'],
    ]);
    expect(listObject(values, true)).toEqual({ A: '1', B: 'supersecretvalue' });
  });
});
