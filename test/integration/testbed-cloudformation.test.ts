// The testbed's CloudFormation fails and replaces the way AWS does (issue #12 items 4 and 7): unknown resource types
// and bad Fn::GetAtt are refused, change sets say Replacement True / Conditional / False from CloudFormation's
// provider schemas, executing a create-only change really replaces the resource, the ECS-optimized AMI parameters
// are JSON strings, and through the real CLI: update_service warns about a replacement only when the emulator says
// one happens, and create_environment works with the default AMI parameter.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListStackResourcesCommand,
  UpdateStackCommand,
  type ResourceChange,
} from '@aws-sdk/client-cloudformation';
import {
  AllocateAddressCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { appFolder, readyEnvironment } from '../support/service-fixture.js';
import { awsClientConfig, cliEnv, resetTestbed, seedAccount, testbed } from '../support/testbed.js';
import type { Seed } from '../support/testbed.js';

const environment = 'cfnrep';
let seed: Seed;
let network: { vpc: string; subnets: [string, string] };

const cfn = (): CloudFormationClient => new CloudFormationClient(awsClientConfig());
const elb = (): ElasticLoadBalancingV2Client => new ElasticLoadBalancingV2Client(awsClientConfig());
const ec2 = (): EC2Client => new EC2Client(awsClientConfig());

/** The message of the error `promise` rejects with (fails when it resolves). */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason as { name?: string; message?: string },
  );
  expect(error, 'the call was accepted').toBeDefined();
  expect(error?.name).toBe('ValidationError');
  return error?.message ?? '';
}

async function stackExists(stackName: string): Promise<boolean> {
  return cfn()
    .send(new DescribeStacksCommand({ StackName: stackName }))
    .then(
      () => true,
      () => false,
    );
}

/** logical id -> physical id of a stack's resources. */
async function physicalIds(stackName: string): Promise<Record<string, string>> {
  const listed = await cfn().send(new ListStackResourcesCommand({ StackName: stackName }));
  return Object.fromEntries(
    (listed.StackResourceSummaries ?? []).map((r) => [r.LogicalResourceId ?? '', r.PhysicalResourceId ?? '']),
  );
}

interface Shape {
  /** Port of the target group (create-only). */
  port?: number;
  /** Name and scheme of the load balancer (both create-only). */
  albName?: string;
  scheme?: string;
  /** CIDR of the group's inline rule (updated in place). */
  cidr?: string;
  /** Port of the standalone ingress rule (create-only). */
  ingressPort?: number;
  /** Tags of the target group (updated in place). */
  team?: string;
}

/** A dedicated-ALB service's load balancing, as cloudlift's service template builds it, in a test VPC. */
function balancingTemplate(name: string, shape: Shape = {}): string {
  const alb: Record<string, unknown> = {
    Name: shape.albName ?? `${name}Alb`,
    Subnets: network.subnets,
    SecurityGroups: [{ Ref: 'AlbGroup' }],
  };
  if (shape.scheme !== undefined) {
    alb.Scheme = shape.scheme;
  }
  return JSON.stringify({
    Parameters: { Vpc: { Type: 'String' } },
    Resources: {
      AlbGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: `${name}-alb`,
          VpcId: { Ref: 'Vpc' },
          SecurityGroupIngress: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: shape.cidr ?? '0.0.0.0/0' },
          ],
        },
      },
      AlbIngress: {
        Type: 'AWS::EC2::SecurityGroupIngress',
        Properties: {
          GroupId: { Ref: 'AlbGroup' },
          IpProtocol: 'tcp',
          FromPort: shape.ingressPort ?? 80,
          ToPort: shape.ingressPort ?? 80,
          CidrIp: '10.0.0.0/8',
        },
      },
      TargetGroup: {
        Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
        Properties: {
          Port: shape.port ?? 8080,
          Protocol: 'HTTP',
          VpcId: { Ref: 'Vpc' },
          HealthCheckPath: '/elb-check',
          Tags: [{ Key: 'Team', Value: shape.team ?? 'web' }],
        },
      },
      Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: alb },
      Listener: {
        Type: 'AWS::ElasticLoadBalancingV2::Listener',
        Properties: {
          LoadBalancerArn: { Ref: 'Alb' },
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: 'TargetGroup' } }],
        },
      },
      UnhealthyAlarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'UnHealthyHostCount',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Dimensions: [{ Name: 'LoadBalancer', Value: { 'Fn::GetAtt': ['Alb', 'LoadBalancerFullName'] } }],
        },
      },
    },
  });
}

