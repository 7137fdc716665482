/* eslint-disable @typescript-eslint/no-explicit-any -- the tests poke into free-form JSON documents */
// create_service / update_service through the real CLI against the testbed, on a real environment stack: the stack,
// the ECS services and task definitions, the stored configuration; and bad input that must leave nothing behind.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { ecsServiceOf } from '../support/deploy-fixture.js';
import { appFolder, readyEnvironment } from '../support/service-fixture.js';
import { putAppParameters } from '../support/stored-config.js';
import { runInTerminal } from './session-fixture.js';
import { awsClientConfig, cliEnv, resetTestbed, setEcsBehaviour, testbed } from '../support/testbed.js';
import type { Seed } from '../support/testbed.js';

const environment = 'staging';
let seed: Seed;
let folder: string;
let secrets: Array<[string, string]>;

function serviceConfig(overrides: Record<string, unknown> = {}) {
  return {
    notifications_arn: seed.snsTopicArn,
    services: {
      Shop: {
        command: null,
        memory_reservation: 256,
        http_interface: {
          internal: false,
          restrict_access_to: ['0.0.0.0/0'],
          container_port: 8080,
          alb_mode: 'dedicated',
          hostnames: ['shop.example.com'],
        },
      },
      ShopWorker: { command: 'bin/worker', memory_reservation: 128, fargate: { cpu: 256, memory: 512 } },
      ...overrides,
    },
  };
}

function writeConfig(name: string, document: unknown): string {
  writeFileSync(join(folder, name), JSON.stringify(document));
  return name;
}

async function stackStatus(stackName: string): Promise<string | undefined> {
  const cfn = await import('@aws-sdk/client-cloudformation');
  const answer = await new cfn.CloudFormationClient(awsClientConfig())
    .send(new cfn.DescribeStacksCommand({ StackName: stackName }))
    .catch(() => undefined);
  return answer?.Stacks?.[0]?.StackStatus;
}

async function storedConfig(app: string): Promise<Record<string, any> | undefined> {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient, GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));
  const answer = await client
    .send(new GetCommand({ TableName: 'service_configurations', Key: { service_name: app, environment } }))
    .catch(() => undefined);
  return answer?.Item;
}

async function ecsView(app: string, logical: string) {
  const { name, service } = await ecsServiceOf(app, environment, logical);
  const sdk = await import('@aws-sdk/client-ecs');
  const client = new sdk.ECSClient(awsClientConfig());
  const definition = (
    await client.send(
      new sdk.DescribeTaskDefinitionCommand({ taskDefinition: service?.taskDefinition ?? '' }),
    )
  ).taskDefinition;
  return { name, service, definition, client, sdk };
}

const cli = (args: string[], cwd = folder) => runCli(args, { cwd, env: cliEnv() });
/** `update_service -e staging --name <app> --config-file <file> --yes` in the app folder. */
const updateService = (app: string, file: string) =>
  cli(['update_service', '-e', environment, '--name', app, '--config-file', file, '--yes']);

