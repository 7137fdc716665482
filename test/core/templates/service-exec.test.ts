// The `enable_execute_command` switch of the service configuration (for `cloudlift exec`): ECS Exec on the service,
// and the task-role permissions its agent needs — exactly the ones exec's pre-flight checks for.
/* eslint-disable @typescript-eslint/no-explicit-any -- the tests poke into free-form templates */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServiceConfig } from '../../../src/core/config/service.js';
import { serviceTemplate } from '../../../src/cdk/templates.js';
import type { ServiceFacts } from '../../../src/core/templates/service.js';
import { execTaskRoleActions } from '../../../src/deploy/exec.js';

const goldenInput = join(import.meta.dirname, '../../golden/service/ec2-worker/input.json');
const facts = (): ServiceFacts =>
  (JSON.parse(readFileSync(goldenInput, 'utf8')) as { facts: ServiceFacts }).facts;
const notifications = 'arn:aws:sns:us-east-1:123456789012:cloudlift-alerts';

function render(worker: Record<string, unknown>): any {
  const all = facts();
  const config = parseServiceConfig(
    {
      notifications_arn: notifications,
      services: { Worker: { command: null, memory_reservation: 128, ...worker } },
    },
    all.environmentDefaults,
  );
  return serviceTemplate(config, all);
}

describe('enable_execute_command', () => {
  it('is off by default: no EnableExecuteCommand, no extra task-role policy', () => {
    const template = render({});
    expect(template.Resources.Worker.Properties.EnableExecuteCommand).toBeUndefined();
    expect(template.Resources.WorkerRole.Properties.Policies).toBeUndefined();
    expect(
      render({ enable_execute_command: false }).Resources.Worker.Properties.EnableExecuteCommand,
    ).toBeUndefined();
  });

  it('turns ECS Exec on and lets the task role open the exec channels', () => {
    const template = render({ enable_execute_command: true });
    expect(template.Resources.Worker.Properties.EnableExecuteCommand).toBe(true);
    expect(template.Resources.WorkerRole.Properties.Policies).toEqual([
      {
        PolicyName: 'Worker-EcsExec',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: [...execTaskRoleActions], Effect: 'Allow', Resource: ['*'] }],
        },
      },
    ]);
  });

  it('keeps the FireLens policy next to it', () => {
    const sidecar = {
      name: 'fluentbit-firelens-sidecar',
      memory_reservation: 100,
      essential: true,
      image_uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/fluentbit-repo:latest',
    };
    const template = render({ enable_execute_command: true, logging: 'awsfirelens', sidecars: [sidecar] });
    expect(template.Resources.WorkerRole.Properties.Policies.map((policy: any) => policy.PolicyName)).toEqual(
      ['Worker-Firelens', 'Worker-EcsExec'],
    );
  });

  it('must be a boolean', () => {
    expect(() => render({ enable_execute_command: 'yes' })).toThrow(
      /services\.Worker\.enable_execute_command/,
    );
  });
});
