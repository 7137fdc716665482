// CloudWatch Logs adapter: the last lines a crashed task wrote (so a failed deploy shows the cause inline), and for
// `logs` every event of a log group whose stream starts with a prefix, in a time window, all pages.
import type { Context } from '../context.js';
import type { LogEvent } from '../core/operate/log-lines.js';
import { CloudliftError } from '../errors.js';
import { isAwsError, toCloudliftError } from './errors.js';

/** One log line. */
export interface LogLine {
  timestamp: Date;
  message: string;
}

/** Which events to read. */
export interface EventQuery {
  group: string;
  /** Only streams whose name starts with this (`<Svc>/`). */
  streamPrefix: string;
  /** Milliseconds since the epoch, inclusive. */
  startTime: number;
  endTime?: number;
  /** Stop after this many events (the caller says so when it is reached). */
  limit: number;
}

/** The log reads cloudlift needs, bound to one region. */
export interface LogsApi {
  /** The last `limit` lines of a stream, oldest first; undefined when the group or stream does not exist. */
  tail(group: string, stream: string, limit: number): Promise<LogLine[] | undefined>;
  /** Events matching the query, in the order CloudWatch returns them (each page is time-ordered). */
  filter(query: EventQuery): Promise<LogEvent[]>;
}

/** A CloudWatch Logs client for `region`. */
export async function logsApi(context: Pick<Context, 'aws'>, region: string): Promise<LogsApi> {
  const sdk = await import('@aws-sdk/client-cloudwatch-logs');
  const client = new sdk.CloudWatchLogsClient(await context.aws.config(region));
  return {
    async tail(group, stream, limit) {
      try {
        const answer = await client.send(
          new sdk.GetLogEventsCommand({
            logGroupName: group,
            logStreamName: stream,
            limit,
            startFromHead: false,
          }),
        );
        return (answer.events ?? []).map((event) => ({
          timestamp: new Date(event.timestamp ?? 0),
          message: (event.message ?? '').replace(/\s+$/, ''),
        }));
      } catch (error) {
        if (isAwsError(error, 'ResourceNotFoundException')) {
          return undefined;
        }
        throw toCloudliftError(error, `read log stream ${stream} of ${group} (${region})`);
      }
    },

    async filter(query) {
      const events: LogEvent[] = [];
      let nextToken: string | undefined;
      try {
        do {
          const page = await client.send(
            new sdk.FilterLogEventsCommand({
              logGroupName: query.group,
              logStreamNamePrefix: query.streamPrefix,
              startTime: query.startTime,
              endTime: query.endTime,
              nextToken,
              limit: Math.min(10_000, query.limit - events.length),
            }),
          );
          for (const event of page.events ?? []) {
            const stream = event.logStreamName ?? '';
            // The prefix filter again: some endpoints (the moto emulator) ignore logStreamNamePrefix.
            if (stream.startsWith(query.streamPrefix)) {
              events.push({
                stream,
                timestamp: event.timestamp ?? 0,
                message: event.message ?? '',
                eventId: event.eventId ?? `${stream}:${event.timestamp ?? 0}:${events.length}`,
              });
            }
          }
          nextToken = page.nextToken;
        } while (nextToken !== undefined && events.length < query.limit);
      } catch (error) {
        if (isAwsError(error, 'ResourceNotFoundException')) {
          throw new CloudliftError(
            'LogGroupNotFound',
            `The log group ${query.group} does not exist in ${region}`,
            {
              hint: 'The environment stack creates it; check the environment with `cloudlift update_environment`, or the service may log elsewhere (its "logging" setting).',
            },
          );
        }
        throw toCloudliftError(error, `read the logs of ${query.streamPrefix} in ${query.group} (${region})`);
      }
      return events;
    },
  };
}
