// Day-2 commands: releases (the ledger), rollback, status and logs.
import { Command, Option } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption, nameOption } from '../options.js';
import { resolveAppName, resolveEnvironment } from '../resolve.js';
import { deploySettings } from './deploy.js';
import { parseCount } from '../../core/release/deploy-settings.js';
import { deployDefaults } from '../../core/release/deploy-settings.js';
import { UsageError } from '../../errors.js';

function releaseNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = parseCount(value.replace(/^v/i, ''));
  if (parsed === undefined) {
    throw new UsageError(`${flag} ${value} is not a release number`, {
      hint: `Use the number shown by \`cloudlift releases\`, e.g. ${flag} 3 (or v3).`,
    });
  }
  return parsed;
}

/** The most releases one `releases` call reads (the table of a long-lived app stays a page, not a scan). */
const maxReleaseLimit = 10_000;

/** `--limit`: a whole number from 1 to maxReleaseLimit; 0, negative or anything else is a usage error (exit 2). */
function releaseLimit(value: string): number {
  const parsed = parseCount(value);
  if (parsed === undefined || parsed > maxReleaseLimit) {
    throw new UsageError(`--limit ${value} is not a number of releases to show`, {
      hint: `Use a whole number from 1 to ${maxReleaseLimit}, e.g. --limit 50 (newest first; default 20).`,
    });
  }
  return parsed;
}

const releasesExamples = `
Examples:
  cloudlift releases -e staging                 # the last 20 releases of this folder's app
  cloudlift releases -e staging --name shop --limit 100 --json

Every deploy_service and rollback is a release: number, time, who (AWS caller), version (git sha / image tag),
task definition per ECS service, config (a fingerprint of the SSM parameter versions), outcome and duration.`;

export function releasesCommand(runner: Runner) {
  return new Command('releases')
    .summary('List the releases (deploys and rollbacks) of the app')
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(
      new Option('--limit <n>', 'How many releases to show, newest first (1 to 10000).').default('20'),
    )
    .addHelpText('after', releasesExamples)
    .action(
      runner.handle(async (context, flags: { environment?: string; name?: string; limit: string }) => {
        const limit = releaseLimit(flags.limit);
        const environment = await resolveEnvironment(context, flags.environment);
        const app = resolveAppName(context, flags.name);
        const { releasesOfEnvironment } = await import('../../deploy/release/releases.js');
        const { releaseJson, releaseRows, releaseTableHead } =
          await import('../../core/release/release-table.js');
        const releases = await releasesOfEnvironment(context, app, environment, limit);
        const now = context.clock.now();
        if (context.globals.json) {
          context.ui.json(releases.map((release) => releaseJson(release, now)));
          return;
        }
        if (releases.length === 0) {
          context.ui.info(`No releases of ${app} in ${environment} are recorded yet.`);
          context.ui.recommend([`cloudlift deploy_service -e ${environment} --name ${app}`]);
          return;
        }
        const { renderTable } = await import('../../ui/tables.js');
        context.ui.data(renderTable(releaseTableHead, releaseRows(releases, now), context.ui.colors));
      }),
    );
}

interface RollbackFlags {
  environment?: string;
  name?: string;
  to?: string;
  forceUnlock?: true;
  timeout?: string;
  maxFailedTasks?: string;
  concurrency?: string;
}

const rollbackExamples = `
Examples:
  cloudlift rollback -e staging            # back to the last successful release before the latest
  cloudlift rollback -e staging --to 12    # back to release v12
  cloudlift rollback -e staging --force-unlock   # after a crashed deploy left its lock behind

Rolls every ECS service back to the task definitions of that release (same images, same variable names) and waits
like deploy_service. Variable VALUES are today's: Parameter Store keeps one value per name. Recorded as a new release;
the command that undoes it is printed at the end. Exit codes as deploy_service (0, 1, 2, 3, 4, 5, 6, 130).`;

