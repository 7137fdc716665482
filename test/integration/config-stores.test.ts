// The configuration stores through the real CLI against the emulator: creating records, reading them, the
// concurrent-edit conflict, and compatibility with records in the original Cloudlift's exact layout.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { runInTerminal } from './session-fixture.js';
import { loadLikeOriginal, originalEnvironmentDocument } from '../support/original-format.js';
import { awsClientConfig, cliEnv, resetTestbed, seedAccount } from '../support/testbed.js';
import { saveServiceRecord } from '../support/stored-config.js';

let documents: DynamoDBDocumentClient;
let environmentDocument: ReturnType<typeof originalEnvironmentDocument>;
const work = mkdtempSync(join(tmpdir(), 'cloudlift-stores-'));

function file(name: string, content: unknown): string {
  const path = join(work, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

async function rawEnvironmentItem(environment: string): Promise<Record<string, unknown> | undefined> {
  const result = await documents.send(
    new GetCommand({ TableName: 'environment_configurations', Key: { environment }, ConsistentRead: true }),
  );
  return result.Item;
}

beforeAll(async () => {
  await resetTestbed();
  const seed = await seedAccount();
  environmentDocument = originalEnvironmentDocument({
    eip: seed.eipAllocationId,
    sns: seed.snsTopicArn,
    certificate: seed.certificateArn,
    key: seed.keyName,
  });
  documents = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig()));
});

