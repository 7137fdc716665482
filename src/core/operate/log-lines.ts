// How `logs` reads CloudWatch Logs streams of ECS tasks: stream names (`<Svc>/<Svc>Container/<taskId>`, the awslogs
// driver's `<prefix>/<container>/<task id>`), `--since` values, merging pages from several components into one
// timeline, and the printed line. Pure.

/** One log event as FilterLogEvents returns it. */
export interface LogEvent {
  stream: string;
  /** Milliseconds since the epoch (the time the container wrote it). */
  timestamp: number;
  message: string;
  eventId: string;
}

/** The parts of an awslogs stream name. */
export interface StreamParts {
  /** The awslogs stream prefix: `<Svc>` for a service's main container. */
  prefix: string;
  container: string;
  taskId: string;
}

/** Characters of the task id printed in front of each line (like docker's short ids). */
export const shortTaskIdLength = 8;

/** The stream-name prefix of a component's main container: `<Svc>/` (the slash keeps `Web` from matching `WebJob`). */
export function streamPrefix(component: string): string {
  return `${component}/`;
}

/** Splits `<prefix>/<container>/<taskId>`; undefined for streams not written by the awslogs driver of a task. */
export function parseStreamName(stream: string): StreamParts | undefined {
  const parts = stream.split('/');
  if (parts.length !== 3 || parts.some((part) => part === '')) {
    return undefined;
  }
  const [prefix = '', container = '', taskId = ''] = parts;
  return { prefix, container, taskId };
}

/** The component a user named with `--component`, matched without regard to case; undefined when none matches. */
export function matchComponent(components: readonly string[], wanted: string): string | undefined {
  return (
    components.find((component) => component === wanted) ??
    components.find((component) => component.toLowerCase() === wanted.toLowerCase())
  );
}

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The start time (ms since the epoch) of `--since`: a duration back from `now` (`30s`, `10m`, `2h`, `1d`, or
 * combined like `1h30m`) or an ISO-8601 time. Returns a problem description for anything else.
 */
export function parseSince(text: string, now: Date): number | { problem: string } {
  const trimmed = text.trim();
  if (/^(\d+[smhd])+$/.test(trimmed)) {
    let total = 0;
    for (const match of trimmed.matchAll(/(\d+)([smhd])/g)) {
      total += Number(match[1]) * (units[match[2] ?? 's'] ?? 1000);
    }
    return now.getTime() - total;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const parsed = Date.parse(trimmed);
    if (Number.isFinite(parsed)) {
      return parsed;
    }
  }
  return {
    problem: `"${text}" is neither a duration (30s, 10m, 2h, 1d, 1h30m) nor an ISO time (2026-01-31T09:00:00Z)`,
  };
}

/** True when `stream` belongs to one of the components (its main container). */
export function isComponentStream(stream: string, components: readonly string[]): boolean {
  return components.some((component) => stream.startsWith(streamPrefix(component)));
}

function compareEvents(a: LogEvent, b: LogEvent): number {
  if (a.timestamp !== b.timestamp) {
    return a.timestamp - b.timestamp;
  }
  if (a.stream !== b.stream) {
    return a.stream < b.stream ? -1 : 1;
  }
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/**
 * One timeline from several batches (one per component, or several pages): ordered by time, then stream, then
 * event id, each event once. Events whose id is in `seen` are dropped, and the new ids (with their times) are added
 * to it, so a follow loop that re-reads the last second never prints a line twice.
 */
export function interleave(
  batches: readonly (readonly LogEvent[])[],
  seen: Map<string, number> = new Map(),
): LogEvent[] {
  const result: LogEvent[] = [];
  for (const event of batches.flat()) {
    if (!seen.has(event.eventId)) {
      seen.set(event.eventId, event.timestamp);
      result.push(event);
    }
  }
  return result.sort(compareEvents);
}

/**
 * Forgets ids of events older than `before` (ms), keeping the follow loop's memory bounded: the loop only asks
 * for events from its last timestamp onwards, so older ids can never come back.
 */
export function pruneSeen(seen: Map<string, number>, before: number): void {
  for (const [eventId, timestamp] of seen) {
    if (timestamp < before) {
      seen.delete(eventId);
    }
  }
}

/** The label in front of a line: `<Svc>/<short task id>` (the stream name when it is not an awslogs task stream). */
export function eventSource(stream: string): string {
  const parts = parseStreamName(stream);
  return parts === undefined ? stream : `${parts.prefix}/${parts.taskId.slice(0, shortTaskIdLength)}`;
}

/** One printed line: `<ISO time> <Svc>/<task> <message>` (trailing newlines of the message removed). */
export function formatLogLine(event: LogEvent): string {
  const time = new Date(event.timestamp).toISOString();
  return `${time} ${eventSource(event.stream)} ${event.message.replace(/[\r\n]+$/, '')}`;
}

/** The `--json` form of an event (one JSON object per line, so it works with --follow). */
export function logEventJson(event: LogEvent): Record<string, unknown> {
  const parts = parseStreamName(event.stream);
  return {
    time: new Date(event.timestamp).toISOString(),
    timestamp: event.timestamp,
    component: parts?.prefix,
    container: parts?.container,
    taskId: parts?.taskId,
    stream: event.stream,
    message: event.message.replace(/[\r\n]+$/, ''),
    eventId: event.eventId,
  };
}