export function rollbackCommand(runner: Runner) {
  return new Command('rollback')
    .summary('Roll the app back to the task definitions of an earlier release')
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(
      new Option(
        '--to <n>',
        'The release to go back to (default: the last successful one before the latest).',
      ),
    )
    .addOption(
      new Option('--force-unlock', 'Break the deploy lock left by a crashed deploy before rolling back.'),
    )
    .addOption(
      new Option('--timeout <duration>', 'How long to wait for each service (e.g. 600, 90s, 15m).').default(
        '10m',
      ),
    )
    .addOption(
      new Option('--max-failed-tasks <n>', 'Stop waiting after this many tasks failed in a row.').default(
        String(deployDefaults.maxFailedTasks),
      ),
    )
    .addOption(
      new Option('--concurrency <n>', 'How many ECS services roll back at once.').default(
        String(deployDefaults.concurrency),
      ),
    )
    .addHelpText('after', rollbackExamples)
    .action(
      runner.handle(async (context, flags: RollbackFlags) => {
        const settings = deploySettings(flags);
        const to = releaseNumber('--to', flags.to);
        const environment = await resolveEnvironment(context, flags.environment);
        const app = resolveAppName(context, flags.name);
        const { rollback } = await import('../../deploy/release/rollback.js');
        const result = await rollback(context, {
          environment,
          app,
          ...(to === undefined ? {} : { to }),
          forceUnlock: flags.forceUnlock === true,
          settings: { timeoutMs: settings.timeoutMs, maxFailedTasks: settings.maxFailedTasks },
          concurrency: settings.concurrency,
        });
        if (context.globals.json) {
          context.ui.json(result);
        }
      }),
    );
}

const statusExamples = `
Examples:
  cloudlift status -e staging
  cloudlift status -e staging --name shop --no-drift --json

Per ECS service: health, desired/running/pending tasks, the deployed task definition and its release, image, rollout
state, the last 5 events and recently stopped tasks with their reasons. Then whether the service stack drifted from
its template (CloudFormation drift detection; "unknown" when it cannot run). Exit code 0 whatever the health.`;

export function statusCommand(runner: Runner) {
  return new Command('status')
    .summary('Show what runs: tasks, versions, rollouts, events, stopped tasks and drift')
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(new Option('--no-drift', 'Skip CloudFormation drift detection (it takes 10-60 s on AWS).'))
    .addHelpText('after', statusExamples)
    .action(
      runner.handle(async (context, flags: { environment?: string; name?: string; drift: boolean }) => {
        const environment = await resolveEnvironment(context, flags.environment);
        const app = resolveAppName(context, flags.name);
        const { showStatus } = await import('../../deploy/operate/status.js');
        await showStatus(context, { environment, app, drift: flags.drift });
      }),
    );
}

interface LogsFlags {
  environment?: string;
  name?: string;
  component?: string;
  follow?: true;
  since: string;
}

const logsExamples = `
Examples:
  cloudlift logs -e staging                         # the last 10 minutes of every component
  cloudlift logs -e staging --component Worker --since 2h
  cloudlift logs -e staging -f                      # keep printing new lines until Ctrl-C (exit 0)
  cloudlift logs -e staging --since 1h --json | jq -r .message

Reads CloudWatch Logs group <env>-logs, streams <Component>/<Component>Container/<task id> (the awslogs driver).
Lines of all tasks are interleaved by time: <time> <Component>/<task id> <message>. --json prints one object per line.`;

export function logsCommand(runner: Runner) {
  return new Command('logs')
    .summary("Print (and follow) the app's container logs from CloudWatch Logs")
    .addOption(environmentOption())
    .addOption(nameOption())
    .addOption(
      new Option('--component <name>', 'Only this service of the app (a key of "services" in its config).'),
    )
    .addOption(new Option('-f, --follow', 'Keep printing new lines until Ctrl-C.'))
    .addOption(
      new Option('--since <when>', 'Start this long ago (30s, 10m, 2h, 1d) or at an ISO time.').default(
        '10m',
      ),
    )
    .addHelpText('after', logsExamples)
    .action(
      runner.handle(async (context, flags: LogsFlags) => {
        const { showLogs, startTimeOf } = await import('../../deploy/operate/logs.js');
        startTimeOf(context, flags.since); // a bad --since fails before any question or AWS call
        const environment = await resolveEnvironment(context, flags.environment);
        const app = resolveAppName(context, flags.name);
        await showLogs(context, {
          environment,
          app,
          ...(flags.component === undefined ? {} : { component: flags.component }),
          follow: flags.follow === true,
          since: flags.since,
        });
      }),
    );
}