describe('environment records', () => {
  it('reports a missing environment without creating any table', async () => {
    const result = await runCli(['show_environment', '-e', 'nowhere'], { env: cliEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Environment "nowhere" not found');
    expect(result.stderr).toContain('cloudlift create_environment -e nowhere');
    await expect(
      new DynamoDBClient(awsClientConfig()).send(
        new DescribeTableCommand({ TableName: 'environment_configurations' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('creates the table and a record in the original layout, and reads it back', async () => {
    const created = await runCli(
      [
        'edit_environment',
        '-e',
        'staging',
        '--config-file',
        file('staging.json', environmentDocument),
        '--yes',
      ],
      { env: cliEnv() },
    );
    expect(created.stderr).toContain('Creating the DynamoDB table environment_configurations');
    expect(created.code).toBe(0);
    // A new record has no stack yet: the next step creates it (update_environment would refuse).
    expect(created.stderr).toMatch(/Next:\n\s+cloudlift create_environment -e staging /);

    const item = await rawEnvironmentItem('staging');
    expect(item).toEqual({
      environment: 'staging',
      configuration: { staging: environmentDocument, cloudlift_version: '2.1.1' },
      cloudlift_revision: 1,
      cloudlift_tool_version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(loadLikeOriginal('environment', 'staging', item?.configuration)).toBe('ok');

    const shown = await runCli(['show_environment', '-e', 'staging', '--json'], { env: cliEnv() });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual(environmentDocument);
  });

  it('rejects an invalid configuration naming the field, and keeps the stored one', async () => {
    const broken = {
      ...environmentDocument,
      cluster: { ...environmentDocument.cluster, min_instances: '1' },
    };
    const result = await runCli(
      ['edit_environment', '-e', 'staging', '--config-file', file('broken.json', broken), '--yes'],
      { env: cliEnv() },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/staging\.cluster\.min_instances: expected a number, got "1"/);
    expect((await rawEnvironmentItem('staging'))?.cloudlift_revision).toBe(1);
  });

  it('rejects broken JSON with its line and column', async () => {
    const result = await runCli(
      [
        'edit_environment',
        '-e',
        'staging',
        '--config-file',
        file('syntax.json', '{\n  "region": "us-east-1",\n}'),
        '--yes',
      ],
      { env: cliEnv() },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Invalid JSON in .*syntax\.json at line 3, column 1/);
  });

  it('says "No changes" for an identical document and writes nothing', async () => {
    const result = await runCli(
      ['edit_environment', '-e', 'staging', '--config-file', file('same.json', environmentDocument), '--yes'],
      { env: cliEnv() },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /No changes made: \S*\/same\.json is the same as the stored configuration of environment staging\./,
    );
    expect((await rawEnvironmentItem('staging'))?.cloudlift_revision).toBe(1);
  });

  it('refuses to overwrite a change made by someone else while the editor was open', async () => {
    const theirs = { ...environmentDocument, cluster: { ...environmentDocument.cluster, max_instances: 9 } };
    const theirFile = file('theirs.json', theirs);
    // The scripted editor plays two people: while "our" editor is open, a colleague saves through the real CLI;
    // then our edit is saved into the editor's file.
    const editor = file(
      'editor.sh',
      [
        '#!/bin/sh',
        `node ${JSON.stringify(join(process.cwd(), 'bin/cloudlift.mjs'))} edit_environment -e staging --config-file ${JSON.stringify(theirFile)} --yes >/dev/null 2>&1 || exit 7`,
        `sed -i 's/"max_instances": 5/"max_instances": 3/' "$1"`,
      ].join('\n'),
    );
    chmodSync(editor, 0o755);
    const result = await runCli(['edit_environment', '-e', 'staging', '--yes'], {
      env: cliEnv({ VISUAL: editor }),
    });
    expect(result.stderr).toContain('changed by someone else');
    expect(result.code).toBe(1);
    const item = await rawEnvironmentItem('staging');
    expect((item?.configuration as { staging: typeof theirs }).staging.cluster.max_instances).toBe(9);
    expect(item?.cloudlift_revision).toBe(2);
  });

  it('on a terminal, shows what is wrong with an edit and reopens the editor until it is valid', async () => {
    // The editor breaks the JSON on its first run; on the second (the faulty text is reopened, as in the original)
    // the "user" replaces it with a valid document where max_instances is 4.
    const counter = join(work, 'editor-runs');
    const fixed = file('fixed.json', {
      ...environmentDocument,
      cluster: { ...environmentDocument.cluster, max_instances: 4 },
    });
    const editor = file(
      'reopen-editor.sh',
      [
        '#!/bin/sh',
        `n=$(cat ${JSON.stringify(counter)} 2>/dev/null || echo 0); n=$((n + 1)); echo $n > ${JSON.stringify(counter)}`,
        'if [ "$n" = 1 ]; then printf "{ broken" > "$1"; exit 0; fi',
        `grep -q broken "$1" || exit 9`,
        `cp ${JSON.stringify(fixed)} "$1"`,
      ].join('\n'),
    );
    chmodSync(editor, 0o755);
    const before = (await rawEnvironmentItem('staging'))?.cloudlift_revision as number;
    const result = await runInTerminal(
      ['edit_environment', '-e', 'staging'],
      cliEnv({ VISUAL: editor, NO_COLOR: '1' }),
      [
        { when: 'Reopen the editor to fix it?', send: 'y\r' },
        { when: 'Save the configuration of environment staging?', send: 'y\r' },
      ],
    );
    expect(result.stdout).toContain('Invalid JSON in the edited configuration');
    expect(result.stdout).toContain('cluster.max_instances');
    expect(result.code).toBe(0);
    const item = await rawEnvironmentItem('staging');
    expect(
      (item?.configuration as { staging: { cluster: { max_instances: number } } }).staging.cluster
        .max_instances,
    ).toBe(4);
    expect(item?.cloudlift_revision).toBe(before + 1);
  });

  it('on a terminal, Ctrl-C at the confirmation stops cleanly (exit 130) and saves nothing', async () => {
    const before = (await rawEnvironmentItem('staging'))?.cloudlift_revision;
    const changed = { ...environmentDocument, cluster: { ...environmentDocument.cluster, max_instances: 6 } };
    const result = await runInTerminal(
      ['edit_environment', '-e', 'staging', '--config-file', file('ctrl-c.json', changed)],
      cliEnv({ NO_COLOR: '1' }),
      [{ when: 'Save the configuration of environment staging?', send: '\u0003' }],
    );
    expect(result.stdout).toContain('Interrupted at "Save the configuration of environment staging?"');
    expect(result.stdout).not.toContain('Unexpected error');
    expect(result.code).toBe(130);
    expect((await rawEnvironmentItem('staging'))?.cloudlift_revision).toBe(before);
  });

  it('loads a record written by the original unchanged and saves it back in the same layout', async () => {
    const legacy = {
      ...environmentDocument,
      cluster: { ...environmentDocument.cluster, spot_allocation_strategy: 'capacity-optimized' },
    };
    await documents.send(
      new PutCommand({
        TableName: 'environment_configurations',
        Item: { environment: 'legacy', configuration: { legacy, cloudlift_version: '2.0.6' } },
      }),
    );
    const shown = await runCli(['show_environment', '-e', 'legacy'], { env: cliEnv() });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual(legacy);

    const changed = { ...legacy, cluster: { ...legacy.cluster, max_instances: 7 } };
    const saved = await runCli(
      [
        'edit_environment',
        '-e',
        'legacy',
        '--config-file',
        file('legacy.json', { legacy: changed, cloudlift_version: '2.0.6' }),
        '--yes',
      ],
      { env: cliEnv() },
    );
    expect(saved.code).toBe(0);
    const item = await rawEnvironmentItem('legacy');
    // The record keeps its 2.0.6 stamp: teammates still on Cloudlift 2.0.6 can load it.
    expect(item?.configuration).toEqual({ legacy: changed, cloudlift_version: '2.0.6' });
    expect(loadLikeOriginal('environment', 'legacy', item?.configuration)).toBe('ok');
  });

  it('refuses a record saved by a newer cloudlift (downgrade guard)', async () => {
    await documents.send(
      new PutCommand({
        TableName: 'environment_configurations',
        Item: {
          environment: 'future',
          configuration: { future: environmentDocument, cloudlift_version: '2.1.1' },
          cloudlift_revision: 4,
          cloudlift_tool_version: '99.0.0',
        },
      }),
    );
    const result = await runCli(['show_environment', '-e', 'future'], { env: cliEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cloudlift 99.0.0 was used to save');
    expect(result.stderr).toContain('npm install -g cloudlift@99.0.0');
  });
});

describe('service records', () => {
  it('reads a service record in the original layout unchanged', async () => {
    const configuration = {
      notifications_arn: 'arn:aws:sns:us-east-1:123456789012:alerts',
      services: {
        Dummy: {
          http_interface: {
            internal: false,
            restrict_access_to: ['0.0.0.0/0'],
            container_port: 80,
            health_check_path: '/elb-check',
            alb_mode: 'dedicated',
            hostnames: ['dummy.example.com'],
          },
          memory_reservation: 250,
          command: null,
        },
      },
      cloudlift_version: '2.1.1',
    };
    expect(loadLikeOriginal('service', 'staging', configuration)).toBe('ok');
    await saveServiceRecord('dummy', 'staging', configuration);
    const shown = await runCli(['show_service', '-e', 'staging', '--name', 'dummy', '--json'], {
      env: cliEnv(),
    });
    expect(shown.code).toBe(0);
    const { cloudlift_version: _version, ...document } = configuration;
    expect(JSON.parse(shown.stdout)).toEqual(document);
  });
});
