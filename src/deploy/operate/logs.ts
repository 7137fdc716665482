// logs: the CloudWatch Logs of an app's containers (log group `<env>-logs`, streams `<Svc>/<Svc>Container/<task>`),
// all components interleaved by time, each line prefixed with its component and task id; --follow polls until Ctrl-C,
// which ends the command normally (exit 0): stopping is how a follow is meant to end, nothing is left half-done.
import type { Context } from '../../context.js';
import { logsApi } from '../../aws/logs.js';
import type { LogsApi } from '../../aws/logs.js';
import {
  formatLogLine,
  interleave,
  logEventJson,
  matchComponent,
  parseSince,
  pruneSeen,
  streamPrefix,
} from '../../core/operate/log-lines.js';
import type { LogEvent } from '../../core/operate/log-lines.js';
import { logGroupName } from '../../core/naming.js';
import { UsageError } from '../../errors.js';
import { environmentRegion } from '../config/config-store.js';
import { appServices } from '../service/service-stack.js';

/** What `logs` was asked. */
export interface LogsOptions {
  environment: string;
  app: string;
  component?: string;
  follow: boolean;
  /** `--since`: a duration back from now or an ISO time. */
  since: string;
}

/** How often --follow asks for new lines. */
export const followPollMs = 2000;
/** --follow re-reads this far back each time: CloudWatch can ingest a line after a newer one from another task. */
export const followLookbackMs = 15_000;
/** At most this many lines per component in one read (a larger window: narrow it with --since). */
const readLimit = 10_000;

/** Checks --since before anything touches AWS; returns the start time in ms. */
export function startTimeOf(ctx: Context, since: string): number {
  const start = parseSince(since, ctx.clock.now());
  if (typeof start !== 'number') {
    throw new UsageError(`--since ${start.problem}`, {
      hint: 'For example: --since 30m, --since 2h, --since 2026-01-31T09:00:00Z.',
    });
  }
  return start;
}

async function componentsOf(ctx: Context, options: LogsOptions, region: string): Promise<string[]> {
  const all = (await appServices(ctx, options.app, options.environment, region)).map(
    (service) => service.logicalName,
  );
  if (options.component === undefined) {
    return all;
  }
  const match = matchComponent(all, options.component);
  if (match === undefined) {
    throw new UsageError(`${options.app} in ${options.environment} has no component "${options.component}"`, {
      hint: `Components: ${all.join(', ')}. Pass one of them with --component, or leave it out for all.`,
    });
  }
  return [match];
}

async function readAll(
  api: LogsApi,
  group: string,
  components: readonly string[],
  startTime: number,
): Promise<{ events: LogEvent[][]; truncated: boolean }> {
  const events = await Promise.all(
    components.map((component) =>
      api.filter({ group, streamPrefix: streamPrefix(component), startTime, limit: readLimit }),
    ),
  );
  return { events, truncated: events.some((batch) => batch.length >= readLimit) };
}

function print(ctx: Context, events: readonly LogEvent[]): void {
  for (const event of events) {
    ctx.ui.data(ctx.globals.json ? JSON.stringify(logEventJson(event)) : formatLogLine(event));
  }
}

/** Prints the logs, then follows them until Ctrl-C when asked. */
export async function showLogs(ctx: Context, options: LogsOptions): Promise<void> {
  const startTime = startTimeOf(ctx, options.since);
  const region = await environmentRegion(ctx, options.environment);
  const components = await componentsOf(ctx, options, region);
  const group = logGroupName(options.environment);
  const api = await logsApi(ctx, region);
  const seen = new Map<string, number>();
  const first = await readAll(api, group, components, startTime);
  const lines = interleave(first.events, seen);
  print(ctx, lines);
  if (first.truncated) {
    ctx.ui.warn(
      `Showing the first ${readLimit} lines per component since ${new Date(startTime).toISOString()}; narrow the window with --since.`,
    );
  }
  if (!options.follow) {
    if (lines.length === 0) {
      ctx.ui.info(
        `No log lines from ${components.join(', ')} in ${group} since ${new Date(startTime).toISOString()}. ` +
          'Try a longer --since; a service whose "logging" is not awslogs logs elsewhere.',
      );
    }
    return;
  }
  ctx.ui.info(`Following the logs of ${components.join(', ')} in ${group} (Ctrl-C to stop)...`);
  await follow(
    ctx,
    api,
    group,
    components,
    seen,
    Math.max(startTime, ...lines.map((event) => event.timestamp)),
  );
}

async function follow(
  ctx: Context,
  api: LogsApi,
  group: string,
  components: readonly string[],
  seen: Map<string, number>,
  from: number,
): Promise<void> {
  let cursor = from;
  for (;;) {
    try {
      await ctx.clock.sleep(followPollMs, ctx.signal);
    } catch {
      return; // Ctrl-C: the normal end of a follow
    }
    const since = cursor - followLookbackMs;
    const { events } = await readAll(api, group, components, since);
    const fresh = interleave(events, seen);
    print(ctx, fresh);
    cursor = Math.max(cursor, ...fresh.map((event) => event.timestamp));
    pruneSeen(seen, cursor - followLookbackMs);
  }
}
