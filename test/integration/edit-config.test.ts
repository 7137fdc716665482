// edit_config end to end: the real CLI process against the moto testbed, with scripted $VISUAL editors. Every CLI
// output of this file is collected and checked for the secret test values at the end (only --reveal may show them).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../support/cli.js';
import type { CliResult } from '../support/cli.js';
import { makeTestContext } from '../support/context.js';
import { registerSecret, scanForLeaks } from '../support/secrets.js';
import { saveEnvironmentRecord, saveServiceRecord } from '../support/stored-config.js';
import { cliEnv, resetTestbed, testbed } from '../support/testbed.js';
import { loadTaskSecrets } from '../../src/deploy/config/env-sample.js';

const environment = 'staging';
let scratch: string;
let editorScript: string;
let ssm: SSMClient;

/** Every CLI run of this file: its arguments and everything it printed. */
const transcripts: { file: string; test: string; args: string[]; stdout: string; stderr: string }[] = [];
/** Secret test values; none may appear in a run without --reveal. */
const secrets: string[] = [];

/** A distinctive secret test value, also registered for the whole suite's leak check. */
function secret(label: string): string {
  const value = registerSecret(`s3cr3t-${label}-${randomUUID()}`);
  secrets.push(value);
  return value;
}

interface Run {
  env?: Record<string, string | undefined>;
  cwd?: string;
  interruptAfterMs?: number;
  input?: string;
}

async function cloudlift(args: string[], run: Run = {}): Promise<CliResult> {
  const result = await runCli(args, {
    env: { ...cliEnv(), ...run.env },
    cwd: run.cwd ?? scratch,
    interruptAfterMs: run.interruptAfterMs,
    input: run.input,
  });
  transcripts.push({ file: 'edit-config.test.ts', test: '', args, ...result });
  return result;
}

/** `edit_config -e staging --name <app> ...` */
function editConfig(app: string, args: string[], run: Run = {}): Promise<CliResult> {
  return cloudlift(['edit_config', '-e', environment, '--name', app, ...args], run);
}

/** The env of a run whose $VISUAL is the scripted editor; `FAKE_EDITOR_*` variables script it. */
function editorEnv(app: string, script: Record<string, string>): Record<string, string | undefined> {
  return {
    VISUAL: `'${process.execPath}' '${editorScript}'`,
    EDITOR: undefined,
    FAKE_EDITOR_LOG: join(scratch, `${app}-editor.log`),
    ...script,
  };
}

/** A service record in service_configurations, as the original stores it (edit_config only checks it exists). */
async function saveAppServiceRecord(app: string, configuration: Record<string, unknown>): Promise<void> {
  await saveServiceRecord(app, environment, { ...configuration, cloudlift_version: '2.1.1' });
}

interface EditorVisit {
  file: string;
  mode: number;
  folderMode: number;
  text: string;
}

function editorVisits(app: string): EditorVisit[] {
  const log = join(scratch, `${app}-editor.log`);
  if (!existsSync(log)) {
    return [];
  }
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as EditorVisit);
}

/** The stored values of an app, read straight from SSM (decrypted), for checking what the CLI did. */
async function stored(app: string): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  let token: string | undefined;
  do {
    const page = await ssm.send(
      new GetParametersByPathCommand({
        Path: `/${environment}/${app}/`,
        WithDecryption: true,
        NextToken: token,
      }),
    );
    for (const parameter of page.Parameters ?? []) {
      values[(parameter.Name ?? '').split('/').pop() ?? ''] = parameter.Value ?? '';
    }
    token = page.NextToken;
  } while (token !== undefined);
  return values;
}

async function seed(app: string, values: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    await ssm.send(
      new PutParameterCommand({
        Name: `/${environment}/${app}/${key}`,
        Value: value,
        Type: 'SecureString',
        KeyId: 'alias/aws/ssm',
        Overwrite: true,
      }),
    );
  }
}

