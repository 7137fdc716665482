import { stripVTControlCharacters } from 'node:util';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import {
  fitSegments,
  formatPlainLine,
  hiddenSummary,
  renderFrame,
  visibleRows,
} from '../../../src/ui/format/progress.js';
import type { ProgressRow } from '../../../src/ui/format/progress.js';

const plain = pc.createColors(false);
const colored = pc.createColors(true);
const at = (seconds: number): Date => new Date(Date.UTC(2025, 0, 1, 0, 0, 0) + seconds * 1000);

function row(
  id: string,
  tone: ProgressRow['tone'],
  status: string,
  start: number,
  end?: number,
): ProgressRow {
  return {
    id,
    label: id,
    detail: 'AWS::EC2::VPC',
    status,
    tone,
    startedAt: at(start),
    ...(end === undefined ? {} : { finishedAt: at(end) }),
  };
}

describe('fitSegments', () => {
  it('cuts the plain text to the width with an ellipsis, before colouring', () => {
    const line = fitSegments([{ text: 'abcdef', style: colored.red }, { text: 'ghij' }], 8);
    expect(line).toBe(`${colored.red('abcdef')}g…`);
    expect(fitSegments([{ text: 'short' }], 8)).toBe('short');
  });
});

describe('renderFrame', () => {
  it('draws the title and aligned rows with status and elapsed time', () => {
    const lines = renderFrame(
      [
        row('stagingVpc', 'success', 'CREATE_COMPLETE', 0, 12),
        row('stagingSubnet1', 'active', 'CREATE_IN_PROGRESS', 5),
        { ...row('Alb', 'failure', 'CREATE_FAILED', 6, 9), note: 'Certificate not found' },
      ],
      {
        title: 'Creating environment staging',
        titleStatus: { status: 'CREATE_IN_PROGRESS', tone: 'active' },
        startedAt: at(0),
        now: at(75),
        width: 120,
        maxLines: 24,
        colors: plain,
      },
    );
    expect(lines).toEqual([
      'Creating environment staging  CREATE_IN_PROGRESS  1m 15s',
      '  ✔ stagingVpc      AWS::EC2::VPC  CREATE_COMPLETE         12s',
      '  • stagingSubnet1  AWS::EC2::VPC  CREATE_IN_PROGRESS   1m 10s',
      '  ✘ Alb             AWS::EC2::VPC  CREATE_FAILED            3s  Certificate not found',
    ]);
  });

  it('never exceeds maxLines: keeps unfinished and failed rows, summarizes the rest', () => {
    const rows: ProgressRow[] = [];
    for (let index = 0; index < 30; index += 1) {
      rows.push(row(`Done${index}`, 'success', 'CREATE_COMPLETE', 0, index));
    }
    rows.push(row('Busy', 'active', 'CREATE_IN_PROGRESS', 3));
    rows.push(row('Broken', 'failure', 'CREATE_FAILED', 2, 4));
    const lines = renderFrame(rows, {
      title: 'T',
      startedAt: at(0),
      now: at(40),
      width: 200,
      maxLines: 10,
      colors: plain,
    });
    expect(lines).toHaveLength(10);
    expect(lines.join('\n')).toContain('Busy');
    expect(lines.join('\n')).toContain('Broken');
    // the most recently finished rows fill the remaining room, in board order
    expect(lines.slice(1, 9).map((line) => line.trim().split(/\s+/)[1])).toEqual([
      'Done24',
      'Done25',
      'Done26',
      'Done27',
      'Done28',
      'Done29',
      'Busy',
      'Broken',
    ]);
    expect(lines[9]).toBe('  … and 24 more: 24 done');
  });

  it('cuts lines to the terminal width so the in-place redraw never wraps', () => {
    const lines = renderFrame([{ ...row('R', 'failure', 'CREATE_FAILED', 0, 1), note: 'x'.repeat(200) }], {
      title: 'T',
      startedAt: at(0),
      now: at(1),
      width: 60,
      maxLines: 24,
      colors: colored,
    });
    const visible = (text: string): number => [...stripVTControlCharacters(text)].length;
    for (const line of lines) {
      expect(visible(line)).toBeLessThanOrEqual(59);
    }
  });
});

describe('visibleRows and hiddenSummary', () => {
  it('returns everything when it fits', () => {
    const rows = [row('A', 'success', 'CREATE_COMPLETE', 0, 1)];
    expect(visibleRows(rows, 5)).toEqual(rows);
  });

  it('summarizes hidden rows by class', () => {
    expect(
      hiddenSummary([
        row('A', 'success', 'CREATE_COMPLETE', 0, 1),
        row('B', 'active', 'CREATE_IN_PROGRESS', 0),
        row('C', 'rollback', 'ROLLBACK_IN_PROGRESS', 0),
      ]),
    ).toBe('  … and 3 more: 1 done, 1 in progress, 1 rolling back');
  });
});

describe('formatPlainLine', () => {
  it('prints one line per update, timed from the start of the operation', () => {
    expect(
      formatPlainLine(
        { ...row('Alb', 'failure', 'CREATE_FAILED', 6, 9), note: 'Certificate not found' },
        at(69),
        at(0),
        plain,
      ),
    ).toBe('  [1m 09s]  Alb  AWS::EC2::VPC  CREATE_FAILED  Certificate not found');
    expect(formatPlainLine(row('Vpc', 'success', 'CREATE_COMPLETE', 0, 3), at(3), at(0), plain)).toBe(
      '  [    3s]  Vpc  AWS::EC2::VPC  CREATE_COMPLETE',
    );
  });

  it('colours the status by class', () => {
    const line = formatPlainLine(row('Vpc', 'success', 'CREATE_COMPLETE', 0, 3), at(3), at(0), colored);
    expect(line).toContain(colored.green('CREATE_COMPLETE'));
  });
});
