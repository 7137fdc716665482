import { describe, expect, it } from 'vitest';
import {
  buildChangePreview,
  effectiveParameters,
  parameterChanges,
  previewRows,
} from '../../../src/core/stacks/change-preview.js';
import type { ResourceChange } from '../../../src/core/stacks/change-preview.js';

const modifyService: ResourceChange = {
  action: 'Modify',
  logicalId: 'WebService',
  physicalId: 'arn:aws:ecs:us-east-1:123456789012:service/cluster-staging/web',
  resourceType: 'AWS::ECS::Service',
  replacement: 'True',
  details: [
    { attribute: 'Properties', name: 'LaunchType', requiresRecreation: 'Always' },
    { attribute: 'Properties', name: 'DesiredCount', requiresRecreation: 'Never' },
    { attribute: 'Properties', name: 'LaunchType', requiresRecreation: 'Always' },
  ],
};

describe('previewRows', () => {
  it('maps actions, flags replacement and explains the downtime of replacing an ECS service', () => {
    const [row] = previewRows([modifyService]);
    expect(row).toEqual({
      action: 'modify',
      logicalId: 'WebService',
      resourceType: 'AWS::ECS::Service',
      physicalId: 'arn:aws:ecs:us-east-1:123456789012:service/cluster-staging/web',
      replacement: 'yes',
      changed: ['DesiredCount', 'LaunchType'],
      risks: [
        'the ECS service is replaced: its running tasks stop before the new service is healthy (downtime)',
      ],
    });
  });

  it('infers replacement from the details when the change set has no Replacement field (emulators)', () => {
    const [conditional] = previewRows([
      {
        action: 'Modify',
        logicalId: 'Alb',
        resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        details: [{ attribute: 'Properties', name: 'Scheme', requiresRecreation: 'Conditionally' }],
      },
    ]);
    expect(conditional?.replacement).toBe('conditional');
    expect(conditional?.risks).toEqual([
      'may be replaced: the load balancer is replaced: its DNS name changes, so DNS records pointing to it break',
    ]);
    const [plain] = previewRows([
      { action: 'Modify', logicalId: 'Topic', resourceType: 'AWS::SNS::Topic', details: [] },
    ]);
    expect(plain).toMatchObject({ replacement: 'no', risks: [], changed: [] });
  });

  it('warns about a task definition network-mode change even without replacement info', () => {
    const [row] = previewRows([
      {
        action: 'Modify',
        logicalId: 'WebTaskDefinition',
        resourceType: 'AWS::ECS::TaskDefinition',
        details: [{ attribute: 'Properties', name: 'NetworkMode', changeSource: 'DirectModification' }],
      },
    ]);
    expect(row?.risks).toEqual([
      'the network mode changes (e.g. bridge → awsvpc): tasks and target groups are recreated (downtime)',
    ]);
  });

  it('warns about removals that lose something and lists non-property attributes', () => {
    const rows = previewRows([
      { action: 'Remove', logicalId: 'Logs', resourceType: 'AWS::Logs::LogGroup', details: [] },
      { action: 'Add', logicalId: 'Queue', resourceType: 'AWS::SQS::Queue', details: [] },
      {
        action: 'Modify',
        logicalId: 'Topic',
        resourceType: 'AWS::SNS::Topic',
        details: [{ attribute: 'Tags' }, { attribute: 'Metadata' }],
      },
    ]);
    expect(rows.map((row) => [row.action, row.risks, row.changed])).toEqual([
      ['remove', ['the log group is deleted with the logs it holds'], []],
      ['add', [], []],
      ['modify', [], ['Metadata', 'Tags']],
    ]);
  });
});

describe('parameterChanges', () => {
  it('lists changed, new and removed parameters by name', () => {
    expect(
      parameterChanges(
        { Environment: 'staging', KeyPair: 'old', Gone: 'x' },
        { Environment: 'staging', KeyPair: 'new', Added: 'y' },
      ),
    ).toEqual([
      { name: 'Added', after: 'y' },
      { name: 'Gone', before: 'x' },
      { name: 'KeyPair', before: 'old', after: 'new' },
    ]);
  });
});

describe('buildChangePreview', () => {
  it('counts rows and says when nothing changes at all', () => {
    const preview = buildChangePreview([modifyService], { before: { A: '1' }, after: { A: '2' } });
    expect(preview.counts).toEqual({ add: 0, modify: 1, remove: 0, replace: 1 });
    expect(preview.isEmpty).toBe(false);
    expect(buildChangePreview([], { before: { A: '1' }, after: { A: '1' } }).isEmpty).toBe(true);
  });
});

describe('effectiveParameters', () => {
  it('uses the requested value, else the default, and never compares NoEcho values', () => {
    const template = {
      Resources: {},
      Parameters: {
        Environment: { Type: 'String' },
        Size: { Type: 'Number', Default: 3 },
        Zones: { Type: 'CommaDelimitedList', Default: ['a', 'b'] },
        Secret: { Type: 'String', NoEcho: true, Default: 'hunter2' } as never,
        Unset: { Type: 'String' },
      },
    };
    expect(effectiveParameters(template, { Environment: 'staging' }, { Secret: '****' })).toEqual({
      Environment: 'staging',
      Size: '3',
      Zones: 'a,b',
      Secret: '****',
    });
  });
});
