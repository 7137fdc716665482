// start_session: a Session Manager shell on an EC2 instance running the app's tasks (the original's behaviour),
// with an MFA session for IAM users, and clear stops where the original crashed (Fargate, other identities).
import { ecsExecApi } from '../../aws/ecs-exec.js';
import { ssmEndpoint, startSsmSession, terminateSsmSession } from '../../aws/ssm-session.js';
import type { Context } from '../../context.js';
import { clusterName } from '../../core/naming.js';
import { CloudliftError, UsageError } from '../../errors.js';
import { environmentRegion } from '../config/config-store.js';
import { checkMfaCode, pluginCredentials, prepareCredentials } from './mfa.js';
import { pluginName, requirePlugin, runPlugin } from './session-plugin.js';
import { appServices, chooseService, runningTasks, taskInstances } from './session-targets.js';

/** What start_session was asked for. */
export interface StartSessionInput {
  environment: string;
  app: string;
  component?: string;
  mfaCode?: string;
  /** stdin and stdout are a terminal (a shell session cannot run without one). */
  terminal: boolean;
}

/** Opens a shell on a host of the app's service and returns when the user leaves it. */
export async function startSession(context: Context, input: StartSessionInput): Promise<void> {
  // Everything that needs no AWS call is checked first, so CI fails fast and no session is left half-open.
  if (input.mfaCode !== undefined) {
    checkMfaCode(input.mfaCode);
  }
  if (!input.terminal) {
    throw new UsageError(
      'start_session opens an interactive shell and needs a terminal; there is none here',
      {
        hint: `To run one command from a script, use: cloudlift exec -e ${input.environment} --name ${input.app} --command "<command>"`,
      },
    );
  }
  const plugin = requirePlugin(context.env, 'start_session');
  const session = await prepareCredentials(context, {
    mfaCode: input.mfaCode,
    policy: 'iam-users',
    command: 'start_session',
  });
  const ctx = session.context;
  const region = await environmentRegion(ctx, input.environment);
  const services = await appServices(ctx, region, input.app, input.environment);
  const service = await chooseService(ctx, services, input.component, 'start_session');
  if (input.component !== undefined) {
    ctx.ui.info('finding instances the service is running on');
  }
  const cluster = clusterName(input.environment);
  const ecs = await ecsExecApi(ctx, region);
  const where = { app: input.app, environment: input.environment };
  const tasks = await runningTasks(ecs, cluster, service, where);
  const instances = await taskInstances(ecs, cluster, service, tasks, where);
  const [target] = instances;
  if (target === undefined) {
    throw new CloudliftError('NoInstances', "Couldn't find instances. Exiting.", {
      hint: `Check the tasks of ${service.serviceName} in the ECS console.`,
    });
  }
  ctx.ui.info(
    `Found ${instances.length} instance${instances.length === 1 ? '' : 's'} to start session` +
      (instances.length > 1 ? ` (${instances.join(', ')})` : ''),
  );
  ctx.ui.step(`Starting session in ${target}`);
  const credentials = await pluginCredentials(session);
  const endpoint = await ssmEndpoint(ctx, ctx.env, region);
  const started = await startSsmSession(ctx, region, target);
  ctx.ui.debug(`SSM session ${started.SessionId}; handing the terminal to ${plugin}`);
  try {
    await runPlugin(ctx, plugin, {
      session: started,
      region,
      profile: credentials === undefined ? (ctx.globals.profile ?? '') : '',
      target,
      endpoint,
      ...(credentials === undefined ? {} : { credentials }),
      interactive: true,
    });
  } catch (error) {
    if (error instanceof CloudliftError && error.code === 'PluginFailed') {
      // The plugin never ran: end the session now rather than leave it open on the instance until it times out.
      await terminateSsmSession(ctx, region, started.SessionId).catch(() => undefined);
    }
    throw error;
  }
  ctx.ui.success(`Session on ${target} ended (${pluginName} exited).`);
}
