// Service templates created as real stacks in the testbed, on top of a real environment stack: CREATE_COMPLETE, and
// the ECS services and task definitions CloudFormation made carry the image, ports, memory and secrets we rendered.
// moto ignores Cloud Map, alarms and Application Auto Scaling resources (they are created as nothing), and cannot
// resolve GetAtt TargetGroupFullName, so the golden case "autoscaling" (request-count scaling) is left out here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseServiceConfig } from '../../src/core/config/service.js';
import { injectFluentbitSidecar } from '../../src/core/config/service-defaults.js';
import { serviceTemplate } from '../../src/cdk/templates.js';
import type { ServiceFacts } from '../../src/core/templates/service.js';
import {
  createEnvironmentStack,
  createStackDirectly,
  environmentDocument,
} from '../support/service-fixture.js';
import { putAppParameters } from '../support/stored-config.js';
import { awsClientConfig, resetTestbed, seedAccount, testbed } from '../support/testbed.js';
import type { Seed } from '../support/testbed.js';

const environment = 'staging';
let seed: Seed;
let outputs: Record<string, string>;

function facts(
  app: string,
  secrets: Array<[string, string]>,
  extra: Partial<ServiceFacts> = {},
): ServiceFacts {
  const tb = testbed();
  return {
    app,
    environment,
    region: tb.region,
    accountId: tb.accountId,
    environmentOutputs: outputs,
    environmentDefaults: {},
    certificateArn: seed.certificateArn,
    desiredCounts: {},
    images: {},
    secrets,
    executionRoleArn: seed.executionRoleArn,
    existingListenerRules: {},
    ...extra,
  };
}

async function describeEcs(stackOutputs: Record<string, string>, service: string) {
  const sdk = await import('@aws-sdk/client-ecs');
  const client = new sdk.ECSClient(awsClientConfig());
  const name = stackOutputs[`${service}EcsServiceName`] ?? '';
  const answer = await client.send(
    new sdk.DescribeServicesCommand({ cluster: `cluster-${environment}`, services: [name] }),
  );
  const ecsService = answer.services?.[0];
  const definition = await client.send(
    new sdk.DescribeTaskDefinitionCommand({ taskDefinition: ecsService?.taskDefinition ?? '' }),
  );
  return { service: ecsService, definition: definition.taskDefinition };
}

async function create(app: string, document: Record<string, unknown>, serviceFacts: ServiceFacts) {
  const template = serviceTemplate(
    parseServiceConfig(document, serviceFacts.environmentDefaults),
    serviceFacts,
  );
  const result = await createStackDirectly(`${app}-${environment}`, template);
  expect(result.status, result.reasons.join(' | ')).toBe('CREATE_COMPLETE');
  return result.outputs;
}

const web = (http: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  command: null,
  memory_reservation: 256,
  http_interface: {
    internal: false,
    restrict_access_to: ['0.0.0.0/0'],
    container_port: 8080,
    hostnames: ['web.cloudlift.test'],
    ...http,
  },
  ...extra,
});

