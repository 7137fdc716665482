// The service template's tags keep the original's order per resource type. CDK's tag manager would sort them
// (`environment` before `Team`), and a reordered tag list is a modification of every tagged resource in the first
// update_service of a stack the Python tool created.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServiceConfig } from '../../../../src/core/config/service.js';
import { serviceTemplate } from '../../../../src/cdk/templates.js';
import type { ServiceFacts } from '../../../../src/core/templates/service.js';

const goldenInput = join(import.meta.dirname, '../../../golden/service/public-dedicated-web/input.json');
const facts = (): ServiceFacts => ({
  ...(JSON.parse(readFileSync(goldenInput, 'utf8')) as { facts: ServiceFacts }).facts,
  desiredCounts: {},
  images: {},
});

function tagKeys(services: Record<string, unknown>): Record<string, string[]> {
  const all = facts();
  const template = serviceTemplate(
    parseServiceConfig(
      { notifications_arn: 'arn:aws:sns:us-east-1:123456789012:team-a', services },
      all.environmentDefaults,
    ),
    all,
  );
  const keys: Record<string, string[]> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    const tags = resource.Properties?.Tags as Array<{ Key: string; Value: string }> | undefined;
    if (tags !== undefined) {
      keys[`${resource.Type} ${id}`] = tags.map((tag) => `${tag.Key}=${tag.Value}`);
    }
  }
  return keys;
}

const standard = ['Team=team-a', 'environment=staging'];

describe('service template tag order (as the original, not as CDK sorts)', () => {
  it('dedicated web on EC2: task definition, target group, ALB security group, ALB, service', () => {
    const web = {
      command: null,
      memory_reservation: 256,
      http_interface: {
        internal: false,
        restrict_access_to: ['0.0.0.0/0'],
        container_port: 80,
        alb_mode: 'dedicated',
        hostnames: ['web.example.com'],
      },
    };
    expect(tagKeys({ Web: web })).toEqual({
      'AWS::ECS::TaskDefinition WebTaskDefinition': standard,
      'AWS::ElasticLoadBalancingV2::TargetGroup TargetGroupWeb': [
        ...standard,
        'alb_mode=dedicated',
        'alb_scheme=internet-facing',
        'cloudlift_app=dummy',
        'service_name=Web',
      ],
      'AWS::EC2::SecurityGroup SGstagingWeb': standard,
      'AWS::ElasticLoadBalancingV2::LoadBalancer ALBWeb': ['Name=WebStaging', ...standard],
      'AWS::ECS::Service Web': standard,
    });
  });

  it('Fargate worker: its security group; custom metrics: the Cloud Map service', () => {
    const keys = tagKeys({
      Worker: { command: null, memory_reservation: 256, fargate: { cpu: 256, memory: 512 } },
      Metrics: {
        command: null,
        memory_reservation: 128,
        custom_metrics: { metrics_port: '9100', metrics_path: '/metrics' },
      },
    });
    expect(keys['AWS::EC2::SecurityGroup FargateServicestagingWorker']).toEqual(standard);
    expect(keys['AWS::ServiceDiscovery::Service MetricsServiceRegistry']).toEqual([
      'METRICS_PATH=/metrics',
      'METRICS_PORT=9100',
    ]);
    for (const id of ['WorkerTaskDefinition', 'Worker', 'MetricsTaskDefinition', 'Metrics']) {
      const entry = Object.entries(keys).find(([name]) => name.endsWith(` ${id}`));
      expect(entry?.[1], id).toEqual(standard);
    }
  });
});
