// The environment (cluster) template, `cluster-<env>`: a pure function of the configuration and looked-up facts.
// Logical ids, property names and values follow Cloudlift 2.1.1 so an environment it created updates in place.
import type { EnvironmentConfig } from '../config/environment.js';
import { isEc2Cluster } from '../config/environment.js';
import { clusterStackName, environmentIds } from '../naming.js';
import type { TemplateBlueprint } from './template.js';
import { addClusterAlbs } from './environment/albs.js';
import {
  addCluster,
  addClusterAlarms,
  addInstanceProfile,
  addLogsAndDiscovery,
  addSecurityGroups,
} from './environment/cluster.js';
import type { Build, EnvironmentFacts } from './environment/context.js';
import { addFleets } from './environment/fleets.js';
import { addAmiMapping, addConsoleMetadata, addOutputs, addParameters } from './environment/interface.js';
import { addNetwork } from './environment/network.js';

export type { EnvironmentFacts } from './environment/context.js';

/** The `Team` tag the original derived from the notifications topic: its last ARN segment. */
export function teamName(notificationsArn: string): string {
  return notificationsArn.split(':').pop() ?? '';
}

/**
 * The environment template's blueprint (src/cdk/ builds it). `config` must have passed `parseEnvironmentConfig`
 * (names, CIDRs and counts are not re-checked here); `facts` carries what the original looked up in AWS.
 */
export function environmentBlueprint(config: EnvironmentConfig, facts: EnvironmentFacts): TemplateBlueprint {
  const env = facts.environment;
  return {
    stackName: clusterStackName(env),
    build: (stack, cdk) => {
      const build: Build = {
        stack,
        cdk,
        env,
        config,
        facts,
        ids: environmentIds(env),
        team: teamName(config.environment.notifications_arn),
      };
      const network = addNetwork(build);
      addLogsAndDiscovery(build, network);
      addOutputs(build, network);
      const parameters = addParameters(build);
      addAmiMapping(build);
      addConsoleMetadata(build, parameters);
      addCluster(build);
      addSecurityGroups(build, network);
      if (isEc2Cluster(config.cluster)) {
        addInstanceProfile(build);
        addFleets(build, config.cluster, network);
      }
      addClusterAlarms(build);
      addClusterAlbs(build, network);
    },
  };
}
