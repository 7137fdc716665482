// The hand-off to session-manager-plugin. The real plugin is not installable on this machine (not in Debian, no
// network installer), so a stand-in executable written by the test records the arguments, environment and stdin it
// was started with; the assertions are on exactly what AWS's plugin would receive.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudliftError } from '../../../src/errors.js';
import {
  pluginArgs,
  pluginEnv,
  pluginInstallUrl,
  requirePlugin,
  runPlugin,
} from '../../../src/deploy/session/session-plugin.js';
import type { PluginLaunch } from '../../../src/deploy/session/session-plugin.js';

let scratch: string;
let standIn: string;
let record: string;

/** What the stand-in saw. */
interface Recorded {
  args: string[];
  env: Record<string, string>;
  stdin: string;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'cloudlift-plugin-test-'));
  record = join(scratch, 'record.json');
  standIn = join(scratch, 'session-manager-plugin');
  writeFileSync(
    standIn,
    [
      `#!${process.execPath}`,
      "const fs = require('node:fs');",
      'let stdin = "";',
      "try { stdin = fs.readlinkSync('/proc/self/fd/0'); } catch { stdin = 'unknown'; }",
      `fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args: process.argv.slice(2), env: process.env, stdin }));`,
      "process.exit(Number(process.env.STANDIN_EXIT ?? '0'));",
    ].join('\n'),
  );
  chmodSync(standIn, 0o755);
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function recorded(): Recorded {
  return JSON.parse(readFileSync(record, 'utf8')) as Recorded;
}

const ssmLaunch: PluginLaunch = {
  session: { SessionId: 'alice-0abc', TokenValue: 'token-1', StreamUrl: 'wss://ssmmessages.eu-west-1/x' },
  region: 'eu-west-1',
  profile: 'work',
  target: 'i-0123456789abcdef0',
  endpoint: 'https://ssm.eu-west-1.amazonaws.com',
  interactive: true,
};

describe('pluginArgs', () => {
  it('passes the AWS CLI layout: session JSON, region, StartSession, profile, {Target} JSON, endpoint', () => {
    expect(pluginArgs(ssmLaunch)).toEqual([
      '{"SessionId":"alice-0abc","TokenValue":"token-1","StreamUrl":"wss://ssmmessages.eu-west-1/x"}',
      'eu-west-1',
      'StartSession',
      'work',
      '{"Target":"i-0123456789abcdef0"}',
      'https://ssm.eu-west-1.amazonaws.com',
    ]);
  });

  it("passes ECS Exec's lower-case session as ECS returned it, and the ecs: target", () => {
    const args = pluginArgs({
      ...ssmLaunch,
      session: { sessionId: 'ecs-execute-command-1', streamUrl: 'wss://s', tokenValue: 't' },
      profile: '',
      target: 'ecs:cluster-staging_5a1b_9f8e7d',
    });
    expect(args[0]).toBe('{"sessionId":"ecs-execute-command-1","streamUrl":"wss://s","tokenValue":"t"}');
    expect(args[3]).toBe('');
    expect(args[4]).toBe('{"Target":"ecs:cluster-staging_5a1b_9f8e7d"}');
  });
});

describe('pluginEnv', () => {
  it('hands over session credentials and drops a profile that would win over them', () => {
    const env = pluginEnv(
      { PATH: '/bin', AWS_PROFILE: 'work', AWS_ACCESS_KEY_ID: 'AKIALONGTERM' },
      {
        ...ssmLaunch,
        credentials: { accessKeyId: 'ASIATEMP', secretAccessKey: 'secret', sessionToken: 'session' },
      },
    );
    expect(env).toEqual({
      PATH: '/bin',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'ASIATEMP',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session',
    });
  });

  it('leaves credentials alone when there are none to hand over', () => {
    const env = pluginEnv({ AWS_PROFILE: 'work', AWS_SESSION_TOKEN: 'kept' }, ssmLaunch);
    expect(env).toEqual({
      AWS_PROFILE: 'work',
      AWS_SESSION_TOKEN: 'kept',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
  });
});

describe('requirePlugin', () => {
  it('says the plugin is missing and links the install guide', () => {
    let caught: unknown;
    try {
      requirePlugin({ PATH: join(scratch, 'empty') }, 'exec');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CloudliftError);
    const error = caught as CloudliftError;
    expect(error.code).toBe('PluginMissing');
    expect(error.message).toContain('exec needs AWS');
    expect(error.hint).toContain(pluginInstallUrl);
  });

  it('finds it on PATH', () => {
    expect(requirePlugin({ PATH: `/nonexistent:${scratch}` }, 'exec')).toBe(standIn);
  });
});

describe('runPlugin', () => {
  it('starts the plugin with the exact arguments and environment, stdin closed without a terminal', async () => {
    rmSync(record, { force: true });
    await runPlugin({ env: { PATH: '/bin', MARKER: 'kept' } }, standIn, {
      ...ssmLaunch,
      profile: '',
      credentials: { accessKeyId: 'ASIATEMP', secretAccessKey: 'secret', sessionToken: 'session' },
      interactive: false,
    });
    const seen = recorded();
    expect(seen.args).toEqual(pluginArgs({ ...ssmLaunch, profile: '' }));
    expect(seen.env).toMatchObject({
      MARKER: 'kept',
      AWS_ACCESS_KEY_ID: 'ASIATEMP',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session',
      AWS_REGION: 'eu-west-1',
    });
    expect(seen.stdin).toBe('/dev/null');
  });

  it('fails with the plugin status and gives Ctrl-C back to cloudlift afterwards', async () => {
    const before = process.listeners('SIGINT');
    await expect(
      runPlugin({ env: { STANDIN_EXIT: '3' } }, standIn, { ...ssmLaunch, interactive: false }),
    ).rejects.toMatchObject({
      code: 'SessionFailed',
      message: 'session-manager-plugin exited with status 3',
    });
    expect(process.listeners('SIGINT')).toEqual(before);
  });

  it('reports a plugin that cannot be started', async () => {
    await expect(
      runPlugin({ env: {} }, join(scratch, 'not-there'), { ...ssmLaunch, interactive: false }),
    ).rejects.toMatchObject({ code: 'PluginFailed' });
  });
});
