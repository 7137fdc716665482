/* eslint-disable @typescript-eslint/no-explicit-any -- the tests poke into free-form JSON documents and templates */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServiceConfig } from '../../../src/core/config/service.js';
import { dedicatedAlbName } from '../../../src/core/naming.js';
import { serviceTemplate } from '../../../src/cdk/templates.js';
import type { ServiceFacts } from '../../../src/core/templates/service.js';
import { ec2TaskCpu } from '../../../src/core/templates/service/task-definition.js';
import { pythonJson } from '../../../src/core/templates/python-json.js';

const goldenInput = join(import.meta.dirname, '../../golden/service/public-dedicated-web/input.json');
const baseFacts = (): ServiceFacts => ({
  ...(JSON.parse(readFileSync(goldenInput, 'utf8')) as { facts: ServiceFacts }).facts,
  desiredCounts: {},
  images: {},
});

const arn = 'arn:aws:sns:us-east-1:123456789012:cloudlift-alerts';
const http = {
  internal: true,
  restrict_access_to: ['0.0.0.0/0'],
  container_port: 3000,
  alb_mode: 'dedicated',
  hostnames: ['web.example.com'],
};

function render(services: Record<string, unknown>, facts: Partial<ServiceFacts> = {}) {
  const all = { ...baseFacts(), ...facts };
  return serviceTemplate(
    parseServiceConfig({ notifications_arn: arn, services }, all.environmentDefaults),
    all,
  );
}

const props = (template: ReturnType<typeof render>, id: string): any => template.Resources[id]?.Properties;
const container = (template: ReturnType<typeof render>, service = 'Web'): any =>
  props(template, `${service}TaskDefinition`).ContainerDefinitions[0];

