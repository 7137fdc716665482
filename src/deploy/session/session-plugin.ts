// Hands the terminal to AWS's session-manager-plugin, with the arguments the AWS CLI passes it, and waits for it.
import { spawn } from 'node:child_process';
import type { Context, Env } from '../../context.js';
import { findOnPath } from '../../docker/docker.js';
import { CloudliftError, ExitCode } from '../../errors.js';
import type { Credentials } from '../../aws/sts.js';

/** The executable AWS ships for Session Manager and ECS Exec sessions. */
export const pluginName = 'session-manager-plugin';

/** Where AWS explains how to install it on each operating system. */
export const pluginInstallUrl =
  'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html';

/** Everything the plugin needs to join a session that SSM StartSession or ECS ExecuteCommand opened. */
export interface PluginLaunch {
  /** The session as the API returned it ({SessionId, StreamUrl, TokenValue} or ECS's lower-case twin). */
  session: object;
  region: string;
  /** The profile the plugin should read credentials from; '' to use the environment. */
  profile: string;
  /** The StartSession request parameters: {Target}. */
  target: string;
  /** The SSM endpoint URL. */
  endpoint: string;
  /** Handed over in AWS_* variables when set (MFA or other temporary credentials the plugin could not rebuild). */
  credentials?: Credentials;
  /** A person is at a terminal: the plugin gets stdin; otherwise stdin is closed and only output is streamed. */
  interactive: boolean;
}

/** The plugin's full path, or a PluginMissing error with the install link. */
export function requirePlugin(env: Env, command: string): string {
  const found = findOnPath(pluginName, env);
  if (found === undefined) {
    throw new CloudliftError(
      'PluginMissing',
      `${command} needs AWS's ${pluginName}, and it is not installed (not found on PATH)`,
      {
        hint: `Install it from ${pluginInstallUrl}, check with \`${pluginName} --version\`, then run the command again.`,
      },
    );
  }
  return found;
}

/**
 * The plugin's arguments, in the order the AWS CLI passes them: session JSON, region, operation, profile, request
 * parameters JSON, SSM endpoint.
 */
export function pluginArgs(launch: PluginLaunch): string[] {
  return [
    JSON.stringify(launch.session),
    launch.region,
    'StartSession',
    launch.profile,
    JSON.stringify({ Target: launch.target }),
    launch.endpoint,
  ];
}

/** The plugin's environment: ours, plus the credentials it must use (and the region, as the original exported). */
export function pluginEnv(env: Env, launch: PluginLaunch): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) {
      result[key] = value;
    }
  }
  result.AWS_REGION = launch.region;
  result.AWS_DEFAULT_REGION = launch.region;
  const credentials = launch.credentials;
  if (credentials !== undefined) {
    // A profile in the environment would win over these keys in the plugin's SDK; drop it with them.
    delete result.AWS_PROFILE;
    result.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    result.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    if (credentials.sessionToken === undefined) {
      delete result.AWS_SESSION_TOKEN;
    } else {
      result.AWS_SESSION_TOKEN = credentials.sessionToken;
    }
  }
  return result;
}

/**
 * Runs the plugin and resolves when it exits. While it owns the terminal, Ctrl-C, Ctrl-\ and Ctrl-Z belong to the
 * remote shell (the plugin forwards them), so cloudlift must neither stop nor exit on them — the AWS CLI ignores them
 * the same way. Without a terminal a Ctrl-C (or a CI cancel) ends the plugin instead.
 */
export async function runPlugin(
  context: Pick<Context, 'env'>,
  path: string,
  launch: PluginLaunch,
): Promise<void> {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT', 'SIGTSTP'];
  const saved = new Map(signals.map((signal) => [signal, process.listeners(signal)]));
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(path, pluginArgs(launch), {
      env: pluginEnv(context.env, launch),
      stdio: [launch.interactive ? 'inherit' : 'ignore', 'inherit', 'inherit'],
    });
    const onSignal = (): void => {
      if (!launch.interactive) {
        child.kill('SIGTERM');
      }
    };
    for (const signal of signals) {
      process.removeAllListeners(signal);
      process.on(signal, onSignal);
    }
    child.on('error', (error) =>
      reject(
        new CloudliftError('PluginFailed', `could not start ${path}: ${error.message}`, {
          cause: error,
          hint: `Reinstall the plugin from ${pluginInstallUrl}.`,
        }),
      ),
    );
    child.on('close', (status, signal) => resolve(status ?? (signal === null ? 1 : ExitCode.interrupted)));
  }).finally(() => {
    for (const signal of signals) {
      process.removeAllListeners(signal);
      for (const listener of saved.get(signal) ?? []) {
        process.on(signal, listener);
      }
    }
  });
  if (code !== 0) {
    throw new CloudliftError('SessionFailed', `${pluginName} exited with status ${code}`, {
      exitCode: code === ExitCode.interrupted ? ExitCode.interrupted : ExitCode.failed,
      hint: 'Read the plugin output above; run with --verbose to see what cloudlift sent it.',
    });
  }
}