describe('service templates as stacks', () => {
  beforeAll(async () => {
    await resetTestbed();
    seed = await seedAccount();
    outputs = await createEnvironmentStack(environment, environmentDocument(seed));
  });

  it('the environment stack gives the outputs the service template reads', () => {
    for (const key of [
      'VPC',
      'PublicSubnet1',
      'PrivateSubnet2',
      'SecurityGroupAlb',
      'ListenerHTTPSInternal1ARN',
      'SGPublic1ID',
    ]) {
      expect(outputs[key], key).toBeTruthy();
    }
  });

  it('public dedicated web on EC2: image, port, memory and secrets reach ECS', async () => {
    const secrets = await putAppParameters(environment, 'shop', {
      DATABASE_URL: 'postgres://db',
      SECRET_KEY: 's3cr3t',
    });
    const stackOutputs = await create(
      'shop',
      {
        notifications_arn: seed.snsTopicArn,
        services: { Web: web({ alb_mode: 'dedicated' }, { command: 'bin/web' }) },
      },
      facts('shop', secrets, {
        images: { Web: `${testbed().registryHost}/shop-repo:abc123` },
        desiredCounts: { Web: 1 },
      }),
    );
    expect(stackOutputs.WebURL).toMatch(/^https:\/\//);
    const { service, definition } = await describeEcs(stackOutputs, 'Web');
    expect(service?.desiredCount).toBe(1);
    const container = definition?.containerDefinitions?.[0];
    expect(container?.image).toBe(`${testbed().registryHost}/shop-repo:abc123`);
    expect(container?.portMappings?.[0]?.containerPort).toBe(8080);
    expect([container?.memoryReservation, container?.memory]).toEqual([256, 384]);
    expect(container?.command).toEqual(['bin/web']);
    expect(container?.secrets).toEqual(secrets.map(([name, valueFrom]) => ({ name, valueFrom })));
    expect(container?.environment ?? []).toEqual([]);
  });

  it('several services in one config: cluster host routing, a Fargate web and an EC2 worker', async () => {
    const secrets = await putAppParameters(environment, 'api', { TOKEN: 't' });
    const stackOutputs = await create(
      'api',
      {
        notifications_arn: seed.snsTopicArn,
        services: {
          Api: web({ internal: true, alb_mode: 'cluster', hostnames: ['api.cloudlift.test'] }),
          Public: web(
            { alb_mode: 'cluster', hostnames: ['www.cloudlift.test'] },
            { fargate: { cpu: 512, memory: 1024 } },
          ),
          Worker: { command: 'bin/worker', memory_reservation: 128, spot_deployment: false },
        },
      },
      facts('api', secrets),
    );
    const api = await describeEcs(stackOutputs, 'Api');
    expect(api.service?.desiredCount).toBe(0);
    expect(api.definition?.containerDefinitions?.[0]?.image).toBe(
      `${testbed().accountId}.dkr.ecr.${testbed().region}.amazonaws.com/api-repo:cloudlift-not-deployed-yet`,
    );
    const fargate = await describeEcs(stackOutputs, 'Public');
    expect([fargate.definition?.cpu, fargate.definition?.memory]).toEqual(['512', '1024']);
    expect(fargate.definition?.containerDefinitions?.[0]?.portMappings?.[0]?.containerPort).toBe(8080);
    const worker = await describeEcs(stackOutputs, 'Worker');
    expect(worker.definition?.containerDefinitions?.[0]?.memoryReservation).toBe(128);
    expect(worker.definition?.containerDefinitions?.[0]?.secrets?.map((secret) => secret.name)).toEqual([
      'TOKEN',
    ]);

    const elb = await import('@aws-sdk/client-elastic-load-balancing-v2');
    const rules = await new elb.ElasticLoadBalancingV2Client(awsClientConfig()).send(
      new elb.DescribeRulesCommand({ ListenerArn: outputs.ListenerHTTPSInternal1ARN }),
    );
    const hosts = (rules.Rules ?? []).flatMap(
      (rule) => rule.Conditions?.flatMap((c) => c.HostHeaderConfig?.Values ?? c.Values ?? []) ?? [],
    );
    expect(hosts).toContain('api.cloudlift.test');
  });

  it('FireLens logging with its injected sidecar, and an EFS volume', async () => {
    const defaults = {
      logging: 'awsfirelens',
      fluentbit_config: { image_uri: 'amazon/aws-for-fluent-bit:stable' },
    };
    const { document } = injectFluentbitSidecar(
      {
        notifications_arn: seed.snsTopicArn,
        // Dedicated ALB and security group names are `<Svc><Env>` / `<env>-<Svc>` as in the original, so service
        // keys must differ between apps of one environment (the default key is the app's name).
        services: {
          Logs: web(
            { internal: true, alb_mode: 'dedicated' },
            { volume: { efs_id: 'fs-0123456789abcdef0', efs_directory_path: '/', container_path: '/data' } },
          ),
        },
      },
      { app: 'logs', environment, defaults },
    );
    const stackOutputs = await create('logs', document, facts('logs', [], { environmentDefaults: defaults }));
    const { definition } = await describeEcs(stackOutputs, 'Logs');
    const [main, router] = definition?.containerDefinitions ?? [];
    expect(main?.logConfiguration?.logDriver).toBe('awsfirelens');
    expect(main?.mountPoints).toEqual([{ sourceVolume: 'Logs-efs-volume', containerPath: '/data' }]);
    expect(router?.name).toBe('fluentbit-firelens-sidecar');
    expect(router?.image).toBe('amazon/aws-for-fluent-bit:stable');
    expect(router?.memoryReservation).toBe(100);
  });

  // Every golden case (but "autoscaling", see the header), with the real environment's facts. Service keys get the
  // case's number appended: dedicated ALB and security group names must be unique in the environment (see above).
  const goldenRoot = join(import.meta.dirname, '../golden/service');
  const goldenCases = readdirSync(goldenRoot).filter((name) => name !== 'autoscaling');

  it.each(goldenCases.map((name, index) => [name, index] as const))(
    'golden case %s creates',
    async (name, index) => {
      const input = JSON.parse(readFileSync(join(goldenRoot, name, 'input.json'), 'utf8')) as {
        config: { notifications_arn: string; services: Record<string, Record<string, unknown>> };
        facts: ServiceFacts;
      };
      const services = Object.fromEntries(
        Object.entries(input.config.services).map(([key, settings]) => [`${key}${index}`, settings]),
      );
      const rename = <T>(record: Record<string, T>) =>
        Object.fromEntries(Object.entries(record).map(([key, value]) => [`${key}${index}`, value]));
      const app = `golden${index}`;
      const stackOutputs = await create(
        app,
        { notifications_arn: seed.snsTopicArn, services },
        facts(app, [], {
          environmentDefaults: input.facts.environmentDefaults,
          desiredCounts: rename(input.facts.desiredCounts),
          images: rename(input.facts.images),
        }),
      );
      for (const key of Object.keys(services)) {
        const { definition } = await describeEcs(stackOutputs, key);
        expect(definition?.family).toBe(`${key}Family`);
      }
    },
  );
});
