// Apps made the way a user makes them, for deploy, rollback, status and logs tests: `create_environment` (a real
// cluster stack whose Auto Scaling group's hosts join the cluster), `edit_config` and `create_service` from a real
// configuration (web behind a dedicated ALB, web on the cluster ALB, worker, Fargate), all through the real CLI, and an
// app folder that is a git repository with a tiny image whose behaviour (crash, OOM, slow start, ...) is set by files
// in the image. The testbed runs its tasks as real containers (test/testbed/ecs_runtime.py).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Service } from '@aws-sdk/client-ecs';
import { runCli } from './cli.js';
import { awsClientConfig, cliEnv, seedAccount, testbed, waitUntil } from './testbed.js';
import type { Seed } from './testbed.js';

/** The image every service starts with: never pulled, its desired count is 0 (naming.notDeployedImageTag). */
export const notDeployedTag = 'cloudlift-not-deployed-yet';

/** What kind of environment create_environment makes. */
export interface EnvironmentOptions {
  /** `ec2` (default): one On-Demand fleet of `instanceType` hosts; `fargate`: no hosts at all. */
  clusterType?: 'ec2' | 'fargate';
  /** Default t3.small (2 GiB: about 1.6 GiB for tasks once the OS and ECS_RESERVED_MEMORY are taken). */
  instanceType?: string;
  /** Hosts at the start (the fleet's min); default 1. */
  instances?: number;
  /** The VPC's second octet, so two environments of one test file do not share addresses. Default 30. */
  octet?: number;
}

