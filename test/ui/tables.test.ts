import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/ui/tables.js';

describe('renderTable', () => {
  it('draws a boxed table, one line per row, without colour codes when colours are off', () => {
    const text = renderTable(
      ['Type', 'Config'],
      [
        ['add', 'PORT'],
        ['remove', 'HOST'],
      ],
      pc.createColors(false),
    );
    expect(text.split('\n')).toEqual([
      '┌────────┬────────┐',
      '│ Type   │ Config │',
      '├────────┼────────┤',
      '│ add    │ PORT   │',
      '│ remove │ HOST   │',
      '└────────┴────────┘',
    ]);
  });

  it('colours chosen cells and the header when colours are on', () => {
    const colors = pc.createColors(true);
    const text = renderTable(['Type'], [['remove'], ['add']], colors, (row, column) =>
      row[0] === 'remove' && column === 0 ? colors.red : undefined,
    );
    expect(text).toContain(colors.red('remove'));
    expect(text).toContain(colors.bold('Type'));
    expect(text).not.toContain(colors.red('add'));
  });
});
