// Proves the testbed is real: moto answers, the moto patches work, Docker pushes reach ECR. (ECS tasks, hosts, load
// balancers: testbed-ecs.test.ts; CloudFormation fidelity: testbed-cloudformation.test.ts.)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  awsClientConfig,
  dockerEnv,
  dockerTestsRequired,
  resetTestbed,
  seedAccount,
  testbed,
} from '../support/testbed.js';

// The four traps of Cloudlift's environment template that plain moto 5.2.1 cannot create (testbed.md 2.1), in
// the YAML form cfn-flip emits: GetAtt on a PrivateDnsNamespace in Outputs, `!Base64` on a mapping, SG ingress
// with IpProtocol -1 and no ports, and a launch-template EBS volume without VolumeSize.
const ENVIRONMENT_TEMPLATE = `
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Environment: {Type: String, Default: ''}
Mappings:
  AWSRegionToAMI:
    us-east-1: {AMI: ami-12c6146b}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.10.0.0/16, EnableDnsHostnames: true, EnableDnsSupport: true}
  PrivateSubnet1:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.10.1.0/24, AvailabilityZone: us-east-1a}
  Cloudmap:
    Type: AWS::ServiceDiscovery::PrivateDnsNamespace
    Properties:
      Name: !Ref AWS::StackName
      Vpc: !Ref Vpc
  Cluster:
    Type: AWS::ECS::Cluster
    Properties: {ClusterName: !Ref AWS::StackName}
  SecurityGroupAlb:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub \${AWS::StackName}-alb
      VpcId: !Ref Vpc
  SecurityGroupEc2Hosts:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub \${AWS::StackName}-hosts
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: '-1'
          SourceSecurityGroupId: !Ref SecurityGroupAlb
  LaunchTemplateOnDemand:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: !Sub \${AWS::StackName}-LaunchTemplateOnDemand
      LaunchTemplateData:
        ImageId: !FindInMap [AWSRegionToAMI, !Ref 'AWS::Region', AMI]
        InstanceType: t3.micro
        SecurityGroupIds: [!Ref SecurityGroupEc2Hosts]
        BlockDeviceMappings:
          - DeviceName: /dev/xvda
            Ebs:
              VolumeType: gp3
        UserData: !Base64
          Fn::Sub: |
            #!/bin/bash
            echo ECS_CLUSTER=\${Cluster} >> /etc/ecs/ecs.config
  AutoScalingGroupOnDemand:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '1'
      DesiredCapacity: '1'
      VPCZoneIdentifier: [!Ref PrivateSubnet1]
      MixedInstancesPolicy:
        LaunchTemplate:
          LaunchTemplateSpecification:
            LaunchTemplateId: !Ref LaunchTemplateOnDemand
            Version: !GetAtt LaunchTemplateOnDemand.LatestVersionNumber
          Overrides: [{InstanceType: t3.micro}]
  ClusterHighCPUAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/ECS
      MetricName: CPUUtilization
      Statistic: Average
      Period: 300
      EvaluationPeriods: 1
      Threshold: 60
      ComparisonOperator: GreaterThanThreshold
      Dimensions: [{Name: ClusterName, Value: !Ref Cluster}]
Outputs:
  CloudmapId:
    Value: !GetAtt Cloudmap.Id
    Export: {Name: !Sub '\${Environment}Cloudmap'}
  SecurityGroupEC2Host:
    Value: !Ref SecurityGroupEc2Hosts
`;

function serviceTemplate(image: string, subnet: string): string {
  return JSON.stringify({
    Resources: {
      WebFamily: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          Family: 'WebFamily',
          NetworkMode: 'awsvpc',
          RequiresCompatibilities: ['FARGATE'],
          Cpu: '256',
          Memory: '512',
          ContainerDefinitions: [{ Name: 'WebContainer', Image: image, Essential: true }],
        },
      },
      Web: {
        Type: 'AWS::ECS::Service',
        Properties: {
          Cluster: 'cluster-cs',
          TaskDefinition: { Ref: 'WebFamily' },
          DesiredCount: 1,
          LaunchType: 'FARGATE',
          NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [subnet] } },
        },
      },
    },
  });
}

