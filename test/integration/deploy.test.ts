// deploy_service, upload_to_ecr and get_version end to end through the real CLI against the testbed: a real docker
// build, a push to the registry host taken from GetAuthorizationToken's proxyEndpoint (mirrored into moto's ECR),
// task definitions registered in moto's ECS, and the testbed's scheduler rolling the services out. Each test uses
// its own app (tests run in random order).
import { randomUUID } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { CliResult } from '../support/cli.js';
import {
  clusterWebService,
  commit,
  createEnvironment,
  ecsServiceOf,
  fargateWorker,
  git,
  notDeployedTag,
  prepareApp,
  removeLocalImages,
} from '../support/deploy-fixture.js';
import {
  awsClientConfig,
  cliEnv,
  dockerTestsRequired,
  resetTestbed,
  seedAccount,
  testbed,
} from '../support/testbed.js';

// Each test has its own environment, as apps of one environment may not share service names (an `<env>-<Service>`
// security group and an ALB name per service, as in the original).
let executionRoleArn: string;
/** Values of parameters; none may ever appear in CLI output. */
const secretValue = `s3cr3t-${randomUUID()}`;

function cloudlift(dir: string, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, {
    cwd: dir,
    env: cliEnv({ CLOUDLIFT_POLL_INTERVAL_MS: '300', ...extraEnv }),
    timeoutMs: 170_000,
  });
}

async function ecsClient() {
  const sdk = await import('@aws-sdk/client-ecs');
  return { sdk, client: new sdk.ECSClient(awsClientConfig()) };
}

/** The ECS service of `<app>-<environment>`'s output `<logical>EcsServiceName`, and its current task definition. */
async function serviceState(environment: string, app: string, logical = 'Web') {
  const { name, service } = await ecsServiceOf(app, environment, logical);
  const { sdk, client } = await ecsClient();
  const td = await client.send(
    new sdk.DescribeTaskDefinitionCommand({
      taskDefinition: service?.taskDefinition ?? '',
      include: ['TAGS'],
    }),
  );
  return { name, service, taskDefinition: td.taskDefinition, tags: td.tags ?? [] };
}

async function revisions(family: string): Promise<string[]> {
  const { sdk, client } = await ecsClient();
  const answer = await client.send(new sdk.ListTaskDefinitionsCommand({ familyPrefix: family }));
  return answer.taskDefinitionArns ?? [];
}

async function ecrTags(repository: string): Promise<string[]> {
  const sdk = await import('@aws-sdk/client-ecr');
  const answer = await new sdk.ECRClient(awsClientConfig())
    .send(new sdk.DescribeImagesCommand({ repositoryName: repository }))
    .catch(() => ({ imageDetails: [] }));
  return (answer.imageDetails ?? []).flatMap((d) => d.imageTags ?? []).sort();
}

