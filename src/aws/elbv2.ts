// Elastic Load Balancing v2 adapter: the rules already on a listener (all pages), as the service template's
// priority choice needs them.
import type { Context } from '../context.js';
import type { ExistingListenerRule } from '../core/templates/service/facts.js';
import { aws } from './errors.js';

/** The load balancer reads cloudlift needs, bound to one region. */
export interface LoadBalancerApi {
  /** The non-default rules of a listener: priority and host-header values. */
  listenerRules(listenerArn: string): Promise<ExistingListenerRule[]>;
}

/** An ELBv2 client for `region`. */
export async function loadBalancerApi(
  context: Pick<Context, 'aws'>,
  region: string,
): Promise<LoadBalancerApi> {
  const sdk = await import('@aws-sdk/client-elastic-load-balancing-v2');
  const client = new sdk.ElasticLoadBalancingV2Client(await context.aws.config(region));
  return {
    async listenerRules(listenerArn) {
      const rules: ExistingListenerRule[] = [];
      let marker: string | undefined;
      do {
        const answer = await aws(`read the rules of listener ${listenerArn}`, () =>
          client.send(
            new sdk.DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: 400, Marker: marker }),
          ),
        );
        for (const rule of answer.Rules ?? []) {
          const priority = Number(rule.Priority);
          if (rule.IsDefault === true || !Number.isInteger(priority)) {
            continue;
          }
          const hosts = (rule.Conditions ?? [])
            .filter((condition) => condition.Field === 'host-header')
            .flatMap((condition) => condition.HostHeaderConfig?.Values ?? condition.Values ?? []);
          rules.push({ priority, hosts });
        }
        marker = answer.NextMarker;
      } while (marker !== undefined && marker !== '');
      return rules;
    },
  };
}