async function cli(args: string[], cwd: string): Promise<void> {
  const result = await runCli(args, { cwd, env: cliEnv(), timeoutMs: 170_000 });
  if (result.code !== 0) {
    throw new Error(`cloudlift ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  }
}

/** The environment document create_environment reads from --config-file. */
export function environmentConfig(seed: Seed, options: EnvironmentOptions = {}): Record<string, unknown> {
  const octet = options.octet ?? 30;
  const fargate = options.clusterType === 'fargate';
  const instances = options.instances ?? 1;
  return {
    region: testbed().region,
    vpc: {
      cidr: `10.${octet}.0.0/16`,
      'nat-gateway': { 'elastic-ip-allocation-id': seed.eipAllocationId },
      subnets: {
        public: { 'subnet-1': { cidr: `10.${octet}.0.0/22` }, 'subnet-2': { cidr: `10.${octet}.4.0/22` } },
        private: { 'subnet-1': { cidr: `10.${octet}.8.0/22` }, 'subnet-2': { cidr: `10.${octet}.12.0/22` } },
      },
    },
    cluster: fargate
      ? { type: 'fargate' }
      : {
          min_instances: instances,
          max_instances: Math.max(instances, 2),
          spot_min_instances: 0,
          spot_max_instances: 0,
          instance_type: options.instanceType ?? 't3.small',
          key_name: seed.keyName,
          ami_id: seed.amiParameter,
          ecs_instance_default_lifecycle_type: 'ondemand',
          allocation_strategy: 'capacity-optimized',
        },
    environment: { notifications_arn: seed.snsTopicArn, ssl_certificate_arn: seed.certificateArn },
    service_defaults: {
      logging: 'awslogs',
      alb_mode: 'dedicated',
      disable_service_alarms: false,
      fluentbit_config: { image_uri: 'amazon/aws-for-fluent-bit:stable', env: { kinesis_role_arn: '' } },
    },
  };
}

/** The seed each environment of this test file was created with (its SNS topic is every app's notifications_arn). */
const seeds = new Map<string, Seed>();

/** Seeds the account and runs `create_environment -e <environment> --config-file ... --yes`. */
export async function createEnvironment(
  environment: string,
  options: EnvironmentOptions = {},
): Promise<Seed> {
  const seed = await seedAccount();
  const dir = mkdtempSync(join(tmpdir(), 'cloudlift-env-'));
  const file = join(dir, `${environment}.json`);
  writeFileSync(file, JSON.stringify(environmentConfig(seed, options), null, 2));
  await cli(['create_environment', '-e', environment, '--config-file', file, '--yes'], dir);
  if (options.clusterType !== 'fargate') {
    await waitForHosts(environment, options.instances ?? 1);
  }
  seeds.set(environment, seed);
  return seed;
}

/** Waits until the emulated ECS agent has registered `count` hosts of the environment's fleet with its cluster. */
export async function waitForHosts(environment: string, count: number): Promise<void> {
  const ecs = await import('@aws-sdk/client-ecs');
  const client = new ecs.ECSClient(awsClientConfig());
  await waitUntil(`${count} container instance(s) in cluster-${environment}`, async () => {
    const answer = await client.send(
      new ecs.ListContainerInstancesCommand({ cluster: `cluster-${environment}`, status: 'ACTIVE' }),
    );
    return (answer.containerInstanceArns ?? []).length >= count;
  });
}

/** One service of an app's configuration, in the original's format. */
export type ServiceConfig = Record<string, unknown>;

/** A web service behind its own ALB, health-checked on `/`, answering on port 80. */
export function webService(app: string, extra: ServiceConfig = {}): ServiceConfig {
  return {
    command: null,
    memory_reservation: 64,
    http_interface: {
      internal: false,
      restrict_access_to: ['0.0.0.0/0'],
      container_port: 80,
      health_check_path: '/',
      hostnames: [`${app}.example.com`],
      alb_mode: 'dedicated',
    },
    ...extra,
  };
}

/** A web service on the environment's shared (cluster) ALB, routed by host name. */
export function clusterWebService(app: string, extra: ServiceConfig = {}): ServiceConfig {
  const web = webService(app, extra);
  return { ...web, http_interface: { ...(web.http_interface as object), alb_mode: 'cluster' } };
}

/** A worker: no load balancer, the image's command. */
export function workerService(extra: ServiceConfig = {}): ServiceConfig {
  return { command: null, memory_reservation: 64, ...extra };
}

/** A Fargate worker (awsvpc, task-level cpu/memory; memory_reservation is required by the schema all the same). */
export function fargateWorker(extra: ServiceConfig = {}): ServiceConfig {
  return { command: null, memory_reservation: 64, fargate: { cpu: 256, memory: 512 }, ...extra };
}

/**
 * The start script of the test image (FROM scratch + a static busybox): prints a start line, then runs what the files
 * in /app/behaviour say (`crash`: a message on stderr and exit 1; `needs-url`: the file names a variable, and the app
 * exits 1 unless its value looks like a URL, as an app that checks its configuration at start does; `oom`: allocate
 * far past the memory limit; `slow`: sleep N seconds before serving; `unhealthy`: serve, but not the health-check
 * path), serves /www on port 80, and stops cleanly on SIGTERM as a well-behaved app does. Values are never printed.
 */
const START_SCRIPT = `trap 'echo "app: SIGTERM, stopping"; exit 0' TERM
echo "app: starting $(cat /app/VERSION) on port 80"
if [ -f /app/behaviour/crash ]; then echo "boom: $(cat /app/behaviour/crash)" >&2; exit 1; fi
if [ -f /app/behaviour/needs-url ]; then name=$(cat /app/behaviour/needs-url); eval "value=\\\${$name:-}"
  case "$value" in *://*) echo "app: $name is set";; *) echo "boom: $name is not a URL" >&2; exit 1;; esac; fi
if [ -f /app/behaviour/oom ]; then echo "app: loading the whole catalogue into memory"; exec dd if=/dev/zero of=/dev/null bs=512M count=1; fi
if [ -f /app/behaviour/slow ]; then sleep "$(cat /app/behaviour/slow)"; echo "app: warmed up"; fi
mkdir -p /srv/www
if [ ! -f /app/behaviour/unhealthy ]; then cp /app/www/index.html /srv/www/index.html; fi
httpd -f -p 80 -h /srv/www &
wait
`;

/** An app folder named `app` in a temp dir: Dockerfile, start script, env.sample, cloudlift.json, one git commit. */
export function makeAppDir(app: string, envSample: string, dockerfileExtra = ''): string {
  const root = mkdtempSync(join(tmpdir(), 'cloudlift-deploy-'));
  const dir = join(root, app);
  mkdirSync(join(dir, 'behaviour'), { recursive: true });
  mkdirSync(join(dir, 'www'), { recursive: true });
  copyFileSync(busyboxPath(), join(dir, 'busybox'));
  writeFileSync(join(dir, 'start.sh'), START_SCRIPT);
  writeFileSync(join(dir, 'VERSION'), 'v1\n');
  writeFileSync(join(dir, 'behaviour', '.keep'), '');
  writeFileSync(join(dir, 'www', 'index.html'), `<h1>${app}</h1>\n`);
  writeFileSync(
    join(dir, 'Dockerfile'),
    // no RUN step: the testbed's Docker engine gives builds and containers no network
    'FROM scratch\nCOPY busybox /bin/busybox\nCOPY busybox /bin/sh\nCOPY start.sh VERSION /app/\n' +
      'COPY behaviour /app/behaviour\nCOPY www /app/www\nARG GREETING=hello\nLABEL greeting="$GREETING"\n' +
      `${dockerfileExtra}CMD ["/bin/busybox", "sh", "/app/start.sh"]\n`,
  );
  writeFileSync(join(dir, 'env.sample'), envSample);
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '.']);
  commit(dir, 'first');
  return dir;
}

/** Makes the next image behave a certain way (see START_SCRIPT); commit() afterwards. `undefined` removes it. */
export function setBehaviour(
  dir: string,
  name: 'crash' | 'needs-url' | 'oom' | 'slow' | 'unhealthy',
  value?: string,
): void {
  const file = join(dir, 'behaviour', name);
  if (value === undefined) {
    execFileSync('rm', ['-f', file]);
  } else {
    writeFileSync(file, `${value}\n`);
  }
}

/** Runs git in `dir` with a fixed identity. */
export function git(dir: string, args: readonly string[]): string {
  return execFileSync('git', [...args], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

/** Commits everything and returns the new HEAD sha. */
export function commit(dir: string, message: string): string {
  git(dir, ['add', '-A', '.']);
  git(dir, ['commit', '-q', '--allow-empty', '-m', message]);
  return git(dir, ['rev-parse', 'HEAD']);
}

/** Finds the statically linked busybox of Debian's busybox-static package. */
export function busyboxPath(): string {
  for (const candidate of ['/bin/busybox', '/usr/bin/busybox']) {
    if (existsSync(candidate)) {
      return candidate;
    }
  }
  throw new Error('busybox not found: apt-get install -y busybox-static');
}

/** One app ready to deploy: its service stack (made by create_service), parameters, and its folder. */
export interface PreparedApp {
  app: string;
  dir: string;
  sha: string;
}

/** How prepareApp makes an app. */
export interface AppOptions {
  /** Service name -> configuration; default: `services` as web services (the first) and workers. */
  config?: Record<string, ServiceConfig>;
  /** Shorthand: these names, the first a web service behind its own ALB, the others workers. Default ['Web']. */
  services?: string[];
  /** Parameter Store values (set with edit_config) and the env.sample keys. Default { PORT: '80' }. */
  parameters?: Record<string, string>;
  /** Kept for callers written against the old fixture; the execution role comes from the template. */
  executionRoleArn?: string;
}

/** The configuration prepareApp passes to create_service. */
export function appConfig(
  app: string,
  notificationsArn: string,
  options: AppOptions = {},
): Record<string, unknown> {
  const names = options.services ?? ['Web'];
  const services =
    options.config ??
    Object.fromEntries(names.map((name, index) => [name, index === 0 ? webService(app) : workerService()]));
  return { notifications_arn: notificationsArn, services };
}

/** Creates everything an app needs before its first deploy, through the CLI (the environment must exist). */
export async function prepareApp(
  app: string,
  environment: string,
  options: AppOptions = {},
): Promise<PreparedApp> {
  const parameters = options.parameters ?? { PORT: '80' };
  const envSample =
    Object.keys(parameters)
      .map((key) => `${key}=example`)
      .join('\n') + '\n';
  const dir = makeAppDir(app, envSample);
  const config = join(dir, '..', `${app}.cloudlift.json`);
  const seed = seeds.get(environment) ?? (await seedAccount());
  writeFileSync(config, JSON.stringify(appConfig(app, seed.snsTopicArn, options), null, 2));
  const sets = Object.entries(parameters).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  await cli(['edit_config', '-e', environment, ...sets, '--yes'], dir);
  await cli(['create_service', '-e', environment, '--config-file', config, '--yes'], dir);
  return { app, dir, sha: git(dir, ['rev-parse', 'HEAD']) };
}

/** The ECS service named by output `<logical>EcsServiceName` of stack `<app>-<env>`, as DescribeServices reports it. */
export async function ecsServiceOf(
  app: string,
  environment: string,
  logical: string,
): Promise<{ name: string; service: Service | undefined }> {
  const cfn = await import('@aws-sdk/client-cloudformation');
  const stack = await new cfn.CloudFormationClient(awsClientConfig()).send(
    new cfn.DescribeStacksCommand({ StackName: `${app}-${environment}` }),
  );
  const name =
    stack.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === `${logical}EcsServiceName`)?.OutputValue ?? '';
  const ecs = await import('@aws-sdk/client-ecs');
  const answer = await new ecs.ECSClient(awsClientConfig()).send(
    new ecs.DescribeServicesCommand({ cluster: `cluster-${environment}`, services: [name] }),
  );
  return { name, service: answer.services?.[0] };
}

/** Removes the local images the tests built for these apps (`<app>:<sha>`), so runs do not pile up images. */
export function removeLocalImages(apps: readonly string[], env: Record<string, string | undefined>): void {
  const listed = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], {
    encoding: 'utf8',
    env,
  });
  const ours = listed.split('\n').filter((image) => apps.includes(image.slice(0, image.lastIndexOf(':'))));
  if (ours.length > 0) {
    execFileSync('docker', ['rmi', '-f', ...ours], { env, stdio: 'ignore' });
  }
}
