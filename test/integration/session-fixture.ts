// The world the shell-access tests run in, built in the moto testbed: environment `staging`, cluster-staging with two
// registered EC2 container instances, IAM users with and without an MFA device, and two apps:
// * `shop` (stack shop-staging, outputs only): Web runs two tasks on the two EC2 hosts, Fg one Fargate task, Worker
//   none — task discovery is what ECS reports, no ECS service needed;
// * `api` (stack api-staging, real ECS services through CloudFormation): Api with one task run by the testbed's
//   scheduler, Idle with desired count 0, Shell with ECS Exec enabled and one task (started without it, as moto does).
// It also writes a stand-in `session-manager-plugin` (the real one is not installable here) that records its
// arguments, environment and stdin into a JSON file.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeSubnetsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StartTaskCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import type { CliResult } from '../support/cli.js';
import { cliPath } from '../support/cli.js';
import { saveEnvironmentRecord } from '../support/stored-config.js';
import { awsClientConfig, testbed, waitUntil } from '../support/testbed.js';

export const environment = 'staging';
export const cluster = 'cluster-staging';
export const shopServices = {
  Web: 'shop-staging-Web-1A2B3C',
  Worker: 'shop-staging-Worker-4D5E6F',
  Fg: 'shop-staging-Fg-7G8H9I',
} as const;
export const mfaSerial = 'arn:aws:iam::123456789012:mfa/moto-phone';

/** What the fixture created. */
export interface World {
  scratch: string;
  /** Folder holding the stand-in plugin; put it first on PATH. */
  pluginDir: string;
  /** Where the stand-in writes what it was started with. */
  pluginRecord: string;
  /** EC2 instance ids of the two container instances, in registration order. */
  instanceIds: string[];
  /** Long-term keys of IAM user `nodevice`, who has no MFA device. */
  noDeviceKeys: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string };
  /** The ECS service name CloudFormation gave `Api`, and the id of its running task. */
  apiService: string;
  apiTaskId: string;
  /** The same for `Shell`, created with EnableExecuteCommand (the testbed reports it; its tasks never have it). */
  shellService: string;
  shellTaskId: string;
}

/** What the stand-in plugin recorded. */
export interface PluginRecord {
  args: string[];
  env: Record<string, string>;
  stdin: string;
}

function writeStandInPlugin(folder: string, record: string): void {
  const script = join(folder, 'session-manager-plugin');
  writeFileSync(
    script,
    [
      `#!${process.execPath}`,
      '// Stand-in for AWS session-manager-plugin (not installable on this machine): records how it was started.',
      "const fs = require('node:fs');",
      "let stdin = 'unknown';",
      "try { stdin = fs.readlinkSync('/proc/self/fd/0'); } catch {}",
      `fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args: process.argv.slice(2), env: process.env, stdin }));`,
    ].join('\n'),
  );
  chmodSync(script, 0o755);
}

/** IAM user `moto` (whom moto's test keys sign in as) with a virtual MFA device; `nodevice` without one. */
async function createUsers(): Promise<World['noDeviceKeys']> {
  const iam = new IAMClient(awsClientConfig());
  await iam.send(new CreateUserCommand({ UserName: 'moto' }));
  const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'moto-phone' }));
  await iam.send(
    new EnableMFADeviceCommand({
      UserName: 'moto',
      SerialNumber: device.VirtualMFADevice?.SerialNumber ?? mfaSerial,
      AuthenticationCode1: '123456',
      AuthenticationCode2: '654321',
    }),
  );
  await iam.send(new CreateUserCommand({ UserName: 'nodevice' }));
  const keys = await iam.send(new CreateAccessKeyCommand({ UserName: 'nodevice' }));
  return {
    AWS_ACCESS_KEY_ID: keys.AccessKey?.AccessKeyId ?? '',
    AWS_SECRET_ACCESS_KEY: keys.AccessKey?.SecretAccessKey ?? '',
  };
}

