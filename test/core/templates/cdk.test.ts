import { describe, expect, it } from 'vitest';
import { synthesize } from '../../../src/core/templates/cdk.js';

describe('synthesize', () => {
  it('keeps construct ids as logical ids and emits plain JSON without CDK metadata', () => {
    const template = synthesize('cluster-staging', (stack, cdk) => {
      const vpc = new cdk.aws_ec2.CfnVPC(stack, 'stagingVpc', { cidrBlock: '10.0.0.0/16' });
      new cdk.CfnOutput(stack, 'VPC', { value: vpc.ref });
      new cdk.CfnParameter(stack, 'Environment', { type: 'String', default: '' });
    });
    expect(template.Resources).toEqual({
      stagingVpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    });
    expect(template.Outputs).toEqual({ VPC: { Value: { Ref: 'stagingVpc' } } });
    expect(template.Parameters).toEqual({ Environment: { Type: 'String', Default: '' } });
    expect(JSON.stringify(template)).not.toMatch(/CDKMetadata|BootstrapVersion|aws:cdk:path/);
  });
});
