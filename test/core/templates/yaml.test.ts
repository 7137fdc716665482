import { describe, expect, it } from 'vitest';
import { parseTemplateYaml, templateToYaml } from '../../../src/core/templates/yaml.js';
import type { Template } from '../../../src/core/templates/template.js';

const template: Template = {
  Parameters: { Environment: { Type: 'String', Default: '' } },
  Mappings: { AWSRegionToAMI: { 'ap-south-1': { AMI: 'ami-0123456789abcdef0' } } },
  Resources: {
    Thing: {
      Type: 'AWS::EC2::LaunchTemplate',
      DependsOn: 'Other',
      Properties: {
        ref: { Ref: 'AWS::StackName' },
        getAtt: { 'Fn::GetAtt': ['InstanceProfile', 'Arn'] },
        getAttDotted: { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] },
        userData: { 'Fn::Base64': { 'Fn::Sub': '#!/bin/bash\necho ${AWS::Region}\n' } },
        subList: { 'Fn::Sub': ['x-${y}', { y: { Ref: 'Y' } }] },
        findInMap: { 'Fn::FindInMap': ['AWSRegionToAMI', { Ref: 'AWS::Region' }, 'AMI'] },
        join: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }]] },
        select: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
        split: { 'Fn::Split': [',', { 'Fn::ImportValue': 'stagingCloudmap' }] },
        cond: { 'Fn::If': ['IsProd', { 'Fn::Not': [{ Condition: 'IsDev' }] }, { 'Fn::Equals': ['a', 'b'] }] },
        numbers: { threshold: '60', period: 300, enabled: true, nothing: null },
        notIntrinsic: { Ref: 'A', Other: 'B' },
      },
    },
  },
  Outputs: { VPC: { Value: { Ref: 'stagingVpc' }, Export: { Name: 'stagingVpc' } } },
};

describe('templateToYaml / parseTemplateYaml', () => {
  it('round-trips every intrinsic, and strings that look like numbers stay strings', () => {
    const yaml = templateToYaml(template);
    expect(parseTemplateYaml(yaml)).toEqual(template);
    expect(yaml).toContain('threshold: "60"');
  });

  it('uses the short forms cfn-flip printed', () => {
    const yaml = templateToYaml(template);
    expect(yaml).toContain('ref: !Ref AWS::StackName');
    expect(yaml).toContain('getAtt: !GetAtt InstanceProfile.Arn');
    expect(yaml).toContain('getAttDotted: !GetAtt Db.Endpoint.Address');
    expect(yaml).toMatch(/findInMap: !FindInMap\n\s+- AWSRegionToAMI\n\s+- !Ref AWS::Region\n\s+- AMI/);
    expect(yaml).toMatch(/select: !Select\n\s+- 0\n\s+- !GetAZs ""/);
  });

  it('keeps an intrinsic inside a one-argument intrinsic in long form (a node has one tag)', () => {
    expect(templateToYaml(template)).toMatch(/userData: !Base64\n\s+Fn::Sub: \|/);
  });

  it('does not tag objects that only look like intrinsics', () => {
    expect(templateToYaml(template)).toMatch(/notIntrinsic:\n\s+Ref: A\n\s+Other: B/);
  });

  it('parses JSON too (YAML is a superset)', () => {
    expect(parseTemplateYaml(JSON.stringify(template))).toEqual(template);
  });
});