/** Two EC2 hosts registered in the cluster; Web's two tasks start on them, Fg's task on Fargate. */
async function createShop(ecs: ECSClient): Promise<string[]> {
  const ec2 = new EC2Client(awsClientConfig());
  const hosts: { instanceId: string; arn: string }[] = [];
  for (let index = 0; index < 2; index += 1) {
    const run = await ec2.send(
      new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }),
    );
    const instanceId = run.Instances?.[0]?.InstanceId ?? '';
    const document = JSON.stringify({ instanceId, region: testbed().region, accountId: testbed().accountId });
    const registered = await ecs.send(
      new RegisterContainerInstanceCommand({ cluster, instanceIdentityDocument: document }),
    );
    hosts.push({ instanceId, arn: registered.containerInstance?.containerInstanceArn ?? '' });
  }
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'WebFamily',
      containerDefinitions: [{ name: 'WebContainer', image: 'busybox', memory: 128 }],
    }),
  );
  for (const host of hosts) {
    await ecs.send(
      new StartTaskCommand({
        cluster,
        taskDefinition: 'WebFamily',
        containerInstances: [host.arn],
        group: `service:${shopServices.Web}`,
      }),
    );
  }
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'FgFamily',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'FgContainer', image: 'busybox', memory: 256 }],
    }),
  );
  const subnets = await ec2.send(new DescribeSubnetsCommand({}));
  await ecs.send(
    new RunTaskCommand({
      cluster,
      taskDefinition: 'FgFamily',
      launchType: 'FARGATE',
      group: `service:${shopServices.Fg}`,
      networkConfiguration: {
        awsvpcConfiguration: { subnets: [subnets.Subnets?.[0]?.SubnetId ?? ''], securityGroups: [] },
      },
    }),
  );
  const outputs = Object.fromEntries(
    Object.entries(shopServices).map(([component, name]) => [`${component}EcsServiceName`, { Value: name }]),
  );
  await new CloudFormationClient(awsClientConfig()).send(
    new CreateStackCommand({
      StackName: 'shop-staging',
      TemplateBody: JSON.stringify({
        Resources: { Marker: { Type: 'AWS::SNS::Topic' } },
        Outputs: { ...outputs, StackName: { Value: { Ref: 'AWS::StackName' } } },
      }),
    }),
  );
  return hosts.map((host) => host.instanceId);
}

/** The api app: real ECS services created by CloudFormation, one running task (from the testbed's scheduler). */
async function createApi(
  ecs: ECSClient,
): Promise<Pick<World, 'apiService' | 'apiTaskId' | 'shellService' | 'shellTaskId'>> {
  const role = await new IAMClient(awsClientConfig()).send(
    new CreateRoleCommand({ RoleName: 'api-staging-ApiRole', AssumeRolePolicyDocument: '{}' }),
  );
  const service = (desired: number, exec = false) => ({
    Type: 'AWS::ECS::Service',
    Properties: {
      Cluster: cluster,
      TaskDefinition: { Ref: 'ApiTaskDefinition' },
      DesiredCount: desired,
      LaunchType: 'EC2',
      ...(exec ? { EnableExecuteCommand: true } : {}),
    },
  });
  const cfn = new CloudFormationClient(awsClientConfig());
  await cfn.send(
    new CreateStackCommand({
      StackName: 'api-staging',
      TemplateBody: JSON.stringify({
        Resources: {
          ApiTaskDefinition: {
            Type: 'AWS::ECS::TaskDefinition',
            Properties: {
              Family: 'ApiFamily',
              TaskRoleArn: role.Role?.Arn,
              ContainerDefinitions: [
                { Name: 'ApiContainer', Image: 'busybox', Memory: 128, Essential: true },
              ],
            },
          },
          Api: service(1),
          Idle: service(0),
          Shell: service(1, true),
        },
        Outputs: {
          ApiEcsServiceName: { Value: { 'Fn::GetAtt': ['Api', 'Name'] } },
          IdleEcsServiceName: { Value: { 'Fn::GetAtt': ['Idle', 'Name'] } },
          ShellEcsServiceName: { Value: { 'Fn::GetAtt': ['Shell', 'Name'] } },
        },
      }),
    }),
  );
  const stack = await cfn.send(new DescribeStacksCommand({ StackName: 'api-staging' }));
  const apiService = stack.Stacks?.[0]?.Outputs?.find(
    (output) => output.OutputKey === 'ApiEcsServiceName',
  )?.OutputValue;
  if (apiService === undefined) {
    throw new Error('api-staging has no ApiEcsServiceName output');
  }
  const output = (key: string): string =>
    stack.Stacks?.[0]?.Outputs?.find((candidate) => candidate.OutputKey === key)?.OutputValue ?? '?';
  const runningTask = (name: string) =>
    waitUntil(`a RUNNING task of ${name}`, async () => {
      const listed = await ecs.send(new ListTasksCommand({ cluster, serviceName: name }));
      if ((listed.taskArns ?? []).length === 0) {
        return undefined;
      }
      const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }));
      return described.tasks
        ?.find((task) => task.lastStatus === 'RUNNING')
        ?.taskArn?.split('/')
        .pop();
    });
  const shellService = output('ShellEcsServiceName');
  return {
    apiService,
    apiTaskId: await runningTask(apiService),
    shellService,
    shellTaskId: await runningTask(shellService),
  };
}

