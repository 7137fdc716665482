// get_version: which image tag the app's running tasks use (the text after `-repo:`, as the original), and the commit
// behind it. The tag goes to stdout (or JSON with --json); commit details to stderr.
import type { Context } from '../../context.js';
import { ecsApi } from '../../aws/ecs.js';
import type { EcsApi } from '../../aws/ecs.js';
import { checkTag, dirtyTag, isSidecarContainer, tagOfImage } from '../../core/release/image.js';
import { clusterName } from '../../core/naming.js';
import { CloudliftError } from '../../errors.js';
import { environmentRegion } from '../config/config-store.js';
import { runGit } from './git.js';
import { appServices } from '../service/service-stack.js';

/** The version one ECS service runs. */
export interface ServiceVersion {
  name: string;
  ecsServiceName: string;
  /** Distinct tags of the running tasks (more than one while a deploy is rolling). */
  versions: string[];
  images: string[];
  runningTasks: number;
}

/** What get_version found. */
export interface VersionReport {
  environment: string;
  app: string;
  /** The first service's version, as the original reported it. */
  version: string | undefined;
  services: ServiceVersion[];
}

const mainImageOf = (containers: readonly { name?: string; image?: string }[]): string | undefined =>
  containers.find((c) => !isSidecarContainer(c.name ?? ''))?.image;

async function serviceVersion(
  ecs: EcsApi,
  cluster: string,
  name: string,
  ecsServiceName: string,
): Promise<ServiceVersion> {
  const arns = await ecs.listTaskArns(cluster, ecsServiceName, 'RUNNING');
  const tasks = arns.length === 0 ? [] : await ecs.describeTasks(cluster, arns);
  const running = tasks.filter((task) => task.lastStatus === 'RUNNING');
  const images = new Set<string>();
  for (const taskDefinition of new Set(running.map((task) => task.taskDefinitionArn))) {
    const described = await ecs.describeTaskDefinition(taskDefinition);
    const containers = (described.definition.containerDefinitions ?? []) as {
      name?: string;
      image?: string;
    }[];
    const image = mainImageOf(containers);
    if (image !== undefined) {
      images.add(image);
    }
  }
  const versions = [...images].map(tagOfImage).filter((tag): tag is string => tag !== undefined);
  return {
    name,
    ecsServiceName,
    versions: [...new Set(versions)],
    images: [...images],
    runningTasks: running.length,
  };
}

/** Reads the versions of every ECS service of the app. */
export async function readVersions(ctx: Context, environment: string, app: string): Promise<VersionReport> {
  const region = await environmentRegion(ctx, environment);
  const services = await appServices(ctx, app, environment, region);
  const ecs = await ecsApi(ctx, region);
  const cluster = clusterName(environment);
  const found = await Promise.all(
    services.map((s) => serviceVersion(ecs, cluster, s.logicalName, s.ecsServiceName)),
  );
  return { environment, app, version: found[0]?.versions[0], services: found };
}

/** get_version: prints the deployed tag; without --short, the commit and the remote branches containing it. */
export async function getVersion(
  ctx: Context,
  options: { environment: string; app: string; short: boolean },
): Promise<VersionReport> {
  const report = await readVersions(ctx, options.environment, options.app);
  if (ctx.globals.json) {
    ctx.ui.json(report);
  }
  if (report.version === undefined) {
    throw new CloudliftError(
      'NotDeployed',
      'Current task definition tag could not be found. Is it deployed?',
      {
        details: report.services.map((s) => `${s.name}: ${s.runningTasks} running task(s)`),
        hint: `Deploy it with \`cloudlift deploy_service -e ${options.environment} --name ${options.app}\`.`,
      },
    );
  }
  const mixed = report.services.filter((s) => s.versions.length !== 1 || s.versions[0] !== report.version);
  for (const service of mixed) {
    ctx.ui.warn(
      `${service.name} runs ${service.versions.join(', ') || 'nothing'} (a deploy may be in progress)`,
    );
  }
  if (!ctx.globals.json) {
    ctx.ui.data(report.version);
  }
  if (report.version === dirtyTag) {
    ctx.ui.info('Dirty version is deployed. Commit information could not be fetched.');
    return report;
  }
  ctx.ui.info(`Currently deployed version: ${report.version}`);
  if (!options.short && checkTag(report.version) === undefined) {
    await printCommit(ctx, report.version);
  }
  return report;
}

async function printCommit(ctx: Context, sha: string): Promise<void> {
  ctx.ui.info('Running `git fetch --all`');
  const fetch = await runGit(ctx, ['fetch', '--all']);
  if (fetch.code !== 0) {
    ctx.ui.warn(
      `git fetch --all failed (${fetch.stderr.trim().split('\n').pop() ?? ''}); showing what this clone knows`,
    );
  }
  ctx.ui.step('Commit Info:');
  const show = await runGit(ctx, ['--no-pager', 'show', '-s', '--format=medium', sha, '--']);
  ctx.ui.info(show.code === 0 ? show.stdout.trimEnd() : `(commit ${sha} is not in this repository)`);
  ctx.ui.step('Branch Info:');
  const branches = await runGit(ctx, ['branch', '-r', '--contains', sha]);
  ctx.ui.info(branches.code === 0 ? branches.stdout.trimEnd() || '(on no remote branch)' : '(unknown)');
  ctx.ui.info('');
}
