// Every golden environment template created as a real stack in the testbed: CREATE_COMPLETE, the outputs the
// service template and scripts read, and the exports. The golden inputs get this account's EIP, certificate, topic,
// key pair and region; the existing-VPC case gets a VPC and subnets made here first.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEnvironmentConfig } from '../../src/core/config/environment.js';
import { environmentTemplate } from '../../src/cdk/templates.js';
import { environmentCases, readEnvironmentInput } from '../golden/environment-cases.js';
import { awsClientConfig, resetTestbed, seedAccount, testbed } from '../support/testbed.js';
import type { Seed } from '../support/testbed.js';
import { createStackDirectly } from '../support/service-fixture.js';

let seed: Seed;

async function ec2() {
  const sdk = await import('@aws-sdk/client-ec2');
  return { sdk, client: new sdk.EC2Client(awsClientConfig()) };
}

/** A VPC with the given number of public and private subnets, for the existing-VPC case. */
async function existingVpc(publicCount: number, privateCount: number) {
  const { sdk, client } = await ec2();
  const region = testbed().region;
  const vpc = await client.send(new sdk.CreateVpcCommand({ CidrBlock: '10.99.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId ?? '';
  const subnet = async (index: number) => {
    const created = await client.send(
      new sdk.CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.99.${index * 4}.0/22`,
        AvailabilityZone: `${region}${index % 2 === 0 ? 'a' : 'b'}`,
      }),
    );
    return created.Subnet?.SubnetId ?? '';
  };
  const publicIds = [];
  for (let index = 0; index < publicCount; index += 1) {
    publicIds.push(await subnet(index));
  }
  const privateIds = [];
  for (let index = 0; index < privateCount; index += 1) {
    privateIds.push(await subnet(publicCount + index));
  }
  return { vpcId, publicIds, privateIds };
}

/** The golden document with this account's resources in place of the fixed ids. */
async function localDocument(name: string): Promise<Record<string, unknown>> {
  const document = structuredClone(readEnvironmentInput(name).config) as Record<
    string,
    Record<string, unknown>
  >;
  const { sdk, client } = await ec2();
  document.region = testbed().region as unknown as Record<string, unknown>;
  document.environment = { notifications_arn: seed.snsTopicArn, ssl_certificate_arn: seed.certificateArn };
  if (typeof document.cluster?.key_name === 'string') {
    document.cluster.key_name = seed.keyName;
  }
  if (typeof document.cluster?.ami_id === 'string' && document.cluster.ami_id !== 'None') {
    document.cluster.ami_id = seed.amiParameter;
  }
  const vpc = document.vpc as Record<string, Record<string, Record<string, { id?: string }>>>;
  if (document.vpc?.create_new === false) {
    const sides = vpc.subnets ?? {};
    const made = await existingVpc(
      Object.keys(sides.public ?? {}).length,
      Object.keys(sides.private ?? {}).length,
    );
    document.vpc.id = made.vpcId;
    Object.keys(sides.public ?? {}).forEach(
      (key, index) => ((sides.public ?? {})[key] = { id: made.publicIds[index] }),
    );
    Object.keys(sides.private ?? {}).forEach(
      (key, index) => ((sides.private ?? {})[key] = { id: made.privateIds[index] }),
    );
  } else {
    // One Elastic IP per NAT gateway, as AWS requires.
    const address = await client.send(new sdk.AllocateAddressCommand({ Domain: 'vpc' }));
    (document.vpc as Record<string, unknown>)['nat-gateway'] = {
      'elastic-ip-allocation-id': address.AllocationId,
    };
  }
  return document;
}

async function exportNames(): Promise<Map<string, string>> {
  const cfn = await import('@aws-sdk/client-cloudformation');
  const answer = await new cfn.CloudFormationClient(awsClientConfig()).send(new cfn.ListExportsCommand({}));
  return new Map((answer.Exports ?? []).map((item) => [item.Name ?? '', item.Value ?? '']));
}

describe('golden environment templates as stacks', () => {
  beforeAll(async () => {
    await resetTestbed();
    seed = await seedAccount();
  });

  it.each(environmentCases())('%s creates CREATE_COMPLETE with its outputs and exports', async (name) => {
    const { environment, facts } = readEnvironmentInput(name);
    const document = await localDocument(name);
    const region = testbed().region;
    const template = environmentTemplate(parseEnvironmentConfig(environment, document), {
      ...facts,
      environment,
      availabilityZones: [`${region}a`, `${region}b`],
      amiId: 'ami-12c6146b',
    });
    const result = await createStackDirectly(`cluster-${environment}`, template, {
      Environment: environment,
      ...(template.Parameters?.KeyPair === undefined ? {} : { KeyPair: seed.keyName }),
    });
    expect(result.status, result.reasons.join(' | ')).toBe('CREATE_COMPLETE');
    expect(Object.keys(result.outputs).sort()).toEqual(Object.keys(template.Outputs ?? {}).sort());
    expect(result.outputs.VPC).toMatch(/^vpc-/);
    for (const output of ['PrivateSubnet1', 'PrivateSubnet2', 'PublicSubnet1', 'PublicSubnet2']) {
      expect(result.outputs[output]).toMatch(/^subnet-/);
    }
    expect(result.outputs.SecurityGroupEC2Host).toMatch(/^sg-/);
    expect(result.outputs.InternalALB1ARN).toMatch(/^arn:aws:elasticloadbalancing:.*:loadbalancer\/app\//);
    expect(result.outputs.ListenerHTTPSPublic1ARN).toMatch(/^arn:aws:elasticloadbalancing:.*:listener\//);
    const exported = await exportNames();
    expect(exported.get(`${environment}Ec2Host`)).toBe(result.outputs.SecurityGroupEC2Host);
    expect(exported.get(`${environment}Cloudmap`)).toBe(result.outputs.CloudmapId);
    if (document.vpc && (document.vpc as Record<string, unknown>).create_new === false) {
      expect(result.outputs.VPC).toBe((document.vpc as Record<string, unknown>).id);
    }
  });
});
