// What the service template needs from AWS besides the configuration: looked up by the caller (or made up offline),
// so that the template itself stays a pure function.
import { CloudliftError } from '../../../errors.js';
import { clusterStackName } from '../../naming.js';
import type { ServiceDefaults } from '../../config/service-checks.js';

/** A rule already on a listener of the environment's ALB (from `elbv2:DescribeRules`). */
export interface ExistingListenerRule {
  priority: number;
  /** The values of its host-header condition, if any. */
  hosts: readonly string[];
  /** The logical id of the rule in this service stack, when it belongs to it (from the stack's resources). */
  logicalId?: string;
}

/** Everything the service template takes from outside the configuration. */
export interface ServiceFacts {
  app: string;
  environment: string;
  region: string;
  accountId: string;
  /** Outputs of the environment stack `cluster-<env>`: VPC, subnets, SecurityGroupAlb, SG*ID, Listener*ARN, ... */
  environmentOutputs: Readonly<Record<string, string>>;
  /** The environment configuration's `service_defaults`. */
  environmentDefaults: ServiceDefaults;
  /** The environment's `ssl_certificate_arn`, for dedicated ALBs' HTTPS listeners. */
  certificateArn: string | undefined;
  /** Current desired counts of the services already running in this stack, by service key. */
  desiredCounts: Readonly<Record<string, number>>;
  /** The image each service runs now, by service key; absent for a service that was never deployed. */
  images: Readonly<Record<string, string>>;
  /** The app's variables in env.sample order: [name, ARN of its SSM parameter]. */
  secrets: ReadonlyArray<readonly [string, string]>;
  /** The ARN of the account's `ecsTaskExecutionRole`. */
  executionRoleArn: string;
  /** Rules already on the environment ALB's listeners, by listener ARN. */
  existingListenerRules: Readonly<Record<string, readonly ExistingListenerRule[]>>;
}

/** An output of the environment stack, or a clear error when the stack lacks it. */
export function environmentOutput(facts: ServiceFacts, key: string, why: string): string {
  const value = facts.environmentOutputs[key];
  if (value === undefined || value === '') {
    throw new CloudliftError(
      'EnvironmentOutputMissing',
      `The environment stack ${clusterStackName(facts.environment)} has no output ${key}, which ${why}`,
      {
        hint: `Run \`cloudlift update_environment -e ${facts.environment}\` to bring the environment stack up to date, then retry.`,
      },
    );
  }
  return value;
}

/** The `Team` tag of every resource: the last `:` part of the notifications topic ARN, as in the original. */
export function teamOf(notificationsArn: string): string {
  return notificationsArn.split(':').pop() ?? notificationsArn;
}

/** The environment outputs of the cluster ALB's listeners for one scheme, ordered by their number. */
export function clusterListeners(
  facts: Pick<ServiceFacts, 'environmentOutputs'>,
  internal: boolean,
): Array<{ protocol: 'HTTP' | 'HTTPS'; position: number; arn: string }> {
  const scheme = internal ? 'Internal' : 'Public';
  const pattern = new RegExp(`^Listener(HTTPS?)${scheme}(\\d+)ARN$`);
  const found = Object.entries(facts.environmentOutputs)
    .map(([key, arn]) => ({ match: pattern.exec(key), arn }))
    .flatMap(({ match, arn }) =>
      match === null ? [] : [{ protocol: match[1] as 'HTTP' | 'HTTPS', number: Number(match[2]), arn }],
    )
    .sort((a, b) => a.number - b.number);
  return (['HTTP', 'HTTPS'] as const).flatMap((protocol) =>
    found
      .filter((listener) => listener.protocol === protocol)
      .map((listener, index) => ({ protocol, position: index + 1, arn: listener.arn })),
  );
}
