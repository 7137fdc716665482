// The template comparison and effect classification the parity tests rest on: what they report, so a difference
// cannot slip through as "equal" (a string for a boolean, a reordered tag list, a dropped create-only property).
import { describe, expect, it } from 'vitest';
import { compareTemplates } from './compare.js';
import { effectOf } from './effect.js';

const template = (resources: Record<string, unknown>, outputs: Record<string, unknown> = {}) => ({
  Resources: resources,
  Outputs: outputs,
});

const ingress = (properties: Record<string, unknown>) => ({
  Rule: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: properties },
});

describe('compareTemplates', () => {
  it('is strict on JSON types: the string "true" is not the boolean', () => {
    const found = compareTemplates(
      template({
        Td: { Type: 'AWS::ECS::TaskDefinition', Properties: { ContainerDefinitions: [{ Essential: true }] } },
      }),
      template({
        Td: {
          Type: 'AWS::ECS::TaskDefinition',
          Properties: { ContainerDefinitions: [{ Essential: 'true' }] },
        },
      }),
    );
    expect(found).toEqual([
      { path: 'Resources/Td/Properties/ContainerDefinitions/0/Essential', original: true, ours: 'true' },
    ]);
  });

  it('reports a reordered list element by element', () => {
    const tags = (keys: string[]) => ({ Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { Tags: keys.map((Key) => ({ Key })) } } });
    const found = compareTemplates(template(tags(['Name', 'Team'])), template(tags(['Team', 'Name'])));
    expect(found.map((difference) => difference.path)).toEqual([
      'Resources/Sg/Properties/Tags/0/Key',
      'Resources/Sg/Properties/Tags/1/Key',
    ]);
  }); // prettier-ignore

  it('reports a property or a resource only one side has once, at its own path', () => {
    const found = compareTemplates(
      template({ ...ingress({ IpProtocol: '-1', FromPort: '-1' }), Gone: { Type: 'AWS::SNS::Topic' } }),
      template(ingress({ IpProtocol: '-1' })),
    );
    expect(found).toEqual([
      { path: 'Resources/Rule/Properties/FromPort', original: '-1', ours: undefined },
      { path: 'Resources/Gone', original: { Type: 'AWS::SNS::Topic' }, ours: undefined },
    ]);
  });

  it('compares through the normalizer, e.g. a JSON output parsed', () => {
    const outputs = (value: string) => template({}, { Options: { Value: value } });
    const parse = (path: string, value: unknown) =>
      path === '/Outputs/Options/Value' ? (JSON.parse(value as string) as unknown) : value;
    expect(compareTemplates(outputs('{"a": 1, "b": 2}'), outputs('{"b": 2, "a": 1}'), parse)).toEqual([]);
    expect(compareTemplates(outputs('{"a": 1}'), outputs('{"a": 2}'), parse)).toHaveLength(1);
  });
});

describe('effectOf', () => {
  const types = { Rule: 'AWS::EC2::SecurityGroupIngress', Service: 'AWS::ECS::Service', Lt: 'AWS::EC2::LaunchTemplate', Asg: 'AWS::AutoScaling::AutoScalingGroup' };
  const createOnly = {
    'AWS::EC2::SecurityGroupIngress': { always: ['/properties/FromPort', '/properties/ToPort'], conditional: [] },
    'AWS::AutoScaling::AutoScalingGroup': { always: [], conditional: ['/properties/MixedInstancesPolicy'] },
  };
  const effect = (path: string, original: unknown = 1, ours: unknown = 2) =>
    effectOf({ path, original, ours }, types, createOnly);

  it('a changed create-only property replaces the resource (maybe, when conditional); any other modifies it', () => {
    expect(effect('Resources/Rule/Properties/FromPort', '-1', undefined)).toBe('replaces');
    expect(effect('Resources/Rule/Properties/Description')).toBe('modifies');
    expect(effect('Resources/Asg/Properties/MixedInstancesPolicy/InstancesDistribution')).toBe('conditional');
    expect(effect('Resources/Service/Properties/DeploymentConfiguration/DeploymentCircuitBreaker')).toBe('modifies');
  });

  it('outputs and resource metadata change nothing by themselves; whole resources are added or removed', () => {
    expect(effect('Outputs/CloudliftOptions/Value/rendered_by')).toBe('none');
    expect(effect('Resources/Lt/Metadata/AWS::CloudFormation::Init/config/files//etc/cfn/cfn-hup.conf/mode')).toBe('none');
    expect(effectOf({ path: 'Resources/New', original: undefined, ours: {} }, types, createOnly)).toBe('adds');
    expect(effectOf({ path: 'Resources/Rule', original: {}, ours: undefined }, types, createOnly)).toBe('removes');
  });
}); // prettier-ignore
