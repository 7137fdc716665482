// The CDK adapter: blueprints become template JSON in memory, exactly as `app.synth()` wrote it, without touching the
// file system or the process environment.
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { synthesize } from '../../src/cdk/synthesize.js';
import type { TemplateBlueprint } from '../../src/core/templates/template.js';

const vpcBlueprint: TemplateBlueprint = {
  stackName: 'cluster-staging',
  build: (stack, cdk) => {
    const vpc = new cdk.aws_ec2.CfnVPC(stack, 'stagingVpc', { cidrBlock: '10.0.0.0/16' });
    new cdk.CfnOutput(stack, 'VPC', { value: vpc.ref });
    new cdk.CfnParameter(stack, 'Environment', { type: 'String', default: '' });
  },
};

describe('synthesize', () => {
  it('keeps construct ids as logical ids and emits plain JSON without CDK metadata', () => {
    const template = synthesize(vpcBlueprint);
    expect(template.Resources).toEqual({
      stagingVpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    });
    expect(template.Outputs).toEqual({ VPC: { Value: { Ref: 'stagingVpc' } } });
    expect(template.Parameters).toEqual({ Environment: { Type: 'String', Default: '' } });
    expect(JSON.stringify(template)).not.toMatch(/CDKMetadata|BootstrapVersion|aws:cdk:path/);
  });

  it('writes no cloud assembly and sets no environment variable', () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('cloudlift-synth-'));
    const environment = { ...process.env };
    synthesize(vpcBlueprint);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('cloudlift-synth-'))).toEqual(before);
    expect(process.env).toEqual(environment);
  });

  it('returns plain JSON: undefined values are dropped as reading the synthesized file did', () => {
    const template = synthesize({
      stackName: 'plain',
      build: (stack, cdk) => {
        new cdk.CfnParameter(stack, 'Environment', { type: 'String', description: undefined });
      },
    });
    expect(Object.keys(template.Parameters?.Environment ?? {})).toEqual(['Type']);
    expect(JSON.parse(JSON.stringify(template))).toStrictEqual(template);
  });

  it('refuses constructs that need assets, naming the bug', () => {
    expect(() =>
      synthesize({
        stackName: 'assets',
        build: (stack) => {
          stack.synthesizer.addFileAsset({ sourceHash: 'x', fileName: 'x' });
        },
      }),
    ).toThrow(/renders templates in memory and has no file assets/);
  });
});