describe('create_service and update_service', () => {
  beforeAll(async () => {
    await resetTestbed();
    // This file is about stacks and stored configuration, not tasks: the app is never deployed, so tasks of its
    // placeholder image would fail to pull and ECS's circuit breaker would roll updates back. Scripted: they stay PENDING.
    await setEcsBehaviour({ pendingSeconds: 3600 });
    seed = await readyEnvironment(environment);
    secrets = await putAppParameters(environment, 'shop', {
      DATABASE_URL: 'postgres://db',
      API_TOKEN: 'tok',
    });
    folder = appFolder('shop', 'DATABASE_URL=postgres://localhost\nAPI_TOKEN=\n');
  });

  it('create_service --config-file --yes creates the stack, the ECS services and stores the configuration', async () => {
    const result = await cli([
      'create_service',
      '-e',
      environment,
      '--name',
      'shop',
      '--config-file',
      writeConfig('create.json', serviceConfig()),
      '--yes',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(await stackStatus('shop-staging')).toBe('CREATE_COMPLETE');
    expect(result.stderr).toContain('deploy_service');

    const web = await ecsView('shop', 'Shop');
    expect(web.service?.desiredCount).toBe(0);
    const main = web.definition?.containerDefinitions?.[0];
    expect(main?.image).toBe(
      `${testbed().accountId}.dkr.ecr.${testbed().region}.amazonaws.com/shop-repo:cloudlift-not-deployed-yet`,
    );
    expect(main?.portMappings?.[0]?.containerPort).toBe(8080);
    expect([main?.memoryReservation, main?.memory]).toEqual([256, 384]);
    expect(main?.secrets).toEqual(secrets.map(([name, valueFrom]) => ({ name, valueFrom })));

    const worker = await ecsView('shop', 'ShopWorker');
    expect([worker.definition?.cpu, worker.definition?.memory]).toEqual(['256', '512']);
    expect(worker.definition?.containerDefinitions?.[0]?.command).toEqual(['bin/worker']);

    const item = await storedConfig('shop');
    expect(item?.configuration.cloudlift_version).toBe('2.1.1');
    expect(item?.configuration.services.Shop.http_interface.alb_mode).toBe('dedicated');
    expect(item?.configuration.notifications_arn).toBe(seed.snsTopicArn);
  });

  it('create_service on an existing stack refuses and points at update_service', async () => {
    const result = await cli([
      'create_service',
      '-e',
      environment,
      '--name',
      'shop',
      '--config-file',
      'create.json',
      '--yes',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already exists');
    expect(result.stderr).toContain('cloudlift update_service -e staging --name shop');
  });

  it('update_service applies a change through a change set and keeps the running desired count', async () => {
    const web = await ecsView('shop', 'Shop');
    const scale = (desiredCount: number) =>
      web.client.send(
        new web.sdk.UpdateServiceCommand({
          cluster: `cluster-${environment}`,
          service: web.name,
          desiredCount,
        }),
      );
    await scale(2); // its tasks stay PENDING (see beforeAll)
    const changed = serviceConfig();
    changed.services.Shop.memory_reservation = 512;
    const result = await updateService('shop', writeConfig('update.json', changed));
    expect(result.code, result.stderr).toBe(0);
    expect(await stackStatus('shop-staging')).toBe('UPDATE_COMPLETE');
    const after = await ecsView('shop', 'Shop');
    expect(after.definition?.containerDefinitions?.[0]?.memoryReservation).toBe(512);
    expect(after.service?.desiredCount).toBe(2);
    expect((await storedConfig('shop'))?.configuration.services.Shop.memory_reservation).toBe(512);
  });

  it('update_service with nothing to change says so and exits 0', async () => {
    const result = await updateService('shop', 'update.json');
    expect(result.code, result.stderr).toBe(0);
    // Said once: the stack engine reports it; update_service used to add "already matches ...: nothing to update".
    const upToDate = result.stderr
      .split('\n')
      .filter(
        (line) =>
          /shop-staging/.test(line) && /up to date|nothing to update|already matches|no changes/i.test(line),
      );
    expect(upToDate).toEqual(['✔ No changes to shop-staging (service shop in staging): it is up to date.']);
  });

  it('update_service with a file that leaves alb_mode to the environment default shows no change', async () => {
    // Saving fills alb_mode in; the same file again must not show it as removed and ask to save a non-change.
    const updated = serviceConfig();
    updated.services.Shop.memory_reservation = 512; // as update.json, stored by the test above
    const { alb_mode: _mode, ...http } = updated.services.Shop.http_interface;
    updated.services.Shop.http_interface = http as typeof updated.services.Shop.http_interface;
    const result = await updateService('shop', writeConfig('default-mode.json', updated));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/remove\s+│ services\.Shop\.http_interface\.alb_mode/);
    expect(result.stderr).toContain(
      'No changes made: default-mode.json is the same as the stored service configuration',
    );
    expect((await storedConfig('shop'))?.configuration.services.Shop.http_interface.alb_mode).toBe(
      'dedicated',
    );
  });

  it('update_service not confirmed keeps the saved configuration and says how to apply it', async () => {
    const changed = serviceConfig();
    changed.services.Shop.memory_reservation = 320;
    // At a terminal: yes to saving the configuration, no to applying the change set.
    const result = await runInTerminal(
      [
        'update_service',
        '-e',
        environment,
        '--name',
        'shop',
        '--config-file',
        writeConfig('declined.json', changed),
      ],
      cliEnv({ NO_COLOR: '1' }),
      [
        { when: 'Save the service configuration of shop in staging?', send: 'y\r' },
        { when: 'Apply these changes to shop-staging?', send: 'n\r' },
      ],
      folder,
    );
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('stack shop-staging was not changed');
    expect(result.stderr).toContain(
      'The configuration is saved; it is applied the next time you run `cloudlift update_service -e staging --name shop`',
    );
    expect(result.stderr).not.toContain('nothing was changed');
    expect((await storedConfig('shop'))?.configuration.services.Shop.memory_reservation).toBe(320);
    const after = await ecsView('shop', 'Shop');
    expect(after.definition?.containerDefinitions?.[0]?.memoryReservation).toBe(512);

    // The saved configuration is what the next update applies (the file gives the same, so nothing is saved again).
    const applied = await updateService('shop', 'declined.json');
    expect(applied.stderr).not.toContain('Changes to the service configuration');
    expect(applied.code, applied.stderr).toBe(0);
    const now = await ecsView('shop', 'Shop');
    expect(now.definition?.containerDefinitions?.[0]?.memoryReservation).toBe(320);
    await updateService('shop', 'update.json');
  });

  it('without a terminal or editor, create_service and update_service say how to get a --config-file', async () => {
    const noEditor = { ...cliEnv(), VISUAL: undefined, EDITOR: undefined };
    const update = await runCli(['update_service', '-e', environment, '--name', 'shop'], {
      cwd: folder,
      env: noEditor,
    });
    expect(update.code).toBe(2);
    expect(update.stderr).toContain(
      '`cloudlift show_service -e staging --name shop > shop.json`, change that file, then run this command again with --config-file shop.json',
    );
    const create = await runCli(['create_service', '-e', environment, '--name', 'fresh'], {
      cwd: folder,
      env: noEditor,
    });
    expect(create.code).toBe(2);
    expect(create.stderr).toContain('`cloudlift schema service` lists every field');
    expect(create.stderr).toContain('`cloudlift create_service -e staging --name fresh --config-file FILE`');
    expect(await storedConfig('fresh')).toBeUndefined();
  });

  it('update_service of a service that was never created refuses without saving anything', async () => {
    const result = await updateService('ghost', 'create.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cloudlift create_service -e staging --name ghost');
    expect(await storedConfig('ghost')).toBeUndefined();
  });

  // Bad input: each run must fail before anything is written (no stack, no stored configuration).
  const base = () => serviceConfig({ ShopWorker: undefined });
  const cases: Array<[string, () => unknown, number, string]> = [
    [
      'Fargate size AWS rejects',
      () =>
        serviceConfig({
          ShopWorker: { command: null, memory_reservation: 64, fargate: { cpu: 256, memory: 4096 } },
        }),
      2,
      'services.ShopWorker.fargate.memory',
    ],
    [
      'host name that is not a FQDN',
      () => {
        const doc: any = base();
        doc.services.Shop.http_interface = {
          ...doc.services.Shop.http_interface,
          alb_mode: 'cluster',
          hostnames: ['shop'],
        };
        return doc;
      },
      2,
      'services.Shop.http_interface.hostnames.0',
    ],
    [
      'bad CIDR',
      () => {
        const doc: any = base();
        doc.services.Shop.http_interface.restrict_access_to = ['10.0.0.1/8'];
        return doc;
      },
      2,
      'restrict_access_to.0',
    ],
    [
      'unknown alb_mode',
      () => {
        const doc: any = base();
        doc.services.Shop.http_interface.alb_mode = 'shared';
        return doc;
      },
      2,
      'services.Shop.http_interface.alb_mode',
    ],
    [
      'service name with a dash',
      () => ({
        notifications_arn: seed.snsTopicArn,
        services: { 'bad-name': { command: null, memory_reservation: 64 } },
      }),
      2,
      'services.bad-name',
    ],
    [
      'a topic that does not exist',
      () => ({
        ...base(),
        notifications_arn: `arn:aws:sns:${testbed().region}:${testbed().accountId}:missing`,
      }),
      2,
      'does not exist',
    ],
    ['not JSON', () => '{ "services": ', 2, 'JSON'],
  ];

  it.each(cases)('bad input — %s: fails before anything is written', async (_what, make, code, words) => {
    const value = make();
    const file = 'bad.json';
    writeFileSync(join(folder, file), typeof value === 'string' ? value : JSON.stringify(value));
    const result = await cli([
      'create_service',
      '-e',
      environment,
      '--name',
      'fresh',
      '--config-file',
      file,
      '--yes',
    ]);
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).toContain(words);
    expect(await stackStatus('fresh-staging')).toBeUndefined();
    expect(await storedConfig('fresh')).toBeUndefined();
  });

  it('bad input — env.sample and Parameter Store disagree: exit 2 naming the keys, nothing created', async () => {
    const other = appFolder('fresh', 'DATABASE_URL=\n');
    writeFileSync(join(other, 'ok.json'), JSON.stringify(serviceConfig()));
    const result = await cli(
      ['create_service', '-e', environment, '--name', 'fresh', '--config-file', 'ok.json', '--yes'],
      other,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL');
    expect(await stackStatus('fresh-staging')).toBeUndefined();
    expect(await storedConfig('fresh')).toBeUndefined();
  });

  it('bad input — an environment that does not exist: exit 1, nothing created', async () => {
    const result = await cli([
      'create_service',
      '-e',
      'nowhere',
      '--name',
      'fresh',
      '--config-file',
      'create.json',
      '--yes',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cloudlift create_environment -e nowhere');
    expect(await stackStatus('fresh-nowhere')).toBeUndefined();
  });
});
