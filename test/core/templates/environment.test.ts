// Parity checks against what Cloudlift 2.1.1's own tests assert about its cluster template (env "test-env"), plus
// our additions. The golden files pin the whole template; these name the properties that must never drift.
import { describe, expect, it } from 'vitest';
import { parseEnvironmentConfig } from '../../../src/core/config/environment.js';
import { environmentTemplate } from '../../../src/cdk/templates.js';
import type { EnvironmentFacts } from '../../../src/core/templates/environment.js';
import type { Template } from '../../../src/core/templates/template.js';
import {
  bothFleetsDocument,
  fargateExistingVpcDocument,
  withChange,
} from '../config/environment-fixtures.js';

const facts = (environment: string, extra: Partial<EnvironmentFacts> = {}): EnvironmentFacts => ({
  environment,
  availabilityZones: ['ap-south-1a', 'ap-south-1b'],
  amiId: 'ami-0123456789abcdef0',
  cloudliftVersion: '9.9.9',
  ...extra,
});

function build(
  environment: string,
  document: Record<string, unknown>,
  extra: Partial<EnvironmentFacts> = {},
): Template {
  return environmentTemplate(parseEnvironmentConfig(environment, document), facts(environment, extra));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions walk the template JSON freely
const props = (template: Template, id: string): Record<string, any> => {
  const resource = template.Resources[id];
  if (resource === undefined) {
    throw new Error(`no resource ${id}; have ${Object.keys(template.Resources).join(', ')}`);
  }
  return resource.Properties ?? {};
};

describe("environment template: the original's names and values", () => {
  const template = build('test-env', bothFleetsDocument());

  it('names the network after camel(<env>...) and alternates zones starting with the second', () => {
    expect(props(template, 'testEnvVpc')).toMatchObject({
      CidrBlock: '10.10.0.0/16',
      EnableDnsSupport: true,
    });
    expect(props(template, 'testEnvPublicSubnet1').AvailabilityZone).toBe('ap-south-1b');
    expect(props(template, 'testEnvPublicSubnet2').AvailabilityZone).toBe('ap-south-1a');
    expect(props(template, 'testEnvPrivateSubnet1').MapPublicIpOnLaunch).toBe(false);
    expect(props(template, 'testEnvNat')).toMatchObject({ SubnetId: { Ref: 'testEnvPublicSubnet1' } });
    expect(template.Resources.testEnvPublic?.DependsOn).toBe('testEnvVpc');
    for (const id of ['testEnvIg', 'testEnvAttachment', 'testEnvIgRoute', 'testEnvNatRoute', 'testEnvPrivate',
      'testEnvPublicSubnet1Assoc', 'testEnvPrivateSubnet2Assoc', 'testEnvLogGroup', 'testEnvCloudmap']) {
      expect(template.Resources).toHaveProperty(id);
    } // prettier-ignore
  });

  it('keeps tag order (CDK would sort it, which would modify every tagged resource)', () => {
    expect(props(template, 'testEnvVpc').Tags.map((tag: { Key: string }) => tag.Key)).toEqual([
      'category', 'environment', 'Team', 'Name',
    ]); // prettier-ignore
    expect(props(template, 'testEnvVpc').Tags[2]).toEqual({ Key: 'Team', Value: 'platform-team' });
    // Where troposphere sorted the keys by code point (upper case first), as the original's templates show.
    for (const id of ['testEnvCloudmap', 'SGInternalALB1TestEnv', 'SGPublicALB1TestEnv']) {
      expect(props(template, id).Tags.map((tag: { Key: string }) => tag.Key)).toEqual([
        'Name', 'Team', 'category', 'environment',
      ]); // prettier-ignore
    }
  });

  it('takes subnets in natural key order, whatever order the stored map lists them in', () => {
    const reordered = bothFleetsDocument() as { vpc: { subnets: Record<string, Record<string, unknown>> } };
    for (const side of ['public', 'private']) {
      const subnets = reordered.vpc.subnets[side] ?? {};
      reordered.vpc.subnets[side] = { 'subnet-2': subnets['subnet-2'], 'subnet-1': subnets['subnet-1'] };
    }
    expect(build('test-env', reordered)).toEqual(template);
  });

  it('builds the cluster ALBs with generate_pascalcase_name ids', () => {
    expect(props(template, 'InternalALB1TestEnv')).toMatchObject({
      Name: 'InternalALB1TestEnv', Type: 'application', Scheme: 'internal',
      Subnets: [{ Ref: 'testEnvPrivateSubnet1' }, { Ref: 'testEnvPrivateSubnet2' }],
      SecurityGroups: [{ Ref: 'SGInternalALB1TestEnv' }],
    }); // prettier-ignore
    expect(props(template, 'PublicALB1TestEnv').Scheme).toBe('internet-facing');
    const sg = props(template, 'SGInternalALB1TestEnv');
    expect(sg.GroupName).toBe('SGInternalALB1TestEnv');
    expect(sg.SecurityGroupIngress).toEqual([
      { IpProtocol: 'tcp', FromPort: '80', ToPort: '80', CidrIp: '0.0.0.0/0' },
      { IpProtocol: 'tcp', FromPort: '443', ToPort: '443', CidrIp: '0.0.0.0/0' },
    ]);
    expect(sg.SecurityGroupEgress).toEqual([{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }]);
    // FromPort/ToPort are create-only: without the original's '-1' both rules would be replaced on update.
    for (const id of ['InternalALB1TestEnvToEC2HostsIngress', 'PublicALB1TestEnvToEC2HostsIngress']) {
      expect(props(template, id)).toMatchObject({
        GroupId: { Ref: 'SecurityGroupEc2Hosts' }, IpProtocol: '-1', FromPort: '-1', ToPort: '-1',
      }); // prettier-ignore
    }
    expect(props(template, 'InternalALB1TestEnvToEC2HostsIngress').SourceSecurityGroupId).toEqual({
      Ref: 'SGInternalALB1TestEnv',
    });
    expect(props(template, 'HttpListenerPublic1TestEnv').DefaultActions).toEqual([
      { Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301', Protocol: 'HTTPS', Port: '443' } },
    ]);
    const https = props(template, 'HttpsListenerInternal1TestEnv');
    expect(https).toMatchObject({
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-FS-1-2-Res-2019-08',
    });
    expect(https.DefaultActions[0].FixedResponseConfig).toEqual({
      ContentType: 'text/plain', StatusCode: '404', MessageBody: 'No matching host found',
    }); // prettier-ignore
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining(['InternalALB1ARN', 'PublicALB1ARN', 'SGInternal1ID', 'SGPublic1ID',
        'ListenerHTTPInternal1ARN', 'ListenerHTTPSInternal1ARN', 'ListenerHTTPPublic1ARN', 'ListenerHTTPSPublic1ARN']),
    ); // prettier-ignore
  });

  it('writes numbers as strings where the original did, and -1 both ways', () => {
    expect(props(template, 'ClusterHighCPUAlarm')).toMatchObject({
      Threshold: '60',
      EvaluationPeriods: 1,
      Period: 300,
    });
    expect(props(template, 'ClusterHighMemoryReservationUserNotifcationAlarm').Threshold).toBe('75');
    expect(props(template, 'AutoScalingPolicyOnDemand').Cooldown).toBe('300');
    expect(props(template, 'SecurityGroupEc2Hosts').SecurityGroupIngress[0].IpProtocol).toBe(-1);
    expect(props(template, 'SecurityEc2HostsIngress')).toMatchObject({
      IpProtocol: '-1',
      FromPort: '-1',
      ToPort: '-1',
    });
    expect(template.Parameters?.OnDemandMinSize).toEqual({ Type: 'String', Default: '1', Description: '' });
  });

  it('gives each fleet a launch template with IMDSv2 and a mixed-instances group', () => {
    const launchTemplate = props(template, 'LaunchTemplateOnDemand');
    expect(launchTemplate.LaunchTemplateName).toBe('test-env-LaunchTemplateOnDemand');
    expect(launchTemplate.LaunchTemplateData.MetadataOptions).toEqual({ HttpTokens: 'required' });
    expect(launchTemplate.LaunchTemplateData.ImageId).toEqual({
      'Fn::FindInMap': ['AWSRegionToAMI', { Ref: 'AWS::Region' }, 'AMI'],
    });
    expect(template.Resources.LaunchTemplateSpot?.Metadata).toHaveProperty(['AWS::CloudFormation::Init']);
    const onDemand = props(template, 'AutoScalingGroupOnDemand');
    expect(onDemand.MixedInstancesPolicy.LaunchTemplate.Overrides).toEqual([{ InstanceType: 't2.micro' }]);
    expect(onDemand.MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity).toBe(100);
    expect(onDemand.VPCZoneIdentifier).toEqual([
      { Ref: 'testEnvPrivateSubnet2' },
      { Ref: 'testEnvPrivateSubnet1' },
    ]);
    const spot = props(template, 'AutoScalingGroupSpot');
    expect(spot.MixedInstancesPolicy.LaunchTemplate.Overrides).toHaveLength(2);
    expect(spot.MixedInstancesPolicy.InstancesDistribution).toEqual({
      OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0, SpotAllocationStrategy: 'capacity-optimized',
    }); // prettier-ignore
    expect(template.Resources.AutoScalingGroupSpot?.UpdatePolicy).toEqual({});
    expect(template.Resources.AutoScalingGroupSpot?.CreationPolicy).toEqual({
      ResourceSignal: { Timeout: 'PT15M' },
    });
  });

  it('keeps the reversed subnet outputs of the original (Appendix A #7) and its exports', () => {
    expect(template.Outputs?.PrivateSubnet1?.Value).toEqual({ Ref: 'testEnvPrivateSubnet2' });
    expect(template.Outputs?.PublicSubnet2?.Value).toEqual({ Ref: 'testEnvPublicSubnet1' });
    expect(template.Outputs?.CloudmapId?.Export).toEqual({ Name: 'test-envCloudmap' });
    expect(template.Outputs?.SecurityGroupEC2Host?.Export).toEqual({ Name: 'test-envEc2Host' });
    expect(template.Outputs?.ECSClusterDefaultInstanceLifecycle).toMatchObject({
      Value: 'ondemand', Export: { Name: 'test-envECSClusterDefaultInstanceLifecycle' },
    }); // prettier-ignore
    expect(template.Outputs?.CloudliftOptions?.Value).toBe(
      '{"env": "test-env", "min_instances": "1", "max_instances": "5", "spot_min_instances": "1", ' +
        '"spot_max_instances": "5", "instance_types": "t2.micro,m5.xlarge", "key_name": "staging-key", ' +
        '"cloudlift_version": "2.1.1", "rendered_by": "cloudlift-ts 9.9.9"}',
    );
  });
});

describe('environment template: fleets and desired counts (Appendix A #18)', () => {
  it('leaves out a fleet whose minimum is 0, with its outputs', () => {
    const template = build('staging', withChange(bothFleetsDocument(), 'cluster.spot_min_instances', 0));
    expect(template.Resources).not.toHaveProperty('AutoScalingGroupSpot');
    expect(template.Resources).not.toHaveProperty('LaunchTemplateSpot');
    expect(template.Outputs).not.toHaveProperty('AutoScalingGroupSpot');
    expect(template.Resources).toHaveProperty('Ec2HostsHighCPUAlarmOnDemand');
  });

  it('keeps each fleet at its own running count, within the new min..max', () => {
    const template = build('staging', bothFleetsDocument(), { desiredInstances: { onDemand: 3, spot: 9 } });
    expect(props(template, 'AutoScalingGroupOnDemand').DesiredCapacity).toBe('3');
    expect(props(template, 'AutoScalingGroupSpot').DesiredCapacity).toBe('5');
    const fresh = build('staging', bothFleetsDocument(), { desiredInstances: { onDemand: 0 } });
    expect(props(fresh, 'AutoScalingGroupOnDemand').DesiredCapacity).toBe('1');
  });

  it('uses the strategy the original prompts saved under spot_allocation_strategy (Appendix A #3)', () => {
    const document = withChange(
      withChange(bothFleetsDocument(), 'cluster.allocation_strategy', undefined),
      'cluster.spot_allocation_strategy',
      'price-capacity-optimized',
    );
    const distribution = props(build('staging', document), 'AutoScalingGroupSpot').MixedInstancesPolicy
      .InstancesDistribution;
    expect(distribution.SpotAllocationStrategy).toBe('price-capacity-optimized');
  });
});

describe('environment template: Fargate-only in an existing VPC (ours)', () => {
  const template = build('staging', fargateExistingVpcDocument());

  it('has no EC2 hosts, key pair, AMI mapping or reservation alarm', () => {
    const types = Object.values(template.Resources).map((resource) => resource.Type);
    for (const type of ['AWS::AutoScaling::AutoScalingGroup', 'AWS::EC2::LaunchTemplate', 'AWS::IAM::Role', 'AWS::EC2::VPC', 'AWS::EC2::NatGateway']) {
      expect(types).not.toContain(type);
    } // prettier-ignore
    expect(template.Parameters).not.toHaveProperty('KeyPair');
    expect(template).not.toHaveProperty('Mappings');
    expect(template.Resources).not.toHaveProperty('ClusterHighMemoryReservationUserNotifcationAlarm');
    expect(props(template, 'Cluster').CapacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(template.Outputs?.ClusterType?.Value).toBe('fargate');
  });

  it('takes the VPC and subnets as typed parameters, with subnet outputs in configured order', () => {
    expect(template.Parameters?.stagingVpc).toMatchObject({
      Type: 'AWS::EC2::VPC::Id',
      Default: 'vpc-0a1b2c3d4e5f60718',
    });
    expect(template.Parameters?.stagingPrivateSubnet2).toMatchObject({
      Type: 'AWS::EC2::Subnet::Id', Default: 'subnet-0bbbbbbbbbbbbbbb2',
    }); // prettier-ignore
    expect(template.Outputs?.PrivateSubnet1?.Value).toEqual({ Ref: 'stagingPrivateSubnet1' });
    expect(props(template, 'SecurityGroupEc2Hosts').VpcId).toEqual({ Ref: 'stagingVpc' });
    expect(props(template, 'DBSubnetGroup').SubnetIds).toEqual([
      { Ref: 'stagingPrivateSubnet1' }, { Ref: 'stagingPrivateSubnet2' },
    ]); // prettier-ignore
  });
});