const fakeEditor = `
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
const file = process.argv[2];
const env = process.env;
appendFileSync(env.FAKE_EDITOR_LOG, JSON.stringify({
  file, mode: statSync(file).mode & 0o777, folderMode: statSync(dirname(file)).mode & 0o777,
  text: readFileSync(file, 'utf8'),
}) + '\\n');
if (env.FAKE_EDITOR_MEANWHILE) execFileSync('/bin/sh', ['-c', env.FAKE_EDITOR_MEANWHILE], { stdio: 'inherit' });
let text = readFileSync(file, 'utf8');
if (env.FAKE_EDITOR_WRITE !== undefined) text = env.FAKE_EDITOR_WRITE;
for (const [from, to] of JSON.parse(env.FAKE_EDITOR_REPLACE ?? '[]')) text = text.replace(from, to);
if (env.FAKE_EDITOR_APPEND) text += env.FAKE_EDITOR_APPEND;
writeFileSync(file, text);
if (env.FAKE_EDITOR_SLEEP_MS) await new Promise((resolve) => setTimeout(resolve, Number(env.FAKE_EDITOR_SLEEP_MS)));
process.exit(Number(env.FAKE_EDITOR_EXIT ?? '0'));
`;

beforeAll(async () => {
  await resetTestbed();
  const bed = testbed();
  const env = cliEnv();
  const client = {
    endpoint: bed.endpoint,
    region: bed.region,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'testing',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'testing',
    },
  };
  ssm = new SSMClient(client);
  // The environment as the original Cloudlift stores it: edit_config reads its region from here.
  await saveEnvironmentRecord(environment, { region: bed.region });
  scratch = mkdtempSync(join(tmpdir(), 'cloudlift-edit-config-'));
  editorScript = join(scratch, 'fake-editor.mjs');
  writeFileSync(editorScript, fakeEditor);
});

afterAll(() => {
  // The point of the whole file: no secret value in any output, except where --reveal asked for it. The suite-wide
  // check (zz-secret-leaks.test.ts) repeats this over every run; this one also holds when the file runs alone.
  const scan = scanForLeaks(transcripts, secrets);
  expect(scan.leaks).toEqual([]);
  if (scan.revealRuns > 0) {
    expect(scan.revealed).toBeGreaterThan(0); // the check does see secrets where they are printed
  }
  if (scratch !== undefined) {
    rmSync(scratch, { recursive: true, force: true });
  }
});

