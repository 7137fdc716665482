import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { StackEvent } from '../../src/core/stacks/stack-status.js';
import { ProgressBoard, StackProgress } from '../../src/ui/progress.js';
import { FakeClock } from '../support/clock.js';
import { makeTestContext, newCapture } from '../support/context.js';

const stripAnsi = (text: string): string => stripVTControlCharacters(text);
const at = (seconds: number): Date => new Date(Date.UTC(2025, 0, 1, 0, 0, 0) + seconds * 1000);

function event(logicalId: string, status: string, seconds: number, reason?: string): StackEvent {
  return {
    eventId: `${logicalId}-${status}`,
    stackName: 'cluster-staging',
    logicalId,
    resourceType: logicalId === 'cluster-staging' ? 'AWS::CloudFormation::Stack' : 'AWS::EC2::VPC',
    status,
    timestamp: at(seconds),
    ...(reason === undefined ? {} : { reason }),
  };
}

describe('StackProgress without a terminal', () => {
  it('prints the title once and one plain line per new event, timed from the first event', () => {
    const capture = newCapture();
    const ctx = makeTestContext({ capture });
    const progress = new StackProgress(ctx.ui, 'cluster-staging', {
      title: 'Creating environment staging',
      now: () => at(0),
    });
    progress.onEvents([
      event('cluster-staging', 'CREATE_IN_PROGRESS', 0, 'User Initiated'),
      event('stagingVpc', 'CREATE_IN_PROGRESS', 2),
    ]);
    progress.refresh();
    progress.onEvents([event('stagingVpc', 'CREATE_FAILED', 14, 'CIDR invalid')]);
    progress.close();
    expect(capture.stderr.split('\n')).toEqual([
      'Creating environment staging',
      '  [    0s]  cluster-staging  AWS::CloudFormation::Stack  CREATE_IN_PROGRESS',
      '  [    2s]  stagingVpc  AWS::EC2::VPC  CREATE_IN_PROGRESS',
      '  [   14s]  stagingVpc  AWS::EC2::VPC  CREATE_FAILED  CIDR invalid',
      '',
    ]);
    expect(capture.stdout).toBe('');
  });
});

describe('ProgressBoard on a terminal', () => {
  it('redraws in place: moves up over the previous frame, clears, and restores the cursor at the end', () => {
    const capture = newCapture();
    const clock = new FakeClock(at(0));
    const ctx = makeTestContext({ capture, live: true, clock });
    const board = new ProgressBoard(ctx.ui, { title: 'Deploying web', now: () => clock.now() });
    expect(board.isLive).toBe(true);
    board.update(
      { id: 'web', label: 'web', status: '1/2 running', tone: 'active', startedAt: at(0) },
      at(0),
      at(0),
    );
    board.refresh();
    clock.advance(5_000);
    board.update(
      {
        id: 'web',
        label: 'web',
        status: '2/2 running',
        tone: 'success',
        startedAt: at(0),
        finishedAt: at(5),
      },
      at(5),
      at(0),
    );
    board.refresh();
    board.close();
    const frames = capture.stderr;
    expect(frames.startsWith('\x1b[?25l')).toBe(true); // cursor hidden while drawing
    expect(frames).toContain('\x1b[2A\r\x1b[J'); // the second frame erases the two lines of the first
    expect(frames.endsWith('\x1b[?25h')).toBe(true);
    const lastFrame = stripAnsi(frames.split('\r').at(-1) ?? '');
    expect(lastFrame.split('\n').slice(0, 2)).toEqual(['Deploying web  5s', '  ✔ web  2/2 running       5s']);
  });

  it('leaves the last frame alone when closed after Ctrl-C (other lines were printed below it)', () => {
    const capture = newCapture();
    const ctx = makeTestContext({ capture, live: true });
    const board = new ProgressBoard(ctx.ui, { title: 'T', now: () => at(0) });
    board.refresh();
    const before = capture.stderr;
    board.close({ redraw: false });
    expect(capture.stderr).toBe(`${before}\x1b[?25h`);
  });
});