/** Builds the world (call after resetTestbed()). */
export async function buildWorld(): Promise<World> {
  const scratch = mkdtempSync(join(tmpdir(), 'cloudlift-session-'));
  const pluginDir = join(scratch, 'bin');
  const pluginRecord = join(scratch, 'plugin-record.json');
  mkdirSync(pluginDir);
  writeStandInPlugin(pluginDir, pluginRecord);
  await saveEnvironmentRecord(environment, { region: testbed().region });
  const noDeviceKeys = await createUsers();
  const ecs = new ECSClient(awsClientConfig());
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const instanceIds = await createShop(ecs);
  const api = await createApi(ecs);
  return { scratch, pluginDir, pluginRecord, instanceIds, noDeviceKeys, ...api };
}

/** PATH with the stand-in plugin first (`withPlugin`), or a PATH on which no plugin can be found. */
export function pathFor(world: World, withPlugin: boolean): string {
  const system = ['/usr/local/bin', '/usr/bin', '/bin', dirname(process.execPath)].join(':');
  return withPlugin ? `${world.pluginDir}:${system}` : system;
}

function quote(argument: string): string {
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** Typed into the terminal once the output shows `when` (a prompt). */
export interface TerminalAnswer {
  when: string;
  send: string;
}

/**
 * Runs the built CLI inside a pseudo-terminal (util-linux `script`), the way a person at a terminal runs it: stdin
 * and stdout are a TTY. stdout and stderr arrive together on the terminal, so both fields hold the whole output.
 * `answers` are typed when their prompt appears; stdin is closed after the last one.
 */
export function runInTerminal(
  args: readonly string[],
  env: Record<string, string>,
  answers: readonly TerminalAnswer[] = [],
  cwd?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, cliPath, ...args].map(quote).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(cwd === undefined ? {} : { cwd }),
    });
    let output = '';
    const pending = [...answers];
    const onOutput = (chunk: Buffer): void => {
      output += chunk.toString();
      const next = pending[0];
      if (next !== undefined && output.includes(next.when)) {
        pending.shift();
        child.stdin.write(next.send);
        if (pending.length === 0) {
          child.stdin.end();
        }
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cloudlift ${args.join(' ')} did not finish in a terminal within 60 s\n${output}`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = output.replace(/\r/g, '');
      resolve({ code: code ?? 1, stdout: text, stderr: text });
    });
    if (pending.length === 0) {
      child.stdin.end();
    }
  });
}
