// A deploy_service whose RegisterTaskDefinition fails part-way (the second of two services): the failed release in
// the ledger keeps the revision registered before the failure and what each service ran. The deploy runs in-process
// against the moto testbed; moto accepts every task definition a deploy derives from a running one, so that one
// rejection is made with aws-sdk-client-mock (every other ECS call goes through to moto). The ledger is then read
// through the real CLI (`releases --json`).
import { ClientException, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { ServiceOutputTypes } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployService } from '../../src/deploy/release/deploy-service.js';
import { recordDeploy } from '../../src/deploy/release/releases.js';
import { runCli } from '../support/cli.js';
import { makeTestContext, newCapture } from '../support/context.js';
import { awsClientConfig, cliEnv, resetTestbed } from '../support/testbed.js';
import { deployableApp, describeEcsService } from './operate-fixture.js';
import type { DeployableApp } from './operate-fixture.js';

const environment = 'staging';
let shop: DeployableApp;
let ecs: AwsClientStub<ECSClient> | undefined;

interface ReleaseJson {
  number: number;
  outcome: string;
  reason?: string;
  services: { component: string; taskDefinition: string; previousTaskDefinition?: string }[];
  serviceOutcomes?: { component: string; outcome: string; reason?: string }[];
}

beforeAll(async () => {
  await resetTestbed();
  shop = await deployableApp(awsClientConfig(), {
    app: 'shop',
    environment,
    components: ['Web', 'Worker'],
    tags: ['v1'],
  });
});

afterAll(() => {
  ecs?.restore();
});

async function running(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [component, name] of Object.entries(shop.ecsServices)) {
    out[component] = (await describeEcsService(awsClientConfig(), shop.cluster, name)).taskDefinition ?? '';
  }
  return out;
}

describe('a RegisterTaskDefinition failure part-way through deploy_service', () => {
  it('records the failed release with the revision registered before it and what each service ran', async () => {
    const before = await running();
    type Sent = Parameters<AwsClientStub<ECSClient>['send']>[0];
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the client as `this`
    const realSend = ECSClient.prototype.send as (
      this: ECSClient,
      command: Sent,
    ) => Promise<ServiceOutputTypes>;
    const mock = mockClient(ECSClient);
    ecs = mock;
    let registrations = 0;
    // The second registration is rejected as ECS would reject an invalid one; everything else reaches moto.
    mock.send.callsFake(function (this: ECSClient, command: Sent) {
      if (command instanceof RegisterTaskDefinitionCommand) {
        registrations += 1;
        if (registrations === 2) {
          return Promise.reject(
            new ClientException({ message: 'Too many tags on the task definition', $metadata: {} }),
          );
        }
      }
      return realSend.call(this, command);
    });
    const capture = newCapture();
    const ctx = makeTestContext({ env: cliEnv(), cwd: shop.folder, capture });
    const deploy = recordDeploy(ctx, { app: 'shop', environment }, (recording) =>
      deployService(ctx, {
        environment,
        app: 'shop',
        version: 'v1',
        buildArgs: {},
        force: false,
        settings: { timeoutMs: 60_000, maxFailedTasks: 3 },
        concurrency: 4,
        recording,
      }),
    );
    await expect(deploy).rejects.toThrow('Too many tags on the task definition');
    mock.restore();
    ecs = undefined;
    expect(registrations).toBe(2);
    expect(await running()).toEqual(before); // nothing rolled out

    const listed = await runCli(['releases', '-e', environment, '--name', 'shop', '--json'], {
      env: cliEnv(),
      cwd: shop.folder,
    });
    expect(listed.code, listed.stderr).toBe(0);
    const [release] = JSON.parse(listed.stdout) as ReleaseJson[];
    expect(release?.outcome).toBe('failed');
    expect(release?.reason).toContain('Too many tags on the task definition');
    // Services deploy in stack-output order: the first one's revision was registered, the second's was refused.
    const [first, second] = Object.keys(shop.ecsServices);
    expect(release?.services).toEqual([
      {
        component: first,
        ecsService: shop.ecsServices[first ?? ''],
        taskDefinition: expect.stringMatching(
          new RegExp(`:task-definition/${first ?? ''}Family:2$`),
        ) as unknown,
        previousTaskDefinition: before[first ?? ''],
      },
    ]);
    expect(release?.serviceOutcomes).toEqual([
      {
        component: first,
        outcome: 'not-started',
        reason: expect.stringContaining('nothing changed') as unknown,
      },
      {
        component: second,
        outcome: 'failed',
        reason: expect.stringMatching(
          /^its new task definition could not be registered: .*Too many tags on the task definition$/,
        ) as unknown,
      },
    ]);
  });
});