describe('service template options', () => {
  it('fargate.cpu/memory set the task size as strings, awsvpc and FARGATE, and no container memory', () => {
    const template = render({
      Web: { command: null, memory_reservation: 256, fargate: { cpu: 512, memory: 2048 } },
    });
    const definition = props(template, 'WebTaskDefinition');
    expect(definition).toMatchObject({
      Cpu: '512',
      Memory: '2048',
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
    });
    expect(container(template).Memory).toBeUndefined();
    expect(props(template, 'Web').LaunchType).toBe('FARGATE');
    expect(props(template, 'FargateServicestagingWeb').SecurityGroupIngress).toEqual([]);
  });

  it('EC2 memory: reservation as the soft limit and 150 % (rounded up) as the hard limit', () => {
    const template = render({ Worker: { command: null, memory_reservation: 333 } });
    expect(container(template, 'Worker')).toMatchObject({ MemoryReservation: 333, Memory: 500 });
  });

  it('marks the main container essential with a boolean, as the original (a string fails its deploy_service)', () => {
    const template = render({ Worker: { command: null, memory_reservation: 128 } });
    expect(container(template, 'Worker').Essential).toBe(true);
  });

  it('cpu_reservation gives an EC2 task-level CPU of 125 %, rounded half to even like Python', () => {
    expect([ec2TaskCpu(128), ec2TaskCpu(130), ec2TaskCpu(134), ec2TaskCpu(410), ec2TaskCpu(4096)]).toEqual([
      '160',
      '162',
      '168',
      '512',
      '5120',
    ]);
    const template = render({ Worker: { command: null, memory_reservation: 64, cpu_reservation: 256 } });
    expect(props(template, 'WorkerTaskDefinition').Cpu).toBe('320');
  });

  it('command is passed as one argument, not split', () => {
    const template = render({
      Worker: { command: 'bundle exec sidekiq -q default', memory_reservation: 64 },
    });
    expect(container(template, 'Worker').Command).toEqual(['bundle exec sidekiq -q default']);
  });

  it('variables are ECS secrets pointing at SSM ARNs, never plain values', () => {
    const template = render({ Worker: { command: null, memory_reservation: 64 } });
    expect(container(template, 'Worker').Secrets).toEqual([
      {
        Name: 'DATABASE_URL',
        ValueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/staging/dummy/DATABASE_URL',
      },
      {
        Name: 'SECRET_KEY',
        ValueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/staging/dummy/SECRET_KEY',
      },
    ]);
    expect(container(template, 'Worker').Environment).toBeUndefined();
  });

  it('a never-deployed service points at a placeholder tag and starts at 0; a running one keeps image and count', () => {
    const fresh = render({ Worker: { command: null, memory_reservation: 64 } });
    expect(container(fresh, 'Worker').Image).toBe(
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/dummy-repo:cloudlift-not-deployed-yet',
    );
    expect(props(fresh, 'Worker').DesiredCount).toBe(0);
    const running = render(
      { Worker: { command: null, memory_reservation: 64 } },
      { images: { Worker: 'repo:abc' }, desiredCounts: { Worker: 4 } },
    );
    expect(container(running, 'Worker').Image).toBe('repo:abc');
    expect(props(running, 'Worker').DesiredCount).toBe(4);
  });

  it('logging: absent → awslogs, null → none at all, "null" → driver none, environment default applies', () => {
    expect(
      container(render({ W: { command: null, memory_reservation: 64 } }), 'W').LogConfiguration.LogDriver,
    ).toBe('awslogs');
    expect(
      container(render({ W: { command: null, memory_reservation: 64, logging: null } }), 'W')
        .LogConfiguration,
    ).toBeUndefined();
    expect(
      container(render({ W: { command: null, memory_reservation: 64, logging: 'null' } }), 'W')
        .LogConfiguration,
    ).toEqual({
      LogDriver: 'none',
    });
    const defaulted = render(
      {
        W: {
          command: null,
          memory_reservation: 64,
          sidecars: [
            { name: 'fluentbit-firelens-sidecar', image_uri: 'f', memory_reservation: 50, essential: true },
          ],
        },
      },
      { environmentDefaults: { logging: 'awsfirelens' } },
    );
    expect(container(defaulted, 'W').LogConfiguration).toEqual({ LogDriver: 'awsfirelens' });
    expect(container(defaulted, 'W').DependsOn).toEqual([
      { ContainerName: 'fluentbit-firelens-sidecar', Condition: 'START' },
    ]);
  });

  it('the FireLens task role may assume fluentbit_config.env.kinesis_role_arn, where it is written (quirk #4)', () => {
    const router = {
      name: 'fluentbit-firelens-sidecar',
      image_uri: 'amazon/aws-for-fluent-bit:stable',
      memory_reservation: 100,
      essential: true,
    };
    const statement = (defaults: Record<string, unknown>) =>
      props(
        render(
          { Events: { command: null, memory_reservation: 64, logging: 'awsfirelens', sidecars: [router] } },
          { environmentDefaults: defaults },
        ),
        'EventsRole',
      ).Policies[0].PolicyDocument.Statement[0];
    const role = 'arn:aws:iam::123456789012:role/firehose-writer';
    expect(statement({ fluentbit_config: { env: { kinesis_role_arn: role } } }).Resource).toEqual([role]);
    // The original read service_defaults.env, which only hand-edited records have; an empty value means any role.
    expect(statement({ env: { kinesis_role_arn: role } }).Resource).toEqual([role]);
    expect(statement({ fluentbit_config: { env: { kinesis_role_arn: '' } } }).Resource).toEqual(['*']);
  });

  it('refuses awsfirelens without the log router sidecar', () => {
    expect(() => render({ W: { command: null, memory_reservation: 64, logging: 'awsfirelens' } })).toThrow(
      /no fluentbit-firelens-sidecar/,
    );
  });

  it('spot_deployment overrides the environment default lifecycle; Fargate gets no placement at all', () => {
    const spot = render({ W: { command: null, memory_reservation: 64, spot_deployment: true } });
    expect(props(spot, 'W').PlacementConstraints).toEqual([
      { Type: 'memberOf', Expression: 'attribute:deployment_type == spot' },
    ]);
    const envDefault = render({ W: { command: null, memory_reservation: 64 } });
    expect(props(envDefault, 'W').PlacementConstraints[0].Expression).toBe(
      'attribute:deployment_type == ondemand',
    );
    const fargate = render({
      W: { command: null, memory_reservation: 64, spot_deployment: true, fargate: { cpu: 256, memory: 512 } },
    });
    expect(props(fargate, 'W').PlacementConstraints).toBeUndefined();
    expect(props(fargate, 'W').PlacementStrategies).toBeUndefined();
  });

  it('circuit breaker with rollback and a 60 s grace period are on by default, and can be changed', () => {
    const web = render({ Web: { command: null, memory_reservation: 64, http_interface: http } });
    expect(props(web, 'Web').DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({
      Enable: true,
      Rollback: true,
    });
    expect(props(web, 'Web').HealthCheckGracePeriodSeconds).toBe(60);
    const tuned = render({
      Web: {
        command: null,
        memory_reservation: 64,
        http_interface: http,
        deployment_circuit_breaker: false,
        health_check_grace_period_seconds: 300,
      },
    });
    expect(props(tuned, 'Web').DeploymentConfiguration.DeploymentCircuitBreaker).toBeUndefined();
    expect(props(tuned, 'Web').HealthCheckGracePeriodSeconds).toBe(300);
    expect(
      props(render({ W: { command: null, memory_reservation: 64 } }), 'W').HealthCheckGracePeriodSeconds,
    ).toBeUndefined();
  });

  it('alarms can be switched off per service or by the environment default, and back on per service', () => {
    const alarmIds = (template: ReturnType<typeof render>) =>
      Object.keys(template.Resources).filter((id) => /Alarm|OOM/.test(id));
    expect(
      alarmIds(render({ Web: { command: null, memory_reservation: 64, http_interface: http } })),
    ).toHaveLength(7);
    expect(
      alarmIds(render({ W: { command: null, memory_reservation: 64, disable_service_alarms: true } })),
    ).toEqual([]);
    expect(
      alarmIds(
        render(
          { W: { command: null, memory_reservation: 64 } },
          { environmentDefaults: { disable_service_alarms: true } },
        ),
      ),
    ).toEqual([]);
    expect(
      alarmIds(
        render(
          { W: { command: null, memory_reservation: 64, disable_service_alarms: false } },
          { environmentDefaults: { disable_service_alarms: true } },
        ),
      ),
    ).toHaveLength(4);
  });

  it('the OOM rule matches this cluster and this family (the original matched everything else)', () => {
    const pattern = props(render({ W: { command: null, memory_reservation: 64 } }), 'EcsOOMW').EventPattern;
    expect(pattern.detail.clusterArn).toEqual(['arn:aws:ecs:us-east-1:123456789012:cluster/cluster-staging']);
    expect(pattern.detail.taskDefinitionArn).toEqual([
      { prefix: 'arn:aws:ecs:us-east-1:123456789012:task-definition/WFamily:' },
    ]);
    expect(JSON.stringify(pattern)).not.toContain('anything-but');
  });

  it('memory alarm: 120 % of the soft reservation on EC2, 80 % on Fargate', () => {
    expect(
      props(render({ W: { command: null, memory_reservation: 64 } }), 'EcsHighMemoryAlarmW').Threshold,
    ).toBe('120');
    expect(
      props(
        render({ W: { command: null, memory_reservation: 64, fargate: { cpu: 256, memory: 512 } } }),
        'EcsHighMemoryAlarmW',
      ).Threshold,
    ).toBe('80');
  });

  it('restrict_access_to: a bare address becomes /32, each entry opens 80 and 443', () => {
    const template = render({
      Web: {
        command: null,
        memory_reservation: 64,
        http_interface: { ...http, restrict_access_to: ['203.0.113.9', '10.0.0.0/8'] },
      },
    });
    const ingress = props(template, 'SGstagingWeb').SecurityGroupIngress;
    expect(ingress.map((rule: any) => `${rule.CidrIp}:${rule.FromPort}`)).toEqual([
      '203.0.113.9/32:80',
      '203.0.113.9/32:443',
      '10.0.0.0/8:80',
      '10.0.0.0/8:443',
    ]);
  });

  it('internal dedicated ALBs forward HTTP; public ones redirect it to HTTPS', () => {
    const internal = render({ Web: { command: null, memory_reservation: 64, http_interface: http } });
    expect(internal.Resources.LoadBalancerListenerWeb).toBeDefined();
    expect(props(internal, 'ALBWeb').Scheme).toBe('internal');
    const external = render({
      Web: { command: null, memory_reservation: 64, http_interface: { ...http, internal: false } },
    });
    expect(
      props(external, 'LoadBalancerRedirectionListenerWeb').DefaultActions[0].RedirectConfig.StatusCode,
    ).toBe('HTTP_301');
    expect(props(external, 'ALBWeb').Scheme).toBeUndefined();
  });

  it('names dedicated ALBs like the original, within 32 characters', () => {
    expect(dedicatedAlbName('staging', 'Web', false)).toBe('WebStaging');
    expect(dedicatedAlbName('staging', 'Web', true)).toBe('WebStagingInternal');
    expect(dedicatedAlbName('production', 'VeryLongServiceNameForTheApi', true)).toBe(
      'VeryLongServiceNameFProdInternal',
    );
    expect(dedicatedAlbName('production', 'VeryLongServiceNameForTheApiX', false)).toBe(
      'VeryLongServiceNameForProduction',
    );
    expect(dedicatedAlbName('dummy-staging', 'Web', true)).toBe('WebDummyStagingInternal');
  });

  it('public services on the cluster ALB get HTTPS rules only; internal ones HTTP and HTTPS', () => {
    const cluster = { ...http, alb_mode: 'cluster', hostnames: ['a.example.com'] };
    const rules = (internal: boolean) =>
      Object.keys(
        render({ Web: { command: null, memory_reservation: 64, http_interface: { ...cluster, internal } } })
          .Resources,
      ).filter((id) => id.endsWith('ListenerRule'));
    expect(rules(true)).toEqual(['WebInternalHTTP1ListenerRule', 'WebInternalHTTPS1ListenerRule']);
    expect(rules(false)).toEqual(['WebPublicHTTPS1ListenerRule']);
  });

  it('two services hashing to the same listener never share a priority', () => {
    const cluster = (host: string) => ({ ...http, alb_mode: 'cluster', hostnames: [host] });
    const services: Record<string, unknown> = {};
    for (let index = 0; index < 30; index += 1) {
      services[`S${String.fromCharCode(65 + (index % 26))}${index}`] = {
        command: null,
        memory_reservation: 64,
        http_interface: cluster(`s${index}.example.com`),
      };
    }
    const template = render(services);
    const priorities = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')
      .map((resource: any) => `${resource.Properties.ListenerArn}#${resource.Properties.Priority}`);
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  it('explains missing environment facts instead of failing inside CloudFormation', () => {
    const { VPC: _vpc, ...withoutVpc } = baseFacts().environmentOutputs;
    expect(() =>
      render({ W: { command: null, memory_reservation: 64 } }, { environmentOutputs: withoutVpc }),
    ).toThrow(/cluster-staging has no output VPC/);
    expect(() =>
      render(
        { Web: { command: null, memory_reservation: 64, http_interface: http } },
        { certificateArn: undefined },
      ),
    ).toThrow(/ssl_certificate_arn/);
    const noListeners = Object.fromEntries(
      Object.entries(baseFacts().environmentOutputs).filter(([key]) => !key.startsWith('Listener')),
    );
    expect(() =>
      render(
        {
          Web: {
            command: null,
            memory_reservation: 64,
            http_interface: { ...http, alb_mode: 'cluster', hostnames: ['a.example.com'] },
          },
        },
        { environmentOutputs: noListeners },
      ),
    ).toThrow(/No Internal HTTP\/HTTPS listeners found/);
  });

  it('refuses EC2 services in a Fargate-only environment', () => {
    const environmentOutputs = { ...baseFacts().environmentOutputs, ClusterType: 'fargate' };
    expect(() => render({ W: { command: null, memory_reservation: 64 } }, { environmentOutputs })).toThrow(
      /services\.W runs on EC2, but environment staging is Fargate-only/,
    );
    expect(() =>
      render(
        { W: { command: null, memory_reservation: 64, fargate: { cpu: 256, memory: 512 } } },
        { environmentOutputs },
      ),
    ).not.toThrow();
  });

  it('CloudliftOptions holds the configuration as Python json.dumps wrote it', () => {
    expect(pythonJson({ a: [1, true, null], 'b é': 'x"y' })).toBe(
      '{"a": [1, true, null], "b \\u00e9": "x\\"y"}',
    );
    const template = render({ W: { command: null, memory_reservation: 64 } });
    expect(template.Outputs?.CloudliftOptions?.Value).toBe(
      `{"notifications_arn": "${arn}", "services": {"W": {"command": null, "memory_reservation": 64}}}`,
    );
  });
});
