// The world the shell-access tests run in, made the way a user makes it: `create_environment` (staging, two EC2
// hosts that the emulated ECS agent registers in cluster-staging), IAM users with and without an MFA device, and two
// apps made by `create_service` from real configurations and deployed by `deploy_service` (a real image, run by ECS as
// real containers):
// * `shop`: Web behind its own ALB, scaled out to two tasks, one on each host; Worker scaled in to 0 (no running
//   task); Fg a Fargate service with one task;
// * `api`: Api with one task (ECS Exec not enabled); Idle scaled in to 0; Shell with one task, on which ECS Exec was
//   enabled afterwards with UpdateService (as `aws ecs update-service --enable-execute-command` does), so its running
//   task was started without it.
// It also writes a stand-in `session-manager-plugin` (the real one is not installable here) that records its
// arguments, environment and stdin into a JSON file.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { Task } from '@aws-sdk/client-ecs';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import type { CliResult } from '../support/cli.js';
import { cliPath, runCli } from '../support/cli.js';
import {
  createEnvironment,
  ecsServiceOf,
  fargateWorker,
  prepareApp,
  webService,
  workerService,
} from '../support/deploy-fixture.js';
import { awsClientConfig, cliEnv, waitUntil } from '../support/testbed.js';

export const environment = 'staging';
export const cluster = 'cluster-staging';
export const mfaSerial = 'arn:aws:iam::123456789012:mfa/moto-phone';

/** What the fixture created. */
export interface World {
  scratch: string;
  /** Folder holding the stand-in plugin; put it first on PATH. */
  pluginDir: string;
  /** Where the stand-in writes what it was started with. */
  pluginRecord: string;
  /** EC2 instance ids of the hosts running shop's two Web tasks (one each), in the order ECS lists the tasks. */
  instanceIds: string[];
  /** Long-term keys of IAM user `nodevice`, who has no MFA device. */
  noDeviceKeys: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string };
  /** The ECS service names CloudFormation gave shop's services. */
  shopServices: { Web: string; Worker: string; Fg: string };
  /** The ECS service name CloudFormation gave `Api`, and the id of its running task. */
  apiService: string;
  apiTaskId: string;
  /** The same for `Shell` (ECS Exec enabled on the service after its task started). */
  shellService: string;
  shellTaskId: string;
  /** The app folders (cwd for commands that need one). */
  shopDir: string;
  apiDir: string;
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

/** `deploy_service -e staging` in the app folder (builds, pushes and rolls out every service of the app). */
export async function deploy(dir: string, ...extra: string[]): Promise<CliResult> {
  return runCli(['deploy_service', '-e', environment, ...extra], {
    cwd: dir,
    env: cliEnv({ CLOUDLIFT_POLL_INTERVAL_MS: '300' }),
    timeoutMs: 170_000,
  });
}

async function deployed(dir: string): Promise<void> {
  const result = await deploy(dir);
  if (result.code !== 0) {
    throw new Error(`deploy_service in ${dir} exited ${result.code}:\n${result.stderr}`);
  }
}

/** The service's tasks whose desired status is RUNNING, described, in the order ECS lists them. */
export async function serviceTasks(ecs: ECSClient, service: string): Promise<Task[]> {
  const listed = await ecs.send(new ListTasksCommand({ cluster, serviceName: service }));
  if ((listed.taskArns ?? []).length === 0) {
    return [];
  }
  return (await ecs.send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }))).tasks ?? [];
}

const idOf = (task: Task): string => task.taskArn?.split('/').pop() ?? '';

/** Sets the service's desired count (as an operator scaling it does) and waits until ECS runs that many tasks. */
async function scale(ecs: ECSClient, service: string, desiredCount: number): Promise<Task[]> {
  await ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount }));
  return waitUntil(`${desiredCount} running task(s) of ${service}`, async () => {
    const tasks = await serviceTasks(ecs, service);
    return tasks.length === desiredCount && tasks.every((task) => task.lastStatus === 'RUNNING')
      ? tasks
      : undefined;
  });
}

async function runningTaskId(ecs: ECSClient, service: string): Promise<string> {
  return waitUntil(`a RUNNING task of ${service}`, async () => {
    const task = (await serviceTasks(ecs, service)).find((candidate) => candidate.lastStatus === 'RUNNING');
    return task === undefined ? undefined : idOf(task);
  });
}

/** shop: Web on both hosts, Worker scaled in to 0, Fg on Fargate. */
async function createShop(ecs: ECSClient): Promise<Pick<World, 'instanceIds' | 'shopServices' | 'shopDir'>> {
  const shop = await prepareApp('shop', environment, {
    config: { Web: webService('shop'), Worker: workerService(), Fg: fargateWorker() },
  });
  await deployed(shop.dir);
  const name = async (logical: string) => (await ecsServiceOf('shop', environment, logical)).name;
  const shopServices = { Web: await name('Web'), Worker: await name('Worker'), Fg: await name('Fg') };
  // The worker first: then the second Web task goes to the host with more room, the one without the first.
  await scale(ecs, shopServices.Worker, 0);
  const web = await scale(ecs, shopServices.Web, 2);
  const described = await ecs.send(
    new DescribeContainerInstancesCommand({
      cluster,
      containerInstances: web.map((task) => task.containerInstanceArn ?? ''),
    }),
  );
  const hostOf = new Map(
    (described.containerInstances ?? []).map((instance) => [
      instance.containerInstanceArn,
      instance.ec2InstanceId ?? '',
    ]),
  );
  const instanceIds = [...new Set(web.map((task) => hostOf.get(task.containerInstanceArn) ?? ''))];
  if (instanceIds.length !== 2) {
    throw new Error(`shop's two Web tasks run on ${instanceIds.join(', ')}, not on two hosts`);
  }
  return { instanceIds, shopServices, shopDir: shop.dir };
}

/** api: Api running without ECS Exec, Idle scaled in to 0, Shell with ECS Exec enabled after its task started. */
async function createApi(
  ecs: ECSClient,
): Promise<Pick<World, 'apiService' | 'apiTaskId' | 'shellService' | 'shellTaskId' | 'apiDir'>> {
  const api = await prepareApp('api', environment, {
    config: { Api: workerService(), Idle: workerService(), Shell: workerService() },
  });
  await deployed(api.dir);
  const name = async (logical: string) => (await ecsServiceOf('api', environment, logical)).name;
  const [apiService, idleService, shellService] = [
    await name('Api'),
    await name('Idle'),
    await name('Shell'),
  ];
  await scale(ecs, idleService, 0);
  await ecs.send(new UpdateServiceCommand({ cluster, service: shellService, enableExecuteCommand: true }));
  return {
    apiService,
    apiTaskId: await runningTaskId(ecs, apiService),
    shellService,
    shellTaskId: await runningTaskId(ecs, shellService),
    apiDir: api.dir,
  };
}

/** Builds the world (call after resetTestbed()). */
export async function buildWorld(): Promise<World> {
  const scratch = mkdtempSync(join(tmpdir(), 'cloudlift-session-'));
  const pluginDir = join(scratch, 'bin');
  const pluginRecord = join(scratch, 'plugin-record.json');
  mkdirSync(pluginDir);
  writeStandInPlugin(pluginDir, pluginRecord);
  const noDeviceKeys = await createUsers();
  await createEnvironment(environment, { instances: 2 });
  const ecs = new ECSClient(awsClientConfig());
  const shop = await createShop(ecs);
  const api = await createApi(ecs);
  return { scratch, pluginDir, pluginRecord, noDeviceKeys, ...shop, ...api };
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
