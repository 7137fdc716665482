// CloudWatch Logs reads for `logs`: every event of a log group whose stream starts with a prefix, in a time window,
// all pages. (src/aws/logs.ts, the deploy's adapter, reads the tail of one stream.)
import type { Context } from '../context.js';
import type { LogEvent } from '../core/log-lines.js';
import { CloudliftError } from '../errors.js';
import { isAwsError, toCloudliftError } from './errors.js';

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

/** The log reads `logs` needs, bound to one region. */
export interface LogEventsApi {
  /** Events matching the query, in the order CloudWatch returns them (each page is time-ordered). */
  filter(query: EventQuery): Promise<LogEvent[]>;
}

/** A CloudWatch Logs client for `region`. */
export async function logEventsApi(context: Pick<Context, 'aws'>, region: string): Promise<LogEventsApi> {
  const sdk = await import('@aws-sdk/client-cloudwatch-logs');
  const client = new sdk.CloudWatchLogsClient(await context.aws.config(region));
  return {
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