/** GET with a Host header (fetch does not let a caller set it). */
function httpGet(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers: { host } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

const image = (app: string, tag: string) => `${testbed().registryHost}/${app}-repo:${tag}`;

describe.skipIf(!dockerTestsRequired())('deploy_service', () => {
  beforeAll(async () => {
    await resetTestbed();
    executionRoleArn = (await seedAccount()).executionRoleArn;
  });

  afterAll(() => {
    removeLocalImages(
      [
        'hello-first',
        'hello-noop',
        'hello-config',
        'hello-missing',
        'hello-dirty',
        'hello-version',
        'hello-td',
        'hello-td-config',
        'hello-upload',
        'hello-shared',
      ],
      { ...process.env, ...cliEnv() },
    );
  });

  it('first deploy: builds with --build-arg, pushes through the proxyEndpoint host, rolls every service 0 → 1', async () => {
    const environment = 'first';
    await createEnvironment(environment);
    const { app, dir, sha } = await prepareApp('hello-first', environment, {
      services: ['Web', 'Worker'],
      parameters: { PORT: '80', GREETING: secretValue },
      executionRoleArn,
    });
    const template = (await serviceState(environment, app)).taskDefinition?.taskDefinitionArn ?? '';
    const templates = {
      Web: (await serviceState(environment, app, 'Web')).taskDefinition,
      Worker: (await serviceState(environment, app, 'Worker')).taskDefinition,
    } as Record<string, Awaited<ReturnType<typeof serviceState>>['taskDefinition']>;
    const result = await cloudlift(dir, [
      'deploy_service',
      '-e',
      environment,
      '--build-arg',
      'GREETING',
      'hey there',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Determined version to be ${sha}`);
    expect(result.stderr).toContain('Image not found in ECR');
    expect(result.stderr).toContain('Step 8/9 : LABEL greeting="$GREETING"'); // the build ran, its output shown
    const { execFileSync } = await import('node:child_process');
    const label = execFileSync(
      'docker',
      ['image', 'inspect', '--format', '{{ index .Config.Labels "greeting" }}', `${app}:${sha}`],
      {
        env: { ...process.env, ...cliEnv() },
        encoding: 'utf8',
      },
    );
    expect(label.trim()).toBe('hey there'); // --build-arg GREETING "hey there" reached the build as one argument
    expect(result.stderr).toContain(`Pushed ${image(app, sha)}`);
    expect(await ecrTags(`${app}-repo`)).toEqual([sha]);
    for (const logical of ['Web', 'Worker']) {
      const state = await serviceState(environment, app, logical);
      expect(state.service?.desiredCount).toBe(1);
      expect(state.service?.deployments?.map((d) => [d.status, d.rolloutState])).toEqual([
        ['PRIMARY', 'COMPLETED'],
      ]);
      const container = state.taskDefinition?.containerDefinitions?.[0];
      expect(container?.image).toBe(image(app, sha));
      expect(container?.secrets?.map((s) => s.name)).toEqual(['PORT', 'GREETING']);
      expect(container?.secrets?.[0]?.valueFrom).toBe(
        `arn:aws:ssm:us-east-1:123456789012:parameter/${environment}/${app}/PORT`,
      );
      // carried over from the template's revision (the original dropped these)
      expect(state.taskDefinition?.placementConstraints).toEqual(templates[logical]?.placementConstraints);
      expect(state.taskDefinition?.taskRoleArn).toBe(templates[logical]?.taskRoleArn);
      expect(state.taskDefinition?.executionRoleArn).toBe(executionRoleArn);
      // the template revision's tags, plus the parameter versions this revision was registered with
      expect(state.tags.map((t) => t.key).sort()).toEqual([
        'Team',
        'cloudlift:config-versions',
        'environment',
      ]);
      expect(result.stderr).toMatch(new RegExp(`${logical}\\s+│ ✔ deployed: 1/1 running`));
    }
    // the template's revision is kept (the original deregistered it; a rollback needs it)
    const { sdk, client } = await ecsClient();
    const old = await client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: template }));
    expect(old.taskDefinition?.status).toBe('ACTIVE');
    expect(result.stderr).toMatch(/│ Web\s+│ deployed/);
    expect(result.stderr).toContain(`Deployed ${app} ${sha} to ${environment}`);
    expect(`${result.stdout}${result.stderr}`).not.toContain(secretValue);
    expect(result.stderr).toContain(`was: ${image(app, notDeployedTag)}`);
  });

  it('a redeploy of what runs is a no-op (no build, no revision), --force deploys anyway', async () => {
    const environment = 'noop';
    await createEnvironment(environment);
    const { app, dir, sha } = await prepareApp('hello-noop', environment, { executionRoleArn });
    expect((await cloudlift(dir, ['deploy_service', '-e', environment])).code).toBe(0);
    const before = await revisions('WebFamily');
    const running = (await serviceState(environment, app)).taskDefinition?.taskDefinitionArn;
    const again = await cloudlift(dir, ['deploy_service', '-e', environment, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(
      `Nothing to deploy: every service already runs ${sha} with this configuration`,
    );
    expect(again.stderr).not.toContain('Building');
    expect(await revisions('WebFamily')).toEqual(before);
    expect((await serviceState(environment, app)).taskDefinition?.taskDefinitionArn).toBe(running);
    const json = JSON.parse(again.stdout) as {
      version: string;
      services: { name: string; outcome: { kind: string } }[];
    };
    expect(json.version).toBe(sha);
    expect(json.services.map((s) => [s.name, s.outcome.kind])).toEqual([['Web', 'unchanged']]);
    const forced = await cloudlift(dir, ['deploy_service', '-e', environment, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('Image found in ECR');
    expect(await revisions('WebFamily')).toHaveLength(before.length + 1);
  });

  it('a changed Parameter Store value makes a new revision (parameter versions are fingerprinted)', async () => {
    const environment = 'config';
    await createEnvironment(environment);
    const { app, dir } = await prepareApp('hello-config', environment, {
      executionRoleArn,
      parameters: { PORT: '80', GREETING: 'hi' },
    });
    expect((await cloudlift(dir, ['deploy_service', '-e', environment])).code).toBe(0);
    const before = await serviceState(environment, app);
    const edit = await cloudlift(dir, [
      'edit_config',
      '-e',
      environment,
      '--set',
      `PORT=${secretValue}`,
      '--yes',
    ]);
    expect(edit.code, edit.stderr).toBe(0);
    const result = await cloudlift(dir, ['deploy_service', '-e', environment, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Deploying: values changed in Parameter Store');
    // which keys, from the ledger's versions of the running release: names only, only the changed one
    expect(result.stderr).toMatch(/Web │ Changed in Parameter Store: PORT \(values not shown\)\n/);
    const json = JSON.parse(result.stdout) as {
      services: { name: string; outcome: { kind: string }; changedVariables?: string[] | null }[];
    };
    expect(json.services.map((s) => [s.name, s.outcome.kind, s.changedVariables])).toEqual([
      ['Web', 'succeeded', ['PORT']],
    ]);
    expect(result.stderr).toContain('No change in image version');
    const after = await serviceState(environment, app);
    expect(after.taskDefinition?.revision).toBe((before.taskDefinition?.revision ?? 0) + 1);
    const tag = (state: typeof after) => state.tags.find((t) => t.key === 'cloudlift:config-versions')?.value;
    expect(tag(after)).not.toBe(tag(before));
    expect(`${result.stdout}${result.stderr}`).not.toContain(secretValue);
  });

  it('an env.sample key missing in Parameter Store fails before any write (no push, no revision)', async () => {
    const environment = 'missing';
    await createEnvironment(environment);
    const { app, dir } = await prepareApp('hello-missing', environment, { executionRoleArn });
    const before = await revisions('WebFamily');
    appendFileSync(join(dir, 'env.sample'), 'DATABASE_URL=postgres://example\n');
    const sha = commit(dir, 'needs a database');
    const result = await cloudlift(dir, ['deploy_service', '-e', environment]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('does not match env.sample');
    expect(result.stderr).toContain('in env.sample but not in Parameter Store: DATABASE_URL');
    expect(result.stderr).toContain(`edit_config -e ${environment} --name ${app} --set DATABASE_URL=`);
    expect(await ecrTags(`${app}-repo`)).not.toContain(sha);
    expect(await revisions('WebFamily')).toEqual(before);
  });

  it('a dirty working tree deploys the tag `dirty` and rebuilds it every time', async () => {
    const environment = 'dirty';
    await createEnvironment(environment);
    const { app, dir } = await prepareApp('hello-dirty', environment, { executionRoleArn });
    writeFileSync(join(dir, 'uncommitted.txt'), 'x');
    const first = await cloudlift(dir, ['deploy_service', '-e', environment]);
    expect(first.code, first.stderr).toBe(0);
    expect((await serviceState(environment, app)).taskDefinition?.containerDefinitions?.[0]?.image).toBe(
      image(app, 'dirty'),
    );
    const second = await cloudlift(dir, ['deploy_service', '-e', environment]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('Building container image');
    expect(second.stderr).toContain('Deploying: dirty images are redeployed every time');
    // ECR has `dirty` from the first deploy: the rebuild is not because it is missing.
    expect(second.stderr).toContain(
      `Building container image ${app}:dirty (uncommitted changes: dirty images are always rebuilt)`,
    );
    expect(second.stderr).not.toContain('Image not found in ECR');
  });

  it('--version <branch> deploys the image of its commit sha; a version without image fails before writing', async () => {
    const environment = 'version';
    await createEnvironment(environment);
    const { app, dir, sha } = await prepareApp('hello-version', environment, { executionRoleArn });
    expect((await cloudlift(dir, ['deploy_service', '-e', environment])).code).toBe(0);
    git(dir, ['branch', 'release']);
    commit(dir, 'later work');
    const byBranch = await cloudlift(dir, [
      'deploy_service',
      '-e',
      environment,
      '--version',
      'release',
      '--force',
    ]);
    expect(byBranch.code, byBranch.stderr).toBe(0);
    expect(byBranch.stderr).toContain(`Using commit ${sha} for --version release`);
    expect((await serviceState(environment, app)).taskDefinition?.containerDefinitions?.[0]?.image).toBe(
      image(app, sha),
    );
    const head = git(dir, ['rev-parse', 'HEAD']);
    const missing = await cloudlift(dir, ['deploy_service', '-e', environment, '--version', 'HEAD']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Image ${app}-repo:${head} is not in ECR`);
    expect(missing.stderr).toContain('Deploy that commit without --version from a clean checkout');
    // A tag git does not know is no commit to build: the hint says to check it (and how), or to push one.
    const typo = await cloudlift(dir, ['deploy_service', '-e', environment, '--version', 'v1.0-typo']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(`Image ${app}-repo:v1.0-typo is not in ECR`);
    expect(typo.stderr).toContain(
      `→ v1.0-typo is not a commit, branch or tag of this repository either: check the spelling against \`aws ecr list-images --repository-name ${app}-repo --region us-east-1\``,
    );
    expect(typo.stderr).not.toContain('Deploy that commit');
    expect(await ecrTags(`${app}-repo`)).toEqual([sha]);
  });

  it('create/update_task_definition: a stand-alone family in the environment region, updated with new revisions', async () => {
    const environment = 'td';
    await createEnvironment(environment);
    const { app, dir, sha } = await prepareApp('hello-td', environment, { executionRoleArn });
    const { sdk, client } = await ecsClient();
    const family = 'HelloTdTdFamily';
    const created = await cloudlift(dir, ['create_task_definition', '-e', environment]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain('Create task definition to us-east-1');
    expect(created.stderr).toContain(`Task definition successfully created: ${family}:1`);
    const first = (await client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: family })))
      .taskDefinition;
    expect(first?.containerDefinitions?.[0]).toMatchObject({
      name: 'HelloTdContainer',
      image: image(app, sha),
      essential: true,
      memoryReservation: 1024,
      secrets: [
        {
          name: 'PORT',
          valueFrom: `arn:aws:ssm:us-east-1:123456789012:parameter/${environment}/${app}/PORT`,
        },
      ],
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': `${environment}-logs`,
          'awslogs-region': 'us-east-1',
          'awslogs-stream-prefix': 'HelloTd',
        },
      },
    });
    expect(first?.taskRoleArn).toBe('arn:aws:iam::123456789012:role/HelloTdTdRole');
    expect(first?.executionRoleArn).toBe(executionRoleArn);
    const again = await cloudlift(dir, ['create_task_definition', '-e', environment]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Task definition ${family} already exists`);
    expect(again.stderr).toContain('update_task_definition');
    const unchanged = await cloudlift(dir, ['update_task_definition', '-e', environment]);
    expect(unchanged.code, unchanged.stderr).toBe(0);
    expect(unchanged.stderr).toContain('already has this image and configuration; nothing to do');
    writeFileSync(join(dir, 'VERSION'), '2\n');
    const next = commit(dir, 'v2');
    const updated = await cloudlift(dir, ['update_task_definition', '-e', environment]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stderr).toContain(
      `Task definition successfully updated: ${family}:2 (previous ${family}:1 is kept)`,
    );
    const second = (await client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: family })))
      .taskDefinition;
    expect(second?.containerDefinitions?.[0]?.image).toBe(image(app, next));
    expect(second?.taskRoleArn).toBe(first?.taskRoleArn);
    const old = await client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: `${family}:1` }));
    expect(old.taskDefinition?.status).toBe('ACTIVE');
  });

  it('update_task_definition after a Parameter Store change: a new revision naming the changed variables (names only)', async () => {
    const environment = 'tdconfig';
    await createEnvironment(environment);
    const { dir } = await prepareApp('hello-td-config', environment, {
      executionRoleArn,
      parameters: { PORT: '80', GREETING: 'hi' },
    });
    const family = 'HelloTdConfigTdconfigFamily';
    // A deploy records the parameter versions in the ledger; the stand-alone family is created with the same ones.
    expect((await cloudlift(dir, ['deploy_service', '-e', environment])).code).toBe(0);
    expect((await cloudlift(dir, ['create_task_definition', '-e', environment])).code).toBe(0);
    const set = async (value: string) => {
      const edit = await cloudlift(dir, [
        'edit_config',
        '-e',
        environment,
        '--set',
        `PORT=${value}`,
        '--yes',
      ]);
      expect(edit.code, edit.stderr).toBe(0);
    };
    await set(secretValue);
    const updated = await cloudlift(dir, ['update_task_definition', '-e', environment]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stderr).toContain(
      `Values changed in Parameter Store since ${family}:1 was registered (or were never recorded)`,
    );
    expect(updated.stderr).toMatch(/\nChanged in Parameter Store: PORT \(values not shown\)\n/);
    expect(updated.stderr).not.toContain('No change in environment variables');
    expect(updated.stderr).toContain(`Task definition successfully updated: ${family}:2`);
    // Revision 2's versions were never deployed, so no release in the ledger has them.
    await set(`${secretValue}-2`);
    const again = await cloudlift(dir, ['update_task_definition', '-e', environment]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(
      `Which variables changed is not known: no release in the ledger has the versions of ${family}:2`,
    );
    expect(again.stderr).toContain(`Task definition successfully updated: ${family}:3`);
    expect(`${updated.stdout}${updated.stderr}${again.stdout}${again.stderr}`).not.toContain(secretValue);
  });

  it('a web service on the environment cluster ALB and a Fargate worker: both roll out, and the shared ALB routes the app host name to the new version', async () => {
    const environment = 'shared';
    await createEnvironment(environment);
    const app = 'hello-shared';
    const { dir, sha } = await prepareApp(app, environment, {
      config: { Front: clusterWebService(app), Jobs: fargateWorker() },
    });
    const first = await cloudlift(dir, ['deploy_service', '-e', environment]);
    expect(first.code, first.stderr).toBe(0);
    writeFileSync(join(dir, 'www', 'index.html'), '<h1>hello-shared v2</h1>\n');
    const next = commit(dir, 'v2 page');
    const second = await cloudlift(dir, ['deploy_service', '-e', environment]);
    expect(second.code, second.stderr).toBe(0);
    for (const logical of ['Front', 'Jobs']) {
      const state = await serviceState(environment, app, logical);
      expect(state.taskDefinition?.containerDefinitions?.[0]?.image).toBe(image(app, next));
      expect(state.service?.deployments?.map((d) => d.rolloutState)).toEqual(['COMPLETED']);
      expect(second.stderr).toMatch(new RegExp(`${logical}\\s+│ ✔ deployed: 1/1 running`));
    }
    const jobs = await serviceState(environment, app, 'Jobs');
    expect([jobs.service?.launchType, jobs.taskDefinition?.networkMode]).toEqual(['FARGATE', 'awsvpc']);
    // the environment's public cluster ALB (shared by the apps of `shared`) sends hello-shared.example.com here
    const fronts = (await (await fetch(`${testbed().endpoint}/_testbed/load-balancers`)).json()) as {
      name: string;
      listeners: { port: number; loopback: string }[];
    }[];
    const https = fronts
      .find((front) => front.name === 'PublicALB1Shared')
      ?.listeners.find((listener) => listener.port === 443)?.loopback;
    const routed = await httpGet(`http://${https}/`, `${app}.example.com`);
    expect(routed).toEqual({ status: 200, body: '<h1>hello-shared v2</h1>\n' });
    const other = await httpGet(`http://${https}/`, 'nobody.example.com');
    expect(other.status).not.toBe(200); // the listener's default action, not this app
    expect(sha).not.toBe(next);
  });

  it('upload_to_ecr pushes a local image and adds tags; get_version reports the running version', async () => {
    const environment = 'upload';
    await createEnvironment(environment);
    const { app, dir, sha } = await prepareApp('hello-upload', environment, { executionRoleArn });
    const missingFlag = await cloudlift(dir, ['upload_to_ecr', '--name', app]);
    expect(missingFlag.code).toBe(2);
    expect(missingFlag.stderr).toContain('upload_to_ecr needs --local_tag');
    expect(missingFlag.stderr).toContain(`→ Build it with \`docker build -t ${app}:<tag> .\``);
    const { execFileSync } = await import('node:child_process');
    execFileSync('docker', ['build', '-q', '-t', `${app}:${sha}`, '.'], {
      cwd: dir,
      env: { ...process.env, ...cliEnv() },
    });
    const upload = await cloudlift(dir, [
      'upload_to_ecr',
      '--name',
      app,
      '--local_tag',
      sha,
      '--additional_tags',
      'latest',
      '--additional_tags',
      'v1.0.0',
    ]);
    expect(upload.code, upload.stderr).toBe(0);
    expect(upload.stderr).toContain('Added additional tag: latest');
    expect(upload.stderr).toContain(
      `Next:\n  cloudlift deploy_service -e <env> --name ${app} --version ${sha}\n`,
    );
    expect(await ecrTags(`${app}-repo`)).toEqual([sha, 'latest', 'v1.0.0'].sort());
    const notDeployed = await cloudlift(dir, ['get_version', '-e', environment, '--short']);
    expect(notDeployed.code).toBe(1);
    expect(notDeployed.stderr).toContain('Current task definition tag could not be found. Is it deployed?');
    const deploy = await cloudlift(dir, ['deploy_service', '-e', environment, '--version', 'v1.0.0']);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stderr).toContain('Image found in ECR');
    const short = await cloudlift(dir, ['get_version', '-e', environment, '--short']);
    expect(short.code, short.stderr).toBe(0);
    expect(short.stdout.trim()).toBe('v1.0.0');
    const byCommit = await cloudlift(dir, ['deploy_service', '-e', environment]);
    expect(byCommit.code, byCommit.stderr).toBe(0);
    const full = await cloudlift(dir, ['get_version', '-e', environment]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout.trim()).toBe(sha);
    expect(full.stderr).toContain(`Currently deployed version: ${sha}`);
    expect(full.stderr).toContain('Commit Info:');
    expect(full.stderr).toContain(`commit ${sha}`);
    const json = await cloudlift(dir, ['get_version', '-e', environment, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      version: sha,
      services: [{ name: 'Web', versions: [sha] }],
    });
  });
});
