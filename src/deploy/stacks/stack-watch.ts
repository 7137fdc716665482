// Follows a stack operation until CloudFormation reaches a final state, feeding new events to the progress view.
// The stack status is read every second (so a finished stack is reported within a second), while the event list,
// which can take several pages, is read with a back-off while nothing happens.
import type { StackApi, StackDescription } from '../../aws/cloudformation.js';
import type { Clock } from '../../context.js';
import { CloudliftError } from '../../errors.js';
import { classifyStackStatus } from '../../core/stacks/stack-status.js';
import type { StackEvent } from '../../core/stacks/stack-status.js';

/** How often the stack status is read: the bound on how late a finished stack is reported. */
export const statusPollMs = 1_000;
/** The event back-off: starts at the status interval, grows while no event arrives, never beyond this. */
export const maxEventPollMs = 5_000;

/** The next wait before reading events again: back to 1 s after activity, else one step slower (1, 2, 3, 5 s). */
export function nextEventDelay(previousMs: number, sawNewEvents: boolean): number {
  if (sawNewEvents) {
    return statusPollMs;
  }
  const steps = [1_000, 2_000, 3_000, maxEventPollMs];
  return steps.find((step) => step > previousMs) ?? maxEventPollMs;
}

/** Receives what the watch sees; the UI's StackProgress implements it. */
export interface StackWatcher {
  onEvents(events: readonly StackEvent[]): void;
  onStatus(status: string): void;
  refresh(): void;
}

/** What to follow. */
export interface WatchOptions {
  api: StackApi;
  /** The stack id (not the name): it keeps pointing at this stack even if it is deleted and re-created. */
  stackId: string;
  stackName: string;
  /** The newest event before the operation started; events up to it are not part of this operation. */
  afterEventId?: string;
  watcher: StackWatcher;
  clock: Clock;
  signal: AbortSignal;
}

/** The final state and every event of the operation, oldest first. */
export interface WatchResult {
  stack: StackDescription;
  events: StackEvent[];
}

/**
 * Polls until the stack is final. Rejects with the abort reason when the signal aborts (Ctrl-C); the caller decides
 * what interrupting means for its operation.
 */
export async function watchStack(options: WatchOptions): Promise<WatchResult> {
  const { api, clock, signal, watcher } = options;
  const events: StackEvent[] = [];
  let lastEventId = options.afterEventId;
  let eventDelay = statusPollMs;
  let nextEventsAt = 0;
  let lastStatus = '';
  for (;;) {
    signal.throwIfAborted();
    const tickStart = clock.now().getTime();
    const stack = await api.describe(options.stackId);
    if (stack === undefined) {
      throw new CloudliftError(
        'StackVanished',
        `Stack ${options.stackName} disappeared while cloudlift watched it`,
        {
          hint: `Someone deleted it meanwhile. Check with \`aws cloudformation list-stacks --region ${api.region}\`.`,
        },
      );
    }
    const isFinal = classifyStackStatus(stack.status).isFinal;
    // Read events when due, when the status moved, and always once at the end so the last events are shown.
    if (isFinal || tickStart >= nextEventsAt || stack.status !== lastStatus) {
      const fresh = await api.eventsSince(options.stackId, lastEventId);
      const newest = fresh.at(-1);
      if (newest !== undefined) {
        lastEventId = newest.eventId;
        events.push(...fresh);
        watcher.onEvents(fresh);
      }
      eventDelay = nextEventDelay(eventDelay, fresh.length > 0);
      nextEventsAt = tickStart + eventDelay;
    }
    lastStatus = stack.status;
    watcher.onStatus(stack.status);
    watcher.refresh();
    if (isFinal) {
      return { stack, events };
    }
    // A fixed rate, not a fixed pause: slow API answers do not push the next status read further away.
    const spent = clock.now().getTime() - tickStart;
    await clock.sleep(Math.max(0, statusPollMs - spent), signal);
  }
}