function run(command: string, args: string[], input?: string): { code: number; out: string } {
  const result = spawnSync(command, args, { env: dockerEnv(), input, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status ?? 1, out: `${result.stdout}${result.stderr}` };
}

describe('testbed', () => {
  beforeAll(async () => {
    await resetTestbed();
  });

  it('answers as AWS with the testbed patches installed', async () => {
    const identity = await new STSClient(awsClientConfig()).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(testbed().accountId);
    const health = (await (await fetch(`${testbed().endpoint}/_testbed/health`)).json()) as {
      patches: string[];
    };
    expect(health.patches).toEqual(expect.arrayContaining(['1 yaml-tags', '10 change-set-details']));
  });

  it('creates a stack with the four environment-template traps', async () => {
    const seed = await seedAccount();
    expect(seed.executionRoleArn).toMatch(/:role\/ecsTaskExecutionRole$/);
    const cfn = new CloudFormationClient(awsClientConfig());
    const ec2 = new EC2Client(awsClientConfig());
    await cfn.send(
      new CreateStackCommand({
        StackName: 'cluster-traps',
        TemplateBody: ENVIRONMENT_TEMPLATE,
        Parameters: [{ ParameterKey: 'Environment', ParameterValue: 'traps' }],
      }),
    );
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'cluster-traps' }))).Stacks?.[0];
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o]));
    // trap 1: GetAtt on the (stubbed) PrivateDnsNamespace, exported
    expect(outputs.CloudmapId?.OutputValue).toMatch(/^ns-[0-9a-f]{16}$/);
    expect(outputs.CloudmapId?.ExportName).toBe('trapsCloudmap');
    const resources = (await cfn.send(new ListStackResourcesCommand({ StackName: 'cluster-traps' })))
      .StackResourceSummaries;
    expect(resources?.find((r) => r.LogicalResourceId === 'Cloudmap')?.ResourceType).toBe(
      'AWS::ServiceDiscovery::PrivateDnsNamespace',
    );
    // trap 2: `!Base64` on a Fn::Sub mapping became real user data
    const versions = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateName: 'cluster-traps-LaunchTemplateOnDemand',
      }),
    );
    const userData = versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.UserData ?? '';
    expect(Buffer.from(userData, 'base64').toString()).toContain('ECS_CLUSTER=cluster-traps');
    // trap 3: all-protocol ingress without ports
    const hostsGroup = outputs.SecurityGroupEC2Host?.OutputValue ?? '';
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [hostsGroup] }));
    expect(groups.SecurityGroups?.[0]?.IpPermissions?.[0]?.IpProtocol).toBe('-1');
    // trap 4: the ASG launched an instance whose gp3 root volume got the default size
    const instances = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }),
    );
    const instanceId = instances.Reservations?.[0]?.Instances?.[0]?.InstanceId ?? '';
    const volumes = await ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }),
    );
    expect(volumes.Volumes?.map((v) => v.Size)).toContain(30);
    // the stubbed alarm is a real CloudWatch alarm (no CloudWatch SDK client in the tree: moto's model dump)
    const models = (await (await fetch(`${testbed().endpoint}/moto-api/data.json`)).json()) as {
      cloudwatch?: { Alarm?: { name: string }[] };
    };
    expect(models.cloudwatch?.Alarm?.map((a) => a.name)).toEqual([
      expect.stringMatching(/^cluster-traps-ClusterHighCPUAlarm-/),
    ]);
  });

  it('describes change sets with Details, including changes caused by a replaced task definition', async () => {
    const cfn = new CloudFormationClient(awsClientConfig());
    await new ECSClient(awsClientConfig()).send(new CreateClusterCommand({ clusterName: 'cluster-cs' }));
    const subnets = await new EC2Client(awsClientConfig()).send(new DescribeSubnetsCommand({}));
    const subnet = subnets.Subnets?.[0]?.SubnetId ?? '';
    await cfn.send(
      new CreateStackCommand({ StackName: 'cs-web', TemplateBody: serviceTemplate('web:v1', subnet) }),
    );
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'cs-web',
        ChangeSetName: 'image-v2',
        ChangeSetType: 'UPDATE',
        TemplateBody: serviceTemplate('web:v2', subnet),
      }),
    );
    const described = await cfn.send(
      new DescribeChangeSetCommand({ StackName: 'cs-web', ChangeSetName: 'image-v2' }),
    );
    expect(described.Status).toBe('CREATE_COMPLETE');
    const changes = Object.fromEntries(
      (described.Changes ?? []).map((c) => [c.ResourceChange?.LogicalResourceId, c.ResourceChange]),
    );
    expect(changes.WebFamily?.Action).toBe('Modify');
    expect(changes.WebFamily?.PhysicalResourceId).toMatch(/task-definition\/WebFamily:1$/);
    expect(changes.WebFamily?.Details).toEqual([
      expect.objectContaining({
        ChangeSource: 'DirectModification',
        Target: expect.objectContaining({ Attribute: 'Properties', Name: 'ContainerDefinitions' }),
      }),
    ]);
    expect(changes.Web?.Details).toEqual([
      expect.objectContaining({
        ChangeSource: 'ResourceReference',
        CausingEntity: 'WebFamily',
        Target: expect.objectContaining({ Name: 'TaskDefinition' }),
      }),
    ]);
  });

  it.runIf(dockerTestsRequired())('mirrors a docker push to the ECR host into moto', async () => {
    const tb = testbed();
    expect(tb.dockerAvailable, 'CI=true needs Docker and the registry; see .testbed/logs/').toBe(true);
    const ecr = new ECRClient(awsClientConfig());
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'testbed/probe' }));
    const auth = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
    const proxyEndpoint = auth?.proxyEndpoint ?? '';
    const [user, password] = Buffer.from(auth?.authorizationToken ?? '', 'base64')
      .toString()
      .split(':');
    expect(proxyEndpoint).toBe(`https://${tb.registryHost}`);
    const login = run('docker', ['login', '-u', user ?? '', '--password-stdin', proxyEndpoint], password);
    expect(login.out).toContain('Login Succeeded');

    const context = mkdtempSync(join(tmpdir(), 'cloudlift-image-'));
    copyFileSync('/bin/busybox', join(context, 'busybox'));
    writeFileSync(
      join(context, 'Dockerfile'),
      'FROM scratch\nCOPY busybox /bin/busybox\nCMD ["/bin/busybox", "true"]\n',
    );
    const tag = `t${Date.now()}`;
    const image = `${new URL(proxyEndpoint).host}/testbed/probe:${tag}`;
    const build = run('docker', ['build', '-q', '-t', image, context]);
    expect(build.code, build.out).toBe(0);
    const push = run('docker', ['push', image]);
    expect(push.code, push.out).toBe(0);
    const pushedDigest = /digest: (sha256:[0-9a-f]{64})/.exec(push.out)?.[1];

    const images = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'testbed/probe', imageIds: [{ imageTag: tag }] }),
    );
    expect(images.imageDetails?.[0]?.imageTags).toContain(tag);
    expect(images.imageDetails?.[0]?.imageDigest).toBe(pushedDigest);
    run('docker', ['rmi', image]);
  });
});
