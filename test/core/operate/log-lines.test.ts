import { describe, expect, it } from 'vitest';
import {
  eventSource,
  formatLogLine,
  interleave,
  isComponentStream,
  logEventJson,
  matchComponent,
  parseSince,
  parseStreamName,
  pruneSeen,
  streamPrefix,
} from '../../../src/core/operate/log-lines.js';
import type { LogEvent } from '../../../src/core/operate/log-lines.js';

const task = '0123456789abcdef0123456789abcdef';
const event = (stream: string, timestamp: number, eventId: string, message = eventId): LogEvent => ({
  stream,
  timestamp,
  eventId,
  message,
});

describe('stream names', () => {
  it('splits the awslogs <prefix>/<container>/<task id> form', () => {
    expect(parseStreamName(`Web/WebContainer/${task}`)).toEqual({
      prefix: 'Web',
      container: 'WebContainer',
      taskId: task,
    });
    expect(parseStreamName('Web/WebContainer')).toBeUndefined();
    expect(parseStreamName('Web//x')).toBeUndefined();
    expect(parseStreamName('a/b/c/d')).toBeUndefined();
  });

  it('matches a component by its prefix with the slash, so Web does not catch WebJob', () => {
    expect(streamPrefix('Web')).toBe('Web/');
    expect(isComponentStream(`Web/WebContainer/${task}`, ['Web'])).toBe(true);
    expect(isComponentStream(`WebJob/WebJobContainer/${task}`, ['Web'])).toBe(false);
    expect(isComponentStream(`WebJob/WebJobContainer/${task}`, ['Web', 'WebJob'])).toBe(true);
  });

  it('labels lines with the component and a short task id', () => {
    expect(eventSource(`Web/WebContainer/${task}`)).toBe('Web/01234567');
    expect(eventSource('odd-stream')).toBe('odd-stream');
  });
});

describe('matchComponent', () => {
  it('prefers the exact name, then ignores case', () => {
    expect(matchComponent(['Web', 'Worker'], 'Worker')).toBe('Worker');
    expect(matchComponent(['Web', 'Worker'], 'worker')).toBe('Worker');
    expect(matchComponent(['Web'], 'api')).toBeUndefined();
  });
});

describe('parseSince', () => {
  const now = new Date('2026-11-26T12:00:00.000Z');

  it('reads durations back from now', () => {
    expect(parseSince('10m', now)).toBe(now.getTime() - 600_000);
    expect(parseSince('30s', now)).toBe(now.getTime() - 30_000);
    expect(parseSince('1h30m', now)).toBe(now.getTime() - 5_400_000);
    expect(parseSince('2d', now)).toBe(now.getTime() - 172_800_000);
  });

  it('reads ISO times', () => {
    expect(parseSince('2026-11-26T09:00:00Z', now)).toBe(Date.parse('2026-11-26T09:00:00Z'));
  });

  it('explains what it accepts', () => {
    for (const bad of ['10', 'ten minutes', '10x', '', '2026-13-45']) {
      expect(parseSince(bad, now)).toMatchObject({ problem: expect.stringContaining('10m') });
    }
  });
});

describe('interleave', () => {
  it('merges batches by time, then stream, then id', () => {
    const web = [event('Web/WebContainer/a', 3, 'w3'), event('Web/WebContainer/a', 1, 'w1')];
    const worker = [event('Worker/WorkerContainer/b', 2, 'k2'), event('Worker/WorkerContainer/b', 3, 'k3')];
    expect(interleave([web, worker]).map((item) => item.eventId)).toEqual(['w1', 'k2', 'w3', 'k3']);
  });

  it('drops events already seen, so re-reading the last second prints nothing twice', () => {
    const seen = new Map<string, number>();
    expect(interleave([[event('s/c/t', 1, 'a'), event('s/c/t', 2, 'b')]], seen)).toHaveLength(2);
    const again = interleave([[event('s/c/t', 2, 'b'), event('s/c/t', 2, 'c')]], seen);
    expect(again.map((item) => item.eventId)).toEqual(['c']);
  });

  it('prunes remembered ids older than a time', () => {
    const seen = new Map([
      ['a', 1],
      ['b', 5],
    ]);
    pruneSeen(seen, 5);
    expect([...seen.keys()]).toEqual(['b']);
  });
});

describe('formatLogLine', () => {
  it('prints time, source and message without its trailing newline', () => {
    const line = formatLogLine(
      event(`Web/WebContainer/${task}`, Date.parse('2026-11-26T12:00:01.5Z'), 'x', 'hello\n'),
    );
    expect(line).toBe('2026-11-26T12:00:01.500Z Web/01234567 hello');
  });

  it('has a JSON form with the full task id', () => {
    expect(logEventJson(event(`Web/WebContainer/${task}`, 0, 'x', 'hi\r\n'))).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      timestamp: 0,
      component: 'Web',
      container: 'WebContainer',
      taskId: task,
      stream: `Web/WebContainer/${task}`,
      message: 'hi',
      eventId: 'x',
    });
  });
});