describe('edit_config --set / --unset', () => {
  it('creates SecureStrings with alias/aws/ssm that read back decrypted exactly as set', async () => {
    const token = secret('token');
    const tricky = `${secret('tricky')} with spaces, = signs, # hashes and ünïcode`;
    const result = await editConfig('roundtrip', [
      '--set',
      `API_TOKEN=${token}`,
      `TRICKY=${tricky}`,
      '--yes',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('2 to add, 0 to change, 0 to remove');
    expect(result.stderr).toContain('Updated roundtrip in staging: 2 added, 0 changed, 0 removed.');
    const parameter = await ssm.send(
      new GetParameterCommand({ Name: '/staging/roundtrip/API_TOKEN', WithDecryption: true }),
    );
    expect(parameter.Parameter?.Type).toBe('SecureString');
    expect(parameter.Parameter?.Value).toBe(token);
    expect((await stored('roundtrip')).TRICKY).toBe(tricky);
    const described = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Values: ['/staging/roundtrip/API_TOKEN'] }],
      }),
    );
    expect(described.Parameters?.[0]?.KeyId).toBe('alias/aws/ssm');
    // The app has no services yet (the README's workflow sets variables first): the next step is create_service.
    expect(result.stderr).toContain('roundtrip has no services in staging yet.');
    expect(result.stderr).toMatch(/Next:\n\s+cloudlift create_service -e staging --name roundtrip/);
    expect(result.stderr).not.toContain('deploy_service');
  });

  it('names deploy_service as the next step once the app has a service configuration', async () => {
    await saveAppServiceRecord('deployed', {
      notifications_arn: 'arn:aws:sns:us-east-1:123456789012:t',
      services: {},
    });
    const result = await editConfig('deployed', ['--set', `TOKEN=${secret('deployed')}`, '--yes']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Running containers keep the old values until the next deploy.');
    expect(result.stderr).toMatch(/Next:\n\s+cloudlift deploy_service -e staging --name deployed/);
  });

  it('changes and removes, masking values in the preview', async () => {
    const old = secret('old');
    const fresh = secret('fresh');
    await seed('change', { KEEP: 'kept-value-123', CHANGE_ME: old, DROP_ME: secret('drop') });
    const result = await editConfig('change', ['--set', `CHANGE_ME=${fresh}`, '--unset', 'DROP_ME', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/change\s+│ CHANGE_ME\s+│ s3\*\*\*\*\w\w\s+│ s3\*\*\*\*\w\w/);
    expect(result.stderr).toMatch(/remove\s+│ DROP_ME/);
    expect(await stored('change')).toEqual({ KEEP: 'kept-value-123', CHANGE_ME: fresh });
  });

  it('removes more than 10 variables at once (AWS deletes at most 10 per call)', async () => {
    const values = Object.fromEntries(
      Array.from({ length: 23 }, (_, index) => [`VAR_${index}`, `value-${index}`]),
    );
    await seed('many', { ...values, STAYS: 'here' });
    const listed = await editConfig('many', ['--list']);
    expect(listed.stdout.trim().split('\n')).toHaveLength(24); // read across pages of 10
    const result = await editConfig('many', ['--unset', ...Object.keys(values), '--yes']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('0 added, 0 changed, 23 removed');
    expect(await stored('many')).toEqual({ STAYS: 'here' });
  });

  it('stores values over 4 KB in the Advanced tier', async () => {
    const big = `${secret('big')}${'x'.repeat(5000)}`;
    const result = await editConfig('big', ['--set', `CERT=${big}`, '--yes']);
    expect(result.code).toBe(0);
    expect((await stored('big')).CERT).toBe(big);
    const described = await ssm.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/staging/big/CERT'] }] }),
    );
    expect(described.Parameters?.[0]?.Tier).toBe('Advanced');
  });

  it('rejects bad arguments before touching AWS', async () => {
    const value = secret('bad-args');
    const result = await editConfig('bad-args', ['--set', `BAD/KEY=${value}`, 'NOEQUALS', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--set argument 1');
    expect(result.stderr).toContain('--set argument 2 has no "="');
    expect(await stored('bad-args')).toEqual({});
    const mixed = await editConfig('bad-args', ['--list', '--set', 'A=1']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--list cannot be combined');
  });

  it('refuses to apply without --yes when there is no terminal, changing nothing', async () => {
    await seed('no-yes', { A: 'one-value-here' });
    const result = await editConfig('no-yes', ['--set', 'A=two']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Pass --yes');
    expect(await stored('no-yes')).toEqual({ A: 'one-value-here' });
  });

  it('says so when nothing changes', async () => {
    await seed('same', { A: 'same-value' });
    const result = await editConfig('same', ['--set', 'A=same-value', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('No changes made');
    const json = await editConfig('same', ['--set', 'A=same-value', '--yes', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      environment,
      app: 'same',
      added: [],
      changed: [],
      removed: [],
    });
  });

  it('names a missing environment and how to create it', async () => {
    const result = await cloudlift(['edit_config', '-e', 'nowhere', '--name', 'app', '--list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Environment "nowhere" not found');
    expect(result.stderr).toContain('cloudlift create_environment -e nowhere');
  });
});

describe('edit_config --from-file and --list', () => {
  it('replaces every variable with the file, after the same preview', async () => {
    const keep = secret('keep');
    await seed('from-file', { OLD: secret('old-file'), KEEP: keep });
    const fresh = secret('file-new');
    writeFileSync(join(scratch, 'from-file.env'), `# comment\nKEEP=${keep}\nNEW=${fresh}\n`);
    const result = await editConfig('from-file', ['--from-file', 'from-file.env', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('1 to add, 0 to change, 1 to remove');
    expect(await stored('from-file')).toEqual({ KEEP: keep, NEW: fresh });
  });

  it('refuses an empty source that would remove every variable, unless --allow-empty', async () => {
    const values = { A: secret('empty-a'), B: secret('empty-b') };
    await seed('empty-source', values);
    // `false | cloudlift edit_config --from-file - --yes`: the command feeding stdin failed and wrote nothing.
    const piped = await editConfig('empty-source', ['--from-file', '-', '--yes'], { input: '' });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('stdin has no KEY=VALUE lines; refusing to remove all 2 variables');
    expect(piped.stderr).toContain('pass --allow-empty to really remove them');
    expect(await stored('empty-source')).toEqual(values);
    writeFileSync(join(scratch, 'comments-only.env'), '# nothing here\n\n');
    const commented = await editConfig('empty-source', ['--from-file', 'comments-only.env', '--yes']);
    expect(commented.code).toBe(2);
    expect(commented.stderr).toContain('comments-only.env has no KEY=VALUE lines');
    expect(await stored('empty-source')).toEqual(values);
    const allowed = await editConfig('empty-source', ['--from-file', '-', '--allow-empty', '--yes'], {
      input: '',
    });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toContain('0 added, 0 changed, 2 removed');
    expect(await stored('empty-source')).toEqual({});
  });

  it('rejects a file with problems, naming the lines, and changes nothing', async () => {
    await seed('bad-file', { A: 'untouched-value' });
    writeFileSync(join(scratch, 'bad.env'), `A=1\n${secret('no-key-line')}\nB=2\nB=3\n`);
    const result = await editConfig('bad-file', ['--from-file', 'bad.env', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line 2: no "="');
    expect(result.stderr).toContain('line 4: B is already set on line 3');
    expect(await stored('bad-file')).toEqual({ A: 'untouched-value' });
  });

  it('lists masked values, as lines or JSON, and full values only with --reveal', async () => {
    const long = secret('listed');
    await seed('listing', { LONG: long, SHORT: 'tiny' });
    const masked = await editConfig('listing', ['--list']);
    expect(masked.code).toBe(0);
    expect(masked.stdout).toBe(`LONG=s3****${long.slice(-2)}\nSHORT=********\n`);
    const json = await editConfig('listing', ['--list', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ LONG: `s3****${long.slice(-2)}`, SHORT: '********' });
    const revealed = await editConfig('listing', ['--list', '--json', '--reveal']);
    expect(JSON.parse(revealed.stdout)).toEqual({ LONG: long, SHORT: 'tiny' });
    const lines = await editConfig('listing', ['--list', '--reveal']);
    expect(lines.stdout).toBe(`LONG=${long}\nSHORT=tiny\n`);
  });

  it('round-trips --list --reveal through --from-file, keeping values a line cannot hold', async () => {
    const pem = `-----BEGIN KEY-----\n${secret('pem-list')}\n-----END KEY-----\n`;
    const padded = `${secret('padded')}  `;
    const plain = secret('plain');
    await seed('round-trip', { PEM: pem, PADDED: padded, PLAIN: plain });
    const listed = await editConfig('round-trip', ['--list', '--reveal']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(`PLAIN=${plain}\n`);
    expect(listed.stderr).toContain('Not listed: PADDED, PEM');
    const masked = await editConfig('round-trip', ['--list']);
    expect(masked.stdout).toBe(`PLAIN=s3****${plain.slice(-2)}\n`);
    expect(masked.stderr).toContain('Not listed: PADDED, PEM');
    const json = await editConfig('round-trip', ['--list', '--json', '--reveal']);
    expect(JSON.parse(json.stdout)).toEqual({ PADDED: padded, PEM: pem, PLAIN: plain });
    writeFileSync(join(scratch, 'round-trip.env'), listed.stdout);
    const back = await editConfig('round-trip', ['--from-file', 'round-trip.env', '--yes']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toContain('Kept unchanged');
    expect(back.stderr).toContain('No changes made');
    const changed = secret('plain-2');
    writeFileSync(join(scratch, 'round-trip.env'), `PLAIN=${changed}\n`);
    const replaced = await editConfig('round-trip', ['--from-file', 'round-trip.env', '--yes']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(await stored('round-trip')).toEqual({ PEM: pem, PADDED: padded, PLAIN: changed });
  });

  it('warns when the result no longer matches env.sample in the current folder', async () => {
    const folder = mkdtempSync(join(scratch, 'app-'));
    writeFileSync(join(folder, 'env.sample'), 'A=example\nB=example\n');
    const result = await editConfig('sampled', ['--set', 'A=1', 'C=3', '--yes'], { cwd: folder });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('in env.sample but not in Parameter Store: B');
    expect(result.stderr).toContain('in Parameter Store but not in env.sample: C');
    expect(result.stderr).toContain('--set B=...');
  });

  it('never prints values with --verbose', async () => {
    await seed('verbose', { TOKEN: secret('verbose') });
    const result = await editConfig('verbose', [
      '--set',
      `TOKEN=${secret('verbose-new')}`,
      '--yes',
      '--verbose',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('/staging/verbose/TOKEN');
  });
});

describe('edit_config in $VISUAL', () => {
  it('applies adds, changes and removes from the editor; the temp file was private and is gone', async () => {
    const changed = secret('edited');
    await seed('editor', { B_CHANGE: 'before-value-1', A_REMOVE: 'going-away-1', C_KEEP: 'stays-put-1' });
    const result = await editConfig('editor', ['--yes'], {
      env: editorEnv('editor', {
        FAKE_EDITOR_REPLACE: JSON.stringify([
          ['A_REMOVE=going-away-1\n', ''],
          ['B_CHANGE=before-value-1', `B_CHANGE=${changed}`],
        ]),
        FAKE_EDITOR_APPEND: 'D_ADD=new-value-1\n',
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('1 to add, 1 to change, 1 to remove');
    expect(await stored('editor')).toEqual({
      B_CHANGE: changed,
      C_KEEP: 'stays-put-1',
      D_ADD: 'new-value-1',
    });
    const [visit] = editorVisits('editor');
    expect(visit?.mode).toBe(0o600);
    expect(visit?.folderMode).toBe(0o700);
    expect(visit?.text).toContain('A_REMOVE=going-away-1\nB_CHANGE=before-value-1\nC_KEEP=stays-put-1\n');
    expect(existsSync(visit?.file ?? '')).toBe(false);
  });

  it('says "No changes made" when the editor saves nothing new', async () => {
    await seed('unchanged', { A: 'value-a-1' });
    const result = await editConfig('unchanged', ['--yes', '--json'], { env: editorEnv('unchanged', {}) });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('No changes made');
    expect(JSON.parse(result.stdout)).toMatchObject({
      app: 'unchanged',
      added: [],
      changed: [],
      removed: [],
    });
  });

  it('changes nothing when the editor crashes, and removes the temp file', async () => {
    await seed('crash', { A: 'value-a-1' });
    const result = await editConfig('crash', ['--yes'], {
      env: editorEnv('crash', { FAKE_EDITOR_WRITE: 'A=changed\n', FAKE_EDITOR_EXIT: '1' }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('editor exited with status 1; nothing was changed');
    expect(await stored('crash')).toEqual({ A: 'value-a-1' });
    expect(existsSync(editorVisits('crash')[0]?.file ?? '')).toBe(false);
  });

  it('rejects invalid lines with their numbers when there is no terminal to reopen the editor', async () => {
    await seed('invalid', { A: 'value-a-1' });
    const hidden = secret('invalid-line');
    const result = await editConfig('invalid', ['--yes'], {
      env: editorEnv('invalid', { FAKE_EDITOR_WRITE: `A=2\n${hidden}\nA=3\nB C=4\n` }),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line 2: no "="');
    expect(result.stderr).toContain('line 3: A is already set on line 1');
    expect(result.stderr).toContain('line 4: invalid key');
    expect(await stored('invalid')).toEqual({ A: 'value-a-1' });
    expect(editorVisits('invalid')).toHaveLength(1);
    expect(existsSync(editorVisits('invalid')[0]?.file ?? '')).toBe(false);
  });

  it('fails with a hint to use flags when there is no terminal and no $VISUAL/$EDITOR', async () => {
    const result = await editConfig('no-editor', ['--yes'], {
      env: { VISUAL: undefined, EDITOR: undefined },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('neither $VISUAL nor $EDITOR is set');
    expect(result.stderr).toContain('--set KEY=VALUE');
  });

  it('stops on a conflict when someone changed a key being edited, and their change survives', async () => {
    await seed('conflict', { A: 'original-a-1', PORT: '80' });
    const theirs = secret('theirs');
    const ours = secret('ours');
    const meanwhile = `'${process.execPath}' '${cliPath}' edit_config -e ${environment} --name conflict --set A=${theirs} --yes`;
    const result = await editConfig('conflict', ['--yes'], {
      env: editorEnv('conflict', {
        FAKE_EDITOR_MEANWHILE: meanwhile,
        FAKE_EDITOR_WRITE: `A=${ours}\nPORT=81\n`,
      }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Someone else changed A in Parameter Store while you were editing');
    expect(result.stderr).toContain('nothing was written');
    expect(await stored('conflict')).toEqual({ A: theirs, PORT: '80' });
    // The edited text is not lost: it waits in a private file for a --from-file re-run.
    const saved = /your edit is saved in (\S+\.env)/i.exec(result.stderr)?.[1] ?? '';
    expect(saved, result.stderr).not.toBe('');
    expect(result.stderr).toContain(`--from-file ${saved}`);
    expect(statSync(saved).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(saved)).mode & 0o777).toBe(0o700);
    expect(readFileSync(saved, 'utf8')).toContain(`A=${ours}\nPORT=81\n`);
    const rerun = await editConfig('conflict', ['--from-file', saved, '--yes']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await stored('conflict')).toEqual({ A: ours, PORT: '81' });
    rmSync(dirname(saved), { recursive: true, force: true });
  });

  it('keeps a concurrent change to a key the user did not touch', async () => {
    await seed('merge', { A: 'original-a-1', B: 'original-b-1' });
    const meanwhile = `'${process.execPath}' '${cliPath}' edit_config -e ${environment} --name merge --set B=theirs-b --yes`;
    const result = await editConfig('merge', ['--yes'], {
      env: editorEnv('merge', {
        FAKE_EDITOR_MEANWHILE: meanwhile,
        FAKE_EDITOR_REPLACE: JSON.stringify([['A=original-a-1', 'A=ours-a']]),
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Changed by someone else meanwhile and left as they are now: B');
    expect(await stored('merge')).toEqual({ A: 'ours-a', B: 'theirs-b' });
  });

  it('changes nothing when interrupted with Ctrl-C while the editor is open', async () => {
    await seed('interrupted', { A: 'value-a-1' });
    const result = await editConfig('interrupted', ['--yes'], {
      env: editorEnv('interrupted', { FAKE_EDITOR_WRITE: 'A=changed\n', FAKE_EDITOR_SLEEP_MS: '2500' }),
      interruptAfterMs: 1500,
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('nothing was changed');
    expect(await stored('interrupted')).toEqual({ A: 'value-a-1' });
    expect(existsSync(editorVisits('interrupted')[0]?.file ?? '')).toBe(false);
  });

  it('keeps multi-line values out of the editor and unchanged', async () => {
    const pem = `-----BEGIN KEY-----\n${secret('pem')}\n-----END KEY-----`;
    await seed('multiline', { PEM: pem, A: 'value-a-1' });
    const result = await editConfig('multiline', ['--yes'], {
      env: editorEnv('multiline', { FAKE_EDITOR_REPLACE: JSON.stringify([['A=value-a-1', 'A=value-a-2']]) }),
    });
    expect(result.code).toBe(0);
    expect(editorVisits('multiline')[0]?.text).toContain('kept as they are');
    expect(editorVisits('multiline')[0]?.text).not.toContain('BEGIN KEY');
    expect(await stored('multiline')).toEqual({ PEM: pem, A: 'value-a-2' });
  });
});

describe("deploy's env.sample check (loadTaskSecrets)", () => {
  it('returns (KEY, parameter ARN) pairs in env.sample order, values never read', async () => {
    await seed('secrets', { ZED: secret('zed'), ALPHA: secret('alpha'), MID: 'mid-value-1' });
    const folder = mkdtempSync(join(scratch, 'secrets-'));
    writeFileSync(join(folder, 'env.sample'), '# needed\nMID=x\nZED=\nALPHA=example\n');
    const ctx = makeTestContext({ env: cliEnv(), cwd: folder });
    const secrets = await loadTaskSecrets(ctx, {
      environment,
      app: 'secrets',
      region: testbed().region,
      cwd: folder,
    });
    expect(secrets.map((entry) => entry.name)).toEqual(['MID', 'ZED', 'ALPHA']);
    expect(secrets[1]?.valueFrom).toMatch(/^arn:aws:ssm:[\w-]+:\d{12}:parameter\/staging\/secrets\/ZED$/);
  });

  it('fails naming the keys missing on each side, with the commands that fix them', async () => {
    await seed('mismatch', { STORED_ONLY: 'value-1', BOTH: 'value-2' });
    const folder = mkdtempSync(join(scratch, 'mismatch-'));
    writeFileSync(join(folder, 'env.sample'), 'BOTH=\nSAMPLE_ONLY=\n');
    const ctx = makeTestContext({ env: cliEnv(), cwd: folder });
    const failure = await loadTaskSecrets(ctx, {
      environment,
      app: 'mismatch',
      region: testbed().region,
      cwd: folder,
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'EnvSampleMismatch',
      details: [
        'in env.sample but not in Parameter Store: SAMPLE_ONLY',
        'in Parameter Store but not in env.sample: STORED_ONLY',
      ],
    });
    expect((failure as { hint: string }).hint).toContain(
      'cloudlift edit_config -e staging --name mismatch --set SAMPLE_ONLY=...',
    );
    expect((failure as { hint: string }).hint).toContain('--unset STORED_ONLY');
  });

  it('fails clearly when there is no env.sample', async () => {
    const folder = mkdtempSync(join(scratch, 'no-sample-'));
    const ctx = makeTestContext({ env: cliEnv(), cwd: folder });
    await expect(
      loadTaskSecrets(ctx, { environment, app: 'nothing', region: testbed().region, cwd: folder }),
    ).rejects.toMatchObject({ code: 'EnvSampleMissing' });
  });
});