const vpcParameter = () => [{ ParameterKey: 'Vpc', ParameterValue: network.vpc }];

async function createBalancing(stackName: string, shape: Shape = {}): Promise<void> {
  await cfn().send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: balancingTemplate(stackName, shape),
      Parameters: vpcParameter(),
    }),
  );
}

/** Creates a change set and returns its resource changes by logical id. */
async function changeSet(
  stackName: string,
  changeSetName: string,
  shape: Shape,
): Promise<Record<string, ResourceChange | undefined>> {
  await cfn().send(
    new CreateChangeSetCommand({
      StackName: stackName,
      ChangeSetName: changeSetName,
      ChangeSetType: 'UPDATE',
      TemplateBody: balancingTemplate(stackName, shape),
      Parameters: vpcParameter(),
    }),
  );
  const described = await cfn().send(
    new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }),
  );
  expect(described.Status).toBe('CREATE_COMPLETE');
  return Object.fromEntries(
    (described.Changes ?? []).map((c) => [c.ResourceChange?.LogicalResourceId ?? '', c.ResourceChange]),
  );
}

const cli = (args: string[], cwd: string) => runCli(args, { cwd, env: cliEnv() });

/** A service configuration with one web service `service` behind a dedicated ALB (names are per environment). */
function webConfig(service: string, http: Record<string, unknown> = {}, memory = 128) {
  return {
    notifications_arn: seed.snsTopicArn,
    services: {
      [service]: {
        command: null,
        memory_reservation: memory,
        http_interface: {
          internal: false,
          restrict_access_to: ['0.0.0.0/0'],
          container_port: 8080,
          alb_mode: 'dedicated',
          hostnames: [`${service.toLowerCase()}.example.com`],
          ...http,
        },
      },
    },
  };
}

/** create_service --yes of app `app` with `config`; returns its folder. */
async function createService(app: string, config: unknown): Promise<string> {
  const folder = appFolder(app, '');
  writeFileSync(join(folder, 'create.json'), JSON.stringify(config));
  const created = await cli(
    ['create_service', '-e', environment, '--name', app, '--config-file', 'create.json', '--yes'],
    folder,
  );
  expect(created.code, created.stderr).toBe(0);
  return folder;
}

/** update_service --yes with `config`; returns the CLI result. */
async function updateService(app: string, folder: string, config: unknown) {
  writeFileSync(join(folder, 'update.json'), JSON.stringify(config));
  return cli(
    ['update_service', '-e', environment, '--name', app, '--config-file', 'update.json', '--yes'],
    folder,
  );
}

/** The preview line of a resource (`~ modify  <id>  <type>  [REPLACED | may be replaced]`). */
function previewLine(stderr: string, logicalIdPattern: RegExp): string {
  return stderr.split('\n').find((line) => /~ modify/.test(line) && logicalIdPattern.test(line)) ?? '';
}

