// start_session (a shell on an EC2 host of the app, as the original) and exec (a shell or command inside a task,
// through ECS Exec). Both hand the terminal to AWS's session-manager-plugin.
import { Command, Option } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption, nameOption } from '../options.js';
import { resolveAppName, resolveEnvironment } from '../resolve.js';

/** True when a person can use a remote shell here: stdin and stdout are a terminal. */
function hasTerminal(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true;
}

function mfaOption() {
  return new Option('--mfa <code>', 'MFA code.');
}

function componentOption() {
  return new Option(
    '--component <name>',
    'nested service name (the key under "services", e.g. Web); asked for on a terminal when the app has several.',
  );
}

const startSessionHelp = `
Opens an SSM Session Manager shell on an EC2 instance that runs the service's tasks (not inside a container:
use \`cloudlift exec\` for that). IAM users with an MFA device get a 15-minute MFA session first (--mfa, or asked).
Needs AWS's session-manager-plugin and a terminal.

Examples:
  cloudlift start_session -e staging
  cloudlift start_session -e staging --name my-app --component Web --mfa 123456`;

const execHelp = `
Runs a shell (default /bin/sh) or --command inside a running task through ECS Exec. Before connecting it checks,
in order: session-manager-plugin installed, a running task, ECS Exec enabled on the service and on the task, the
task role's ssmmessages permissions, the exec agent running in the container; each missing piece is named with its fix.
Without a terminal (CI), --command is required: its output is streamed and no input is sent.

Examples:
  cloudlift exec -e staging                                  # interactive shell in the app's only service
  cloudlift exec -e staging --component Worker --command "bin/rails console"
  cloudlift exec -e staging --task 0f1e2d3c --container WebContainer --command "ls -la /app"`;

export function startSessionCommand(runner: Runner) {
  return new Command('start_session')
    .alias('start-session')
    .summary('Start SSH session in instance running a current service task')
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(mfaOption())
    .addOption(componentOption())
    .addHelpText('after', startSessionHelp)
    .action(
      runner.handle(async (context, flags) => {
        const environment = await resolveEnvironment(context, flags.environment);
        const app = resolveAppName(context, flags.name);
        const { startSession } = await import('../../deploy/session/start-session.js');
        await startSession(context, {
          environment,
          app,
          ...(flags.component === undefined ? {} : { component: flags.component }),
          ...(flags.mfa === undefined ? {} : { mfaCode: flags.mfa.trim() }),
          terminal: hasTerminal(),
        });
      }),
    );
}

export function execCommand(runner: Runner) {
  return new Command('exec')
    .summary('Open a shell or run a command inside a running task of the service (ECS Exec)')
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(componentOption())
    .addOption(new Option('--task <id>', 'Task id or ARN (default: the newest ready task of the service).'))
    .addOption(
      new Option(
        '--container <name>',
        "Container name (default: the service's main container, <Svc>Container).",
      ),
    )
    .addOption(
      new Option(
        '--command <command>',
        'Command to run instead of an interactive /bin/sh (required without a terminal).',
      ),
    )
    .addOption(mfaOption())
    .addHelpText('after', execHelp)
    .action(
      runner.handle(async (context, flags) => {
        const environment = await resolveEnvironment(context, flags.environment);
        const app = resolveAppName(context, flags.name);
        const { execInTask } = await import('../../deploy/session/exec.js');
        await execInTask(context, {
          environment,
          app,
          ...(flags.component === undefined ? {} : { component: flags.component }),
          ...(flags.task === undefined ? {} : { task: flags.task }),
          ...(flags.container === undefined ? {} : { container: flags.container }),
          ...(flags.command === undefined ? {} : { command: flags.command }),
          ...(flags.mfa === undefined ? {} : { mfaCode: flags.mfa.trim() }),
          terminal: hasTerminal(),
        });
      }),
    );
}
