// CloudWatch Logs adapter: the last lines a crashed task wrote, so a failed deploy shows the cause inline.
import type { Context } from '../context.js';
import { isAwsError, toCloudliftError } from './errors.js';

/** One log line. */
export interface LogLine {
  timestamp: Date;
  message: string;
}

/** The log reads deploy needs. */
export interface LogsApi {
  /** The last `limit` lines of a stream, oldest first; undefined when the group or stream does not exist. */
  tail(group: string, stream: string, limit: number): Promise<LogLine[] | undefined>;
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
  };
}
