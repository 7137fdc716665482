// The watch loop against an in-memory StackApi driven by a virtual clock: timing guarantees without sleeping.
import { describe, expect, it } from 'vitest';
import type { StackApi, StackDescription } from '../../../src/aws/cloudformation.js';
import type { StackEvent } from '../../../src/core/stacks/stack-status.js';
import {
  maxEventPollMs,
  nextEventDelay,
  statusPollMs,
  watchStack,
} from '../../../src/deploy/stacks/stack-watch.js';
import type { StackWatcher } from '../../../src/deploy/stacks/stack-watch.js';
import { FakeClock } from '../../support/clock.js';

interface Timeline {
  /** When the stack reaches its final status, in ms from the start. */
  finishAt: number;
  finalStatus?: string;
  /** Extra virtual time each DescribeStackEvents call takes. */
  eventsLatency?: number;
  /** Events appear at these times (ms). */
  eventTimes?: number[];
}

function fakeApi(clock: FakeClock, timeline: Timeline) {
  const start = clock.now().getTime();
  const calls = { describe: 0, events: 0 };
  const elapsed = (): number => clock.now().getTime() - start;
  const allEvents = (timeline.eventTimes ?? []).map((time, index): StackEvent => ({
    eventId: `e${index}`,
    stackName: 's',
    logicalId: `R${index}`,
    resourceType: 'AWS::SNS::Topic',
    status: 'CREATE_COMPLETE',
    timestamp: new Date(start + time),
  }));
  const api: Pick<StackApi, 'region' | 'describe' | 'eventsSince'> = {
    region: 'us-east-1',
    describe: (): Promise<StackDescription> => {
      calls.describe += 1;
      const done = elapsed() >= timeline.finishAt;
      return Promise.resolve({
        stackId: 'id',
        stackName: 's',
        status: done ? (timeline.finalStatus ?? 'CREATE_COMPLETE') : 'CREATE_IN_PROGRESS',
        parameters: {},
        outputs: {},
        tags: {},
      });
    },
    eventsSince: (_id, after) => {
      calls.events += 1;
      clock.advance(timeline.eventsLatency ?? 0);
      const visible = allEvents.filter((event) => event.timestamp.getTime() - start <= elapsed());
      const from = after === undefined ? 0 : visible.findIndex((event) => event.eventId === after) + 1;
      return Promise.resolve(visible.slice(from));
    },
  };
  return { api: api as StackApi, calls };
}

function recorder(): StackWatcher & { seen: string[]; refreshes: number } {
  const state = {
    seen: [] as string[],
    refreshes: 0,
    onEvents(events: readonly StackEvent[]) {
      state.seen.push(...events.map((event) => event.eventId));
    },
    onStatus() {},
    refresh() {
      state.refreshes += 1;
    },
  };
  return state;
}

describe('nextEventDelay', () => {
  it('backs off 1 → 2 → 3 → 5 s while quiet and returns to 1 s on activity', () => {
    expect(nextEventDelay(1_000, false)).toBe(2_000);
    expect(nextEventDelay(2_000, false)).toBe(3_000);
    expect(nextEventDelay(3_000, false)).toBe(maxEventPollMs);
    expect(nextEventDelay(maxEventPollMs, false)).toBe(maxEventPollMs);
    expect(nextEventDelay(maxEventPollMs, true)).toBe(statusPollMs);
  });
});

describe('watchStack', () => {
  it('reports a finished stack within 1 s of it finishing, whenever it finishes, even with slow event reads', async () => {
    for (let finishAt = 100; finishAt < 90_000; finishAt += 3_137) {
      const clock = new FakeClock();
      const start = clock.now().getTime();
      const { api } = fakeApi(clock, { finishAt, eventsLatency: 400 });
      const result = await watchStack({
        api,
        stackId: 'id',
        stackName: 's',
        watcher: recorder(),
        clock,
        signal: new AbortController().signal,
      });
      expect(result.stack.status).toBe('CREATE_COMPLETE');
      const lateness = clock.now().getTime() - start - finishAt;
      // the final event read (400 ms here) comes after the status read that saw the end
      expect(lateness, `finished at ${finishAt} ms`).toBeLessThanOrEqual(statusPollMs + 400);
      expect(clock.now().getTime() - 400 - start - finishAt).toBeLessThanOrEqual(statusPollMs);
    }
  });

  it('reads the status every second but the events much less often while nothing happens', async () => {
    const clock = new FakeClock();
    const { api, calls } = fakeApi(clock, { finishAt: 120_000 });
    await watchStack({
      api,
      stackId: 'id',
      stackName: 's',
      watcher: recorder(),
      clock,
      signal: new AbortController().signal,
    });
    expect(calls.describe).toBeGreaterThanOrEqual(120);
    expect(calls.describe).toBeLessThanOrEqual(122);
    expect(calls.events).toBeLessThanOrEqual(120 / 5 + 5);
    expect(clock.sleeps.every((ms) => ms <= statusPollMs)).toBe(true);
  });

  it('passes every new event once, in order, and includes the last ones read after the end', async () => {
    const clock = new FakeClock();
    const { api } = fakeApi(clock, { finishAt: 30_000, eventTimes: [0, 500, 7_000, 21_000, 29_999, 30_000] });
    const watcher = recorder();
    const result = await watchStack({
      api,
      stackId: 'id',
      stackName: 's',
      watcher,
      clock,
      signal: new AbortController().signal,
    });
    expect(watcher.seen).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
    expect(result.events.map((event) => event.eventId)).toEqual(watcher.seen);
    expect(watcher.refreshes).toBeGreaterThanOrEqual(30);
  });

  it('stops with the abort reason on Ctrl-C', async () => {
    const clock = new FakeClock();
    const { api } = fakeApi(clock, { finishAt: 60_000 });
    const controller = new AbortController();
    const watcher = recorder();
    watcher.onStatus = () => {
      if (clock.now().getTime() - new Date('2025-01-01T00:00:00Z').getTime() >= 5_000) {
        controller.abort(new Error('Ctrl-C'));
      }
    };
    await expect(
      watchStack({ api, stackId: 'id', stackName: 's', watcher, clock, signal: controller.signal }),
    ).rejects.toThrow('Ctrl-C');
  });

  it('says so when the stack disappears while watched', async () => {
    const clock = new FakeClock();
    const api = { region: 'eu-west-1', describe: () => Promise.resolve(undefined) } as unknown as StackApi;
    await expect(
      watchStack({
        api,
        stackId: 'id',
        stackName: 'web-staging',
        watcher: recorder(),
        clock,
        signal: new AbortController().signal,
      }),
    ).rejects.toMatchObject({ code: 'StackVanished' });
  });
});