describe('testbed CloudFormation', () => {
  beforeAll(async () => {
    await resetTestbed();
    seed = await readyEnvironment(environment);
    const vpc = (await ec2().send(new CreateVpcCommand({ CidrBlock: '10.70.0.0/16' }))).Vpc?.VpcId ?? '';
    const subnet = async (cidr: string, zone: string) =>
      (
        await ec2().send(
          new CreateSubnetCommand({
            VpcId: vpc,
            CidrBlock: cidr,
            AvailabilityZone: `${testbed().region}${zone}`,
          }),
        )
      ).Subnet?.SubnetId ?? '';
    network = { vpc, subnets: [await subnet('10.70.1.0/24', 'a'), await subnet('10.70.2.0/24', 'b')] };
  });

  it('refuses an unknown resource type in CreateStack, CreateChangeSet and UpdateStack', async () => {
    const template = (type: string) =>
      JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' }, Typo: { Type: type } } });
    const wording = 'Template format error: Unrecognized resource types: [AWS::Foo::Bar]';
    expect(
      await refusal(
        cfn().send(
          new CreateStackCommand({ StackName: 'unknown-type', TemplateBody: template('AWS::Foo::Bar') }),
        ),
      ),
    ).toBe(wording);
    expect(await stackExists('unknown-type')).toBe(false);
    const fine = JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
    await cfn().send(new CreateStackCommand({ StackName: 'unknown-type-update', TemplateBody: fine }));
    expect(
      await refusal(
        cfn().send(
          new CreateChangeSetCommand({
            StackName: 'unknown-type-update',
            ChangeSetName: 'typo',
            ChangeSetType: 'UPDATE',
            TemplateBody: template('AWS::Foo::Bar'),
          }),
        ),
      ),
    ).toBe(wording);
    expect(
      await refusal(
        cfn().send(
          new UpdateStackCommand({
            StackName: 'unknown-type-update',
            TemplateBody: template('AWS::Foo::Bar'),
          }),
        ),
      ),
    ).toBe(wording);
    expect(
      await refusal(
        cfn().send(
          new CreateChangeSetCommand({
            StackName: 'unknown-type-new',
            ChangeSetName: 'typo',
            ChangeSetType: 'CREATE',
            TemplateBody: template('AWS::Foo::Bar'),
          }),
        ),
      ),
    ).toBe(wording);
    expect(await stackExists('unknown-type-new')).toBe(false);
  });

  it('refuses Fn::GetAtt on an attribute the type does not have, on moto models and stubbed types alike', async () => {
    const template = (type: string, properties: unknown, attribute: string) =>
      JSON.stringify({
        Resources: { Thing: { Type: type, Properties: properties } },
        Outputs: { Out: { Value: { 'Fn::GetAtt': ['Thing', attribute] } } },
      });
    const create = (stackName: string, body: string) =>
      cfn().send(new CreateStackCommand({ StackName: stackName, TemplateBody: body }));
    // moto implements the topic; the namespace is one of the testbed's stub models
    expect(await refusal(create('getatt-topic', template('AWS::SNS::Topic', {}, 'Endpoint')))).toBe(
      'Template error: resource Thing does not support attribute type Endpoint in Fn::GetAtt',
    );
    const namespace = { Name: 'getatt.local', Vpc: network.vpc };
    const stub = 'AWS::ServiceDiscovery::PrivateDnsNamespace';
    expect(await refusal(create('getatt-stub', template(stub, namespace, 'DnsName')))).toBe(
      'Template error: resource Thing does not support attribute type DnsName in Fn::GetAtt',
    );
    expect(await stackExists('getatt-stub')).toBe(false);
    await create('getatt-stub-ok', template(stub, namespace, 'HostedZoneId'));
    expect(await stackExists('getatt-stub-ok')).toBe(true);
  });

  it('says Replacement True, Conditional or False per resource, from the create-only properties', async () => {
    await createBalancing('replacement-kinds');
    // a create-only property (Port): the target group is replaced; the listener only follows its reference
    const port = await changeSet('replacement-kinds', 'port', { port: 9090 });
    expect(port.TargetGroup?.Replacement).toBe('True');
    expect(port.TargetGroup?.Details).toEqual([
      expect.objectContaining({
        ChangeSource: 'DirectModification',
        Evaluation: 'Static',
        Target: { Attribute: 'Properties', Name: 'Port', RequiresRecreation: 'Always' },
      }),
    ]);
    expect(port.Listener?.Replacement).toBe('False');
    expect(port.Listener?.Details).toEqual([
      {
        ChangeSource: 'ResourceReference',
        CausingEntity: 'TargetGroup',
        Evaluation: 'Dynamic',
        Target: { Attribute: 'Properties', Name: 'DefaultActions', RequiresRecreation: 'Never' },
      },
    ]);
    // the load balancer is replaced: the listener's create-only LoadBalancerArn may change (Conditional), the
    // alarm's dimension reads an attribute of it (ResourceAttribute) and is updated in place
    const scheme = await changeSet('replacement-kinds', 'scheme', {
      albName: 'replacement-kindsIn',
      scheme: 'internal',
    });
    expect(scheme.Alb?.Replacement).toBe('True');
    expect(scheme.Listener?.Replacement).toBe('Conditional');
    expect(scheme.Listener?.Details).toEqual([
      expect.objectContaining({
        ChangeSource: 'ResourceReference',
        CausingEntity: 'Alb',
        Evaluation: 'Dynamic',
        Target: { Attribute: 'Properties', Name: 'LoadBalancerArn', RequiresRecreation: 'Always' },
      }),
    ]);
    expect(scheme.UnhealthyAlarm?.Replacement).toBe('False');
    expect(scheme.UnhealthyAlarm?.Details?.[0]).toMatchObject({
      ChangeSource: 'ResourceAttribute',
      CausingEntity: 'Alb.LoadBalancerFullName',
    });
    // properties that are not create-only: in place
    const inPlace = await changeSet('replacement-kinds', 'in-place', { cidr: '10.1.0.0/16', team: 'shop' });
    expect(inPlace.AlbGroup?.Replacement).toBe('False');
    expect(inPlace.AlbGroup?.Details?.[0]?.Target).toEqual({
      Attribute: 'Properties',
      Name: 'SecurityGroupIngress',
      RequiresRecreation: 'Never',
    });
    expect(inPlace.TargetGroup?.Replacement).toBe('False');
    expect(inPlace.TargetGroup?.Details?.[0]?.Target).toMatchObject({
      Attribute: 'Tags',
      RequiresRecreation: 'Never',
    });
    expect(Object.keys(inPlace).sort()).toEqual(['AlbGroup', 'TargetGroup']);
  });

  it('replaces a resource whose create-only property changes (new physical id, the old one deleted)', async () => {
    await createBalancing('replacement-run');
    const before = await physicalIds('replacement-run');
    await changeSet('replacement-run', 'port', { port: 9090, ingressPort: 8443, cidr: '10.1.0.0/16' });
    await cfn().send(new ExecuteChangeSetCommand({ StackName: 'replacement-run', ChangeSetName: 'port' }));
    const after = await physicalIds('replacement-run');
    expect(after.TargetGroup).not.toBe(before.TargetGroup);
    expect(after.AlbIngress).toMatch(/^sgr-/);
    expect(after.AlbIngress).not.toBe(before.AlbIngress);
    expect(after.AlbGroup).toBe(before.AlbGroup); // an inline rule changes in place
    expect(after.Alb).toBe(before.Alb);
    const groups = await elb().send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [after.TargetGroup ?? ''] }),
    );
    expect(groups.TargetGroups?.[0]?.Port).toBe(9090);
    const listeners = await elb().send(new DescribeListenersCommand({ LoadBalancerArn: after.Alb }));
    expect(listeners.Listeners?.[0]?.DefaultActions?.[0]?.TargetGroupArn).toBe(after.TargetGroup);
    const old = await elb()
      .send(new DescribeTargetGroupsCommand({ TargetGroupArns: [before.TargetGroup ?? ''] }))
      .then(
        () => 'still there',
        (error: { name?: string }) => error.name,
      );
    expect(old).toBe('TargetGroupNotFoundException');
    const group = (await ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: [after.AlbGroup ?? ''] })))
      .SecurityGroups?.[0];
    const rules = (group?.IpPermissions ?? [])
      .map((p) => `${p.FromPort} ${(p.IpRanges ?? []).map((r) => r.CidrIp).join(',')}`)
      .sort();
    expect(rules).toEqual(['443 10.1.0.0/16', '8443 10.0.0.0/8']);
  });

  it('replaces a load balancer and its listener when the scheme changes, refusing the same custom name', async () => {
    await createBalancing('replacement-alb', { albName: 'ReplacementAlb' });
    const before = await physicalIds('replacement-alb');
    await changeSet('replacement-alb', 'same-name', { albName: 'ReplacementAlb', scheme: 'internal' });
    expect(
      await refusal(
        cfn().send(new ExecuteChangeSetCommand({ StackName: 'replacement-alb', ChangeSetName: 'same-name' })),
      ),
    ).toBe(
      'CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ReplacementAlb and update the stack again.',
    );
    expect(await physicalIds('replacement-alb')).toEqual(before);
    await changeSet('replacement-alb', 'renamed', { albName: 'ReplacementAlbInternal', scheme: 'internal' });
    await cfn().send(new ExecuteChangeSetCommand({ StackName: 'replacement-alb', ChangeSetName: 'renamed' }));
    const after = await physicalIds('replacement-alb');
    expect(after.Alb).not.toBe(before.Alb);
    expect(after.Listener).not.toBe(before.Listener);
    expect(after.TargetGroup).toBe(before.TargetGroup);
    const balancers = await elb().send(
      new DescribeLoadBalancersCommand({ Names: ['ReplacementAlbInternal'] }),
    );
    expect(balancers.LoadBalancers?.[0]?.Scheme).toBe('internal');
    const gone = await elb()
      .send(new DescribeLoadBalancersCommand({ Names: ['ReplacementAlb'] }))
      .then(
        () => 'still there',
        (error: { name?: string }) => error.name,
      );
    expect(gone).toBe('LoadBalancerNotFoundException');
  });

  it('answers the ECS-optimized AMI parameters with a JSON string, as AWS does', async () => {
    const ssm = new SSMClient(awsClientConfig());
    for (const os of ['amazon-linux-2', 'amazon-linux-2023']) {
      const name = `/aws/service/ecs/optimized-ami/${os}/recommended`;
      const value = (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
      expect(typeof value).toBe('string');
      const imageId = (JSON.parse(value ?? '{}') as { image_id?: string }).image_id;
      expect(imageId).toMatch(/^ami-[0-9a-f]+$/);
      const child = (await ssm.send(new GetParameterCommand({ Name: `${name}/image_id` }))).Parameter?.Value;
      expect(child).toBe(imageId);
    }
  });

  it('create_environment without --ami-ssm-parameter uses the recommended ECS AMI', async () => {
    const account = await seedAccount();
    const address = await ec2().send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const result = await runCli(
      [
        'create_environment', '-e', 'amidefault',
        '--env-region', testbed().region,
        '--vpc-cidr', '10.80.0.0/16',
        '--nat-eip-allocation-id', address.AllocationId ?? '',
        '--key-name', account.keyName,
        '--notifications-arn', account.snsTopicArn,
        '--ssl-certificate-arn', account.certificateArn,
        '--cluster-type', 'ondemand',
        '--yes',
      ],
      { env: cliEnv(), cwd: mkdtempSync(join(tmpdir(), 'cloudlift-amidefault-')) },
    ); // prettier-ignore
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Created environment amidefault/);
    const recommended = await new SSMClient(awsClientConfig()).send(
      new GetParameterCommand({
        Name: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
      }),
    );
    const versions = await ec2().send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'amidefault-LaunchTemplateOnDemand' }),
    );
    expect(versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId).toBe(
      recommended.Parameter?.Value,
    );
  });

  it('update_service warns that a container_port change replaces the target group, as the emulator says', async () => {
    const folder = await createService('portmove', webConfig('Moved'));
    const result = await updateService('portmove', folder, webConfig('Moved', { container_port: 9090 }));
    expect(result.code, result.stderr).toBe(0);
    expect(previewLine(result.stderr, /TargetGroupMoved\b/)).toMatch(
      /AWS::ElasticLoadBalancingV2::TargetGroup\s+REPLACED$/,
    );
    expect(result.stderr).toContain(
      '! downtime risk: the target group is replaced: requests fail until the new one has healthy targets',
    );
    expect(previewLine(result.stderr, /\bMoved\s+AWS::ECS::Service/)).not.toMatch(/REPLACED|may be replaced/);
    const ids = await physicalIds('portmove-cfnrep');
    const groups = await elb().send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [ids.TargetGroupMoved ?? ''] }),
    );
    expect(groups.TargetGroups?.[0]?.Port).toBe(9090);
  });

  it('update_service warns that an internal flip replaces the dedicated load balancer', async () => {
    const folder = await createService('flip', webConfig('Flipped'));
    const before = await physicalIds('flip-cfnrep');
    const result = await updateService('flip', folder, webConfig('Flipped', { internal: true }));
    expect(result.code, result.stderr).toBe(0);
    expect(previewLine(result.stderr, /\bALBFlipped\b/)).toMatch(/REPLACED$/);
    expect(result.stderr).toContain(
      '! downtime risk: the load balancer is replaced: its DNS name changes, so DNS records pointing to it break',
    );
    const after = await physicalIds('flip-cfnrep');
    expect(after.ALBFlipped).not.toBe(before.ALBFlipped);
    const balancers = await elb().send(
      new DescribeLoadBalancersCommand({ LoadBalancerArns: [after.ALBFlipped ?? ''] }),
    );
    expect(balancers.LoadBalancers?.[0]?.Scheme).toBe('internal');
  });

  it('update_service shows no replacement warning for a change made in place', async () => {
    const folder = await createService('inplace', webConfig('Kept'));
    const result = await updateService(
      'inplace',
      folder,
      webConfig('Kept', { health_check_path: '/ready' }, 256),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/~ modify\s+TargetGroupKept/);
    expect(result.stderr).not.toContain('downtime risk');
    expect(previewLine(result.stderr, /TargetGroupKept\b/)).not.toMatch(/REPLACED|may be replaced/);
    expect(previewLine(result.stderr, /\bKept\s+AWS::ECS::Service/)).not.toMatch(/REPLACED|may be replaced/);
  });
});
