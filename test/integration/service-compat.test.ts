/* eslint-disable @typescript-eslint/no-explicit-any -- the tests poke into free-form JSON documents */
// Service records a teammate still on the Python Cloudlift (2.1.1) must keep loading: the default configuration saved
// by create_service passes the original's schema, a record in the original's layout is saved back in that layout by
// update_service, and two saves at once never overwrite each other. All through the real CLI against the testbed.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { loadLikeOriginal } from '../support/original-format.js';
import { appFolder, readyEnvironment } from '../support/service-fixture.js';
import { awsClientConfig, cliEnv, resetTestbed } from '../support/testbed.js';
import type { Seed } from '../support/testbed.js';

const environment = 'staging';
// Letters only: the original's schema validates only service keys matching ^[a-zA-Z]+$ (others it skips), so the
// default key `Shop` is really checked by it.
const app = 'shop';
let seed: Seed;
let folder: string;
let documents: DynamoDBDocumentClient;

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: folder, env: cliEnv(env) });

async function storedItem(name = app): Promise<Record<string, any> | undefined> {
  const answer = await documents.send(
    new GetCommand({
      TableName: 'service_configurations',
      Key: { service_name: name, environment },
      ConsistentRead: true,
    }),
  );
  return answer.Item;
}

function file(name: string, content: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** A service configuration as the original's editor flow saves it (its own default, with a real host name). */
function originalConfiguration(memory: number) {
  return {
    notifications_arn: seed.snsTopicArn,
    services: {
      Shop: {
        http_interface: {
          internal: true,
          restrict_access_to: ['0.0.0.0/0'],
          container_port: 80,
          health_check_path: '/elb-check',
          alb_mode: 'dedicated',
          hostnames: ['shop.example.com'],
        },
        memory_reservation: memory,
        command: null,
        spot_deployment: false,
      },
    },
  };
}

describe('service records the original Cloudlift keeps loading', () => {
  beforeAll(async () => {
    await resetTestbed();
    seed = await readyEnvironment(environment);
    folder = appFolder(app, '');
    documents = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));
  });

  it('create_service with the default configuration stores a record that passes the original schema', async () => {
    // A no-op editor: the default configuration is saved as generated.
    const result = await cli(['create_service', '-e', environment, '--name', app, '--yes'], {
      VISUAL: 'true',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Using the default configuration');
    const item = await storedItem();
    expect(item?.configuration.services.Shop.http_interface.hostnames).toEqual(['shop.staging.internal']);
    expect(loadLikeOriginal('service', environment, item?.configuration)).toBe('ok');
  });

  it("saves a record in the original's layout back in that layout through update_service", async () => {
    await documents.send(
      new PutCommand({
        TableName: 'service_configurations',
        Item: {
          service_name: app,
          environment,
          configuration: { ...originalConfiguration(250), cloudlift_version: '2.1.1' },
        },
      }),
    );
    const result = await cli([
      'update_service',
      '-e',
      environment,
      '--name',
      app,
      '--config-file',
      file('bigger.json', originalConfiguration(300)),
      '--yes',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const item = await storedItem();
    expect(Object.keys(item ?? {}).sort()).toEqual([
      'cloudlift_revision',
      'cloudlift_tool_version',
      'configuration',
      'environment',
      'service_name',
    ]);
    expect(item?.configuration).toEqual({ ...originalConfiguration(300), cloudlift_version: '2.1.1' });
    expect(loadLikeOriginal('service', environment, item?.configuration)).toBe('ok');
  });

  it('create_service --config-file for a new app shows the file as new, not as removals of a default never shown', async () => {
    const web = { command: null, memory_reservation: 128 };
    const result = await cli([
      'create_service',
      '-e',
      environment,
      '--name',
      'cart',
      '--config-file',
      file('cart.json', {
        // A topic that does not exist: the command stops after the preview, before anything is written.
        notifications_arn: `${seed.snsTopicArn}-missing`,
        services: { Web: web },
      }),
      '--yes',
    ]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/add\s+.*services\.Web\.memory_reservation/);
    expect(result.stderr).not.toMatch(/remove\s/);
    expect(result.stderr).not.toContain('services.Cart');
    expect(await storedItem('cart')).toBeUndefined();
  });

  it('two saves at once: the second gets the conflict error and nothing of it is written', async () => {
    const theirs = file('theirs.json', originalConfiguration(320));
    // The scripted editor plays two people: while "our" editor is open, a colleague saves through the real CLI;
    // then our edit is written into the editor's file.
    const editor = file(
      'editor.sh',
      [
        '#!/bin/sh',
        `node ${JSON.stringify(join(process.cwd(), 'bin/cloudlift.mjs'))} update_service -e ${environment} --name ${app} --config-file ${JSON.stringify(theirs)} --yes >/dev/null 2>&1 || exit 7`,
        `sed -i 's/"memory_reservation": 300/"memory_reservation": 340/' "$1"`,
      ].join('\n'),
    );
    chmodSync(editor, 0o755);
    const before = (await storedItem())?.cloudlift_revision as number;
    const result = await cli(['update_service', '-e', environment, '--name', app, '--yes'], {
      VISUAL: editor,
    });
    expect(result.stderr).toContain('changed by someone else');
    expect(result.code).toBe(1);
    const item = await storedItem();
    expect(item?.configuration.services.Shop.memory_reservation).toBe(320);
    expect(item?.cloudlift_revision).toBe(before + 1);
  });
});
