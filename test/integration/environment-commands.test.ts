// create_environment and update_environment through the real CLI against the testbed: flags only (no terminal),
// pre-flight checks that stop bad input before anything is written, the stored record in the original's layout,
// the created stack, and updates: nothing to change, then a changed instance count previewed and applied.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { awsClientConfig, cliEnv, resetTestbed, seedAccount, testbed } from '../support/testbed.js';
import type { Seed } from '../support/testbed.js';

let seed: Seed;
const work = mkdtempSync(join(tmpdir(), 'cloudlift-environment-'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions walk the stored JSON freely
async function storedItem(environment: string): Promise<Record<string, any> | undefined> {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient, GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));
  try {
    const result = await documents.send(
      new GetCommand({ TableName: 'environment_configurations', Key: { environment }, ConsistentRead: true }),
    );
    return result.Item;
  } catch {
    return undefined; // no table yet
  }
}

async function stack(name: string) {
  const cfn = await import('@aws-sdk/client-cloudformation');
  const client = new cfn.CloudFormationClient(awsClientConfig());
  try {
    return (await client.send(new cfn.DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  } catch {
    return undefined;
  }
}

async function allocateEip(): Promise<string> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const answer = await new ec2.EC2Client(awsClientConfig()).send(
    new ec2.AllocateAddressCommand({ Domain: 'vpc' }),
  );
  return answer.AllocationId ?? '';
}

/** The flags that answer every question without a default. */
function requiredFlags(eip: string): string[] {
  return [
    '--env-region', testbed().region,
    '--vpc-cidr', '10.30.0.0/16',
    '--nat-eip-allocation-id', eip,
    '--key-name', seed.keyName,
    '--ami-ssm-parameter', seed.amiParameter,
    '--notifications-arn', seed.snsTopicArn,
    '--ssl-certificate-arn', seed.certificateArn,
  ]; // prettier-ignore
}

beforeAll(async () => {
  await resetTestbed();
  seed = await seedAccount();
});

describe('create_environment', () => {
  it('creates the stack from flags alone, after saving the configuration in the original layout', async () => {
    const eip = await allocateEip();
    const result = await runCli(
      ['create_environment', '-e', 'staging', ...requiredFlags(eip), '--cluster-type', 'ondemand', '--max-instances', '2'],
      { env: cliEnv() },
    ); // prettier-ignore
    expect(result.stderr).toMatch(/Created environment staging/);
    expect(result.code).toBe(0);
    // The next steps in workflow order: create_service refuses an app whose env.sample keys are not set yet.
    const next = result.stderr.slice(result.stderr.indexOf('Next:'));
    expect(next).toMatch(
      /cloudlift edit_config -e staging --set KEY=VALUE[^\n]*\n[^\n]*cloudlift create_service -e staging/,
    );
    expect((await stack('cluster-staging'))?.StackStatus).toBe('CREATE_COMPLETE');
    const item = await storedItem('staging');
    expect(item?.configuration.cloudlift_version).toBe('2.1.1');
    expect(item?.configuration.staging.cluster).toMatchObject({
      min_instances: 1,
      max_instances: 2,
      spot_min_instances: 0,
      instance_type: 't2.micro',
      key_name: seed.keyName,
      ecs_instance_default_lifecycle_type: 'ondemand',
    });
    expect(item?.configuration.staging.vpc.subnets.private['subnet-2']).toEqual({ cidr: '10.30.12.0/22' });
  });

  it('refuses to create an environment whose stack exists, naming update_environment', async () => {
    const result = await runCli(['create_environment', '-e', 'staging', '--yes'], { env: cliEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cluster-staging already exists/);
    expect(result.stderr).toMatch(/cloudlift update_environment -e staging/);
  });

  it('creates a Fargate-only environment in an existing VPC from a config file', async () => {
    const ec2 = await import('@aws-sdk/client-ec2');
    const client = new ec2.EC2Client(awsClientConfig());
    const vpcId =
      (await client.send(new ec2.CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc?.VpcId ?? '';
    const subnet = async (index: number, zone: string) =>
      (
        await client.send(
          new ec2.CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.60.${index * 4}.0/22`, AvailabilityZone: `${testbed().region}${zone}` }),
        )
      ).Subnet?.SubnetId ?? ''; // prettier-ignore
    const ids = [await subnet(0, 'a'), await subnet(1, 'b'), await subnet(2, 'a'), await subnet(3, 'b')];
    const document = {
      region: testbed().region,
      vpc: {
        create_new: false,
        id: vpcId,
        subnets: {
          public: { 'subnet-1': { id: ids[0] }, 'subnet-2': { id: ids[1] } },
          private: { 'subnet-1': { id: ids[2] }, 'subnet-2': { id: ids[3] } },
        },
      },
      cluster: { type: 'fargate' },
      environment: { notifications_arn: seed.snsTopicArn, ssl_certificate_arn: seed.certificateArn },
    };
    writeFileSync(join(work, 'sandbox.json'), JSON.stringify(document));
    const result = await runCli(
      ['create_environment', '-e', 'sandbox', '--config-file', 'sandbox.json', '--yes'],
      {
        env: cliEnv(),
        cwd: work,
      },
    );
    expect(result.stderr).toMatch(/Created environment sandbox/);
    expect(result.code).toBe(0);
    const created = await stack('cluster-sandbox');
    expect(created?.Outputs?.find((output) => output.OutputKey === 'VPC')?.OutputValue).toBe(vpcId);
    expect(created?.Parameters?.some((parameter) => parameter.ParameterKey === 'KeyPair')).toBe(false);
  });
});

// Each bad input fails with one clear error before anything is written: no record, no stack.
const badInputs: [string, (eip: string) => string[], RegExp][] = [
  ['an unparsable VPC CIDR', (eip) => [...requiredFlags(eip), '--vpc-cidr', '10.30.0.0'], /--vpc-cidr 10\.30\.0\.0: "10\.30\.0\.0" is not a CIDR block/],
  ['a subnet outside the VPC', (eip) => [...requiredFlags(eip), '--public-subnet-1-cidr', '10.99.0.0/22'], /--public-subnet-1-cidr 10\.99\.0\.0\/22: 10\.99\.0\.0\/22 is not inside the VPC 10\.30\.0\.0\/16$/m],
  ['overlapping subnets', (eip) => [...requiredFlags(eip), '--private-subnet-1-cidr', '10.30.0.0/24'], /private\.subnet-1\.cidr: 10\.30\.0\.0\/24 overlaps bad\.vpc\.subnets\.public\.subnet-1\.cidr/],
  ['min above max', (eip) => [...requiredFlags(eip), '--cluster-type', 'ondemand', '--min-instances', '4', '--max-instances', '2'], /bad\.cluster\.max_instances: 2 is less than min_instances \(4\)/],
  ['an unknown region', (eip) => [...requiredFlags(eip), '--env-region', 'mars-1'], /--env-region mars-1: "mars-1" is not an AWS region code/],
  ['a bad instance type', (eip) => [...requiredFlags(eip), '--instance-types', 't3.mciro'], /Invalid instance type: t3\.mciro/],
  ['a missing certificate', (eip) => [...requiredFlags(eip), '--ssl-certificate-arn', `arn:aws:acm:${testbed().region}:${testbed().accountId}:certificate/00000000-0000-0000-0000-000000000000`], /Pre-flight check failed: bad\.environment\.ssl_certificate_arn: certificate .* does not exist/],
  ['a missing SNS topic', (eip) => [...requiredFlags(eip), '--notifications-arn', `arn:aws:sns:${testbed().region}:${testbed().accountId}:nobody`], /bad\.environment\.notifications_arn: SNS topic .*:nobody does not exist/],
  ['a missing key pair', (eip) => [...requiredFlags(eip), '--key-name', 'no-such-key'], /bad\.cluster\.key_name: key pair no-such-key does not exist/],
  ['a missing Elastic IP', (eip) => [...requiredFlags(eip), '--nat-eip-allocation-id', 'eipalloc-0123456789abcdef0'], /elastic-ip-allocation-id: Elastic IP eipalloc-0123456789abcdef0 does not exist/],
  ['a missing AMI parameter', (eip) => [...requiredFlags(eip), '--ami-ssm-parameter', '/no/such/ami'], /bad\.cluster\.ami_id: SSM parameter \/no\/such\/ami does not exist/],
  ['a missing answer without a terminal', (eip) => requiredFlags(eip).filter((flag, index, all) => flag !== '--key-name' && all[index - 1] !== '--key-name'), /without a terminal: missing --key-name$/m],
  ['several missing answers with --yes (all named in one error)', () => ['--yes', '--env-region', testbed().region], /without a terminal: missing --vpc-cidr, --nat-eip-allocation-id, --key-name, --notifications-arn, --ssl-certificate-arn$/m],
  ['a config file and question flags for a new environment', () => ['--config-file', 'invalid.json', '--vpc-cidr', '10.40.0.0/16', '--key-name', 'k'], /--config-file and --vpc-cidr, --key-name both describe the new environment bad; give one or the other/],
  ['a bad cluster type', (eip) => [...requiredFlags(eip), '--cluster-type', 'k8s'], /--cluster-type k8s: "k8s" is not one of ondemand, spot, both, fargate/],
  ['a certificate in another region', (eip) => [...requiredFlags(eip), '--ssl-certificate-arn', 'arn:aws:acm:eu-west-3:123456789012:certificate/abc'], /ssl_certificate_arn: is in eu-west-3, but load balancers need a certificate in the environment region/],
  ['an invalid config file', () => ['--config-file', 'invalid.json'], /Invalid environment configuration: bad\.cluster\.instance_type: "m5\.huge" is not an EC2 instance type/],
  // Built from flags: the hint names the flags that wrote the bad fields, not a file the user never saw.
  ['flags that make an invalid configuration', (eip) => [...requiredFlags(eip), '--min-instances', '5', '--max-instances', '2', '--private-subnet-1-cidr', '10.30.0.0/24'], /→ These values came from the flags \(and their defaults\): change --private-subnet-1-cidr, --public-subnet-1-cidr, --max-instances and run the command again\. Nothing was written\.$/m],
]; // prettier-ignore

describe('create_environment with bad input', () => {
  beforeAll(() => {
    writeFileSync(
      join(work, 'invalid.json'),
      JSON.stringify({
        region: testbed().region,
        vpc: {
          cidr: '10.40.0.0/16',
          'nat-gateway': { 'elastic-ip-allocation-id': 'eipalloc-0123456789abcdef0' },
          subnets: {
            public: { 'subnet-1': { cidr: '10.40.0.0/22' }, 'subnet-2': { cidr: '10.40.4.0/22' } },
            private: { 'subnet-1': { cidr: '10.40.8.0/22' }, 'subnet-2': { cidr: '10.40.12.0/22' } },
          },
        },
        cluster: { min_instances: 1, max_instances: 2, instance_type: 'm5.huge', key_name: 'k' },
        environment: { notifications_arn: seed.snsTopicArn, ssl_certificate_arn: seed.certificateArn },
      }),
    );
  });

  it.each(badInputs)('fails on %s, creating nothing', async (_name, flags, message) => {
    const eip = await allocateEip();
    const result = await runCli(['create_environment', '-e', 'bad', ...flags(eip)], {
      env: cliEnv(),
      cwd: work,
    });
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('✘'))).toHaveLength(1);
    expect(await storedItem('bad')).toBeUndefined();
    expect(await stack('cluster-bad')).toBeUndefined();
  });
});

describe('update_environment', () => {
  it('reports no changes when the stack matches the configuration', async () => {
    const result = await runCli(['update_environment', '-e', 'staging', '--yes'], { env: cliEnv() });
    expect(result.code).toBe(0);
    // Said once, by the stack engine (callers must not add their own "nothing to update" line).
    expect(
      result.stderr
        .split('\n')
        .filter((line) => /up to date|nothing to update|already matches|no changes/i.test(line)),
    ).toEqual(['✔ No changes to cluster-staging (environment staging): it is up to date.']);
  });

  it('refuses --edit together with --config-file instead of ignoring --edit', async () => {
    const result = await runCli(
      ['update_environment', '-e', 'staging', '--edit', '--config-file', 'x.json', '--yes'],
      {
        env: cliEnv(),
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '✘ --edit and --config-file both give the new configuration; give one or the other',
    );
  });

  it('--edit without a terminal or editor names the file round trip through show_environment', async () => {
    const result = await runCli(['update_environment', '-e', 'staging', '--edit'], {
      env: { ...cliEnv(), VISUAL: undefined, EDITOR: undefined },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No editor to open');
    expect(result.stderr).toContain(
      '`cloudlift show_environment -e staging > staging.json`, change that file, then ' +
        '`cloudlift update_environment -e staging --config-file staging.json`',
    );
  });

  it('updates the ECS agent of every host of the fleet, then finds nothing to change; a second run finds them up to date', async () => {
    // the fleet's host joined cluster-staging through the testbed's emulated ECS agent (an older agent version)
    const run = () =>
      runCli(['update_environment', '-e', 'staging', '--update_ecs_agents', '--yes'], { env: cliEnv() });
    const result = await run();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/container-instance\/cluster-staging\/\S+: update started/);
    expect(result.stderr).toMatch(/ECS agents updated \(\d+ of \d+\)/);
    expect(result.stderr).toMatch(/No changes to cluster-staging/);
    const again = await run();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/container-instance\/cluster-staging\/\S+: already up to date/);
    expect(again.stderr).not.toContain('update started');
  });

  it('previews and applies a changed instance count, keeping the running size (Appendix A #18)', async () => {
    const autoscaling = await import('@aws-sdk/client-auto-scaling');
    const scaling = new autoscaling.AutoScalingClient(awsClientConfig());
    const group = (await stack('cluster-staging'))?.Outputs?.find(
      (o) => o.OutputKey === 'AutoScalingGroupOnDemand',
    )?.OutputValue;
    await scaling.send(
      new autoscaling.SetDesiredCapacityCommand({ AutoScalingGroupName: group, DesiredCapacity: 2 }),
    );
    const item = await storedItem('staging');
    const document = structuredClone(item?.configuration.staging);
    document.cluster.max_instances = 3;
    writeFileSync(join(work, 'staging.json'), JSON.stringify(document));
    const result = await runCli(
      ['update_environment', '-e', 'staging', '--config-file', 'staging.json', '--yes'],
      {
        env: cliEnv(),
        cwd: work,
      },
    );
    expect(result.stderr).toMatch(/cluster\.max_instances/); // the configuration diff
    expect(result.stderr).toMatch(/OnDemandMaxSize: 2 → 3/); // the change-set preview
    expect(result.code).toBe(0);
    expect((await storedItem('staging'))?.configuration.staging.cluster.max_instances).toBe(3);
    const updated = await stack('cluster-staging');
    expect(updated?.StackStatus).toBe('UPDATE_COMPLETE');
    expect(updated?.Outputs?.find((output) => output.OutputKey === 'MaxInstances')?.OutputValue).toBe('3');
    // moto may re-create the group on update; whichever group the stack now has must have kept the running size.
    const current =
      updated?.Outputs?.find((o) => o.OutputKey === 'AutoScalingGroupOnDemand')?.OutputValue ?? '';
    const groups = await scaling.send(
      new autoscaling.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [current] }),
    );
    expect(groups.AutoScalingGroups?.[0]?.DesiredCapacity).toBe(2);
  });

  it('warns when the running size no longer fits the fleet and the update lowers it to the new maximum', async () => {
    const document = structuredClone((await storedItem('staging'))?.configuration.staging);
    document.cluster.max_instances = 1; // the on-demand group runs 2 (previous test)
    writeFileSync(join(work, 'staging-smaller.json'), JSON.stringify(document));
    const result = await runCli(
      ['update_environment', '-e', 'staging', '--config-file', 'staging-smaller.json', '--yes'],
      { env: cliEnv(), cwd: work },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      'The running on-demand fleet (desired capacity 2) is above cluster.max_instances (1): ' +
        'AutoScalingGroupOnDemand gets desired capacity 1, the fleet maximum.',
    );
  });

  it('refuses an environment that was never created', async () => {
    const result = await runCli(['update_environment', '-e', 'nowhere', '--yes'], { env: cliEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Environment "nowhere" not found/);
  });
});
