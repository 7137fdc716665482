// ECS container agent updates (`update_environment --update_ecs_agents`): list the cluster's container instances
// (every page; the original read only the first), ask each to update its agent, and read their update status.
import type { Context } from '../context.js';
import { allPages, chunks } from './ecs.js';
import { aws, isAwsError, toCloudliftError } from './errors.js';

/** What UpdateContainerAgent answered for one instance. */
export type AgentUpdateStart = 'started' | 'up-to-date' | 'already-updating';

/** One container instance's agent update status (`PENDING`, `UPDATING`, `UPDATED`, `FAILED`, or none). */
export interface AgentStatus {
  arn: string;
  status: string | undefined;
}

/** The agent operations, bound to one region. */
export interface EcsAgentsApi {
  containerInstances(cluster: string): Promise<string[]>;
  updateAgent(cluster: string, containerInstanceArn: string): Promise<AgentUpdateStart>;
  statuses(cluster: string, containerInstanceArns: readonly string[]): Promise<AgentStatus[]>;
}

/** An ECS client for agent updates in `region`. */
export async function ecsAgentsApi(context: Pick<Context, 'aws'>, region: string): Promise<EcsAgentsApi> {
  const sdk = await import('@aws-sdk/client-ecs');
  const client = new sdk.ECSClient(await context.aws.config(region));
  return {
    async containerInstances(cluster) {
      const pages = await allPages((nextToken) =>
        aws(`list the container instances of ${cluster}`, () =>
          client.send(new sdk.ListContainerInstancesCommand({ cluster, nextToken })),
        ),
      );
      return pages.flatMap((page) => page.containerInstanceArns ?? []);
    },
    async updateAgent(cluster, containerInstance) {
      try {
        await client.send(new sdk.UpdateContainerAgentCommand({ cluster, containerInstance }));
        return 'started';
      } catch (error) {
        if (isAwsError(error, 'NoUpdateAvailableException')) {
          return 'up-to-date';
        }
        if (isAwsError(error, 'UpdateInProgressException')) {
          return 'already-updating';
        }
        throw toCloudliftError(error, `update the ECS agent of ${containerInstance}`);
      }
    },
    async statuses(cluster, containerInstanceArns) {
      const result: AgentStatus[] = [];
      for (const chunk of chunks(containerInstanceArns)) {
        const page = await aws(`read the agent status of the container instances of ${cluster}`, () =>
          client.send(new sdk.DescribeContainerInstancesCommand({ cluster, containerInstances: chunk })),
        );
        for (const instance of page.containerInstances ?? []) {
          result.push({ arn: instance.containerInstanceArn ?? '', status: instance.agentUpdateStatus });
        }
      }
      return result;
    },
  };
}
