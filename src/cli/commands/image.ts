// upload_to_ecr and get_version: images in ECR and what is deployed.
import { Command, Option } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption, nameOption } from '../options.js';
import { resolveAppName, resolveEnvironment } from '../resolve.js';
import { UsageError } from '../../errors.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** commander keeps the original's underscores in attribute names (`--local_tag` → `local_tag`). */
interface UploadFlags {
  local_tag?: string;
  additional_tags?: string[];
  name?: string;
  environment?: string;
}

const uploadExamples = `
Examples:
  docker build -t my-app:$(git rev-parse HEAD) .
  cloudlift upload_to_ecr --name my-app --local_tag $(git rev-parse HEAD) --additional_tags latest --additional_tags v1.4.0

The region is the default one (AWS_DEFAULT_REGION / --region), as in the original, or the environment's with -e.`;

export function uploadToEcrCommand(runner: Runner) {
  return new Command('upload_to_ecr')
    .alias('upload-to-ecr')
    .summary('Push a local image to the app ECR repository, with extra tags')
    .addOption(new Option('--local_tag <tag>', 'Commit sha for image to be uploaded.'))
    .addOption(
      new Option('--additional_tags <tag>', 'Extra tag to add to the pushed image (repeatable).').argParser(
        collect,
      ),
    )
    .addOption(nameOption())
    .addOption(
      new Option('-e, --environment <name>', "Use this environment's region (default: the default region)."),
    )
    .addHelpText('after', uploadExamples)
    .action(
      runner.handle(async (context, flags: UploadFlags) => {
        const app = resolveAppName(context, flags.name);
        if (flags.local_tag === undefined || flags.local_tag === '') {
          throw new UsageError('upload_to_ecr needs --local_tag: the tag of the local image to push', {
            hint: `Build it with \`docker build -t ${app}:<tag> .\`, then pass --local_tag <tag>.`,
          });
        }
        const region =
          flags.environment === undefined
            ? await context.aws.defaultRegion()
            : await (
                await import('../../deploy/config/config-store.js')
              ).environmentRegion(context, await resolveEnvironment(context, flags.environment));
        const { uploadToEcr } = await import('../../deploy/release/upload-to-ecr.js');
        const result = await uploadToEcr(context, {
          app,
          localTag: flags.local_tag,
          additionalTags: flags.additional_tags ?? [],
          region,
        });
        if (context.globals.json) {
          context.ui.json(result);
        }
        // The usual next step: roll the pushed image out (deploy never builds an explicit --version).
        context.ui.recommend([
          `cloudlift deploy_service -e ${flags.environment ?? '<env>'} --name ${app} --version ${flags.local_tag}`,
        ]);
      }),
    );
}

export function getVersionCommand(runner: Runner) {
  return new Command('get_version')
    .alias('get-version')
    .summary('Get commit information of currently deployed code from commit hash')
    .description(
      'Prints the image tag (commit sha) the running tasks use on stdout; without --short also the commit and the ' +
        'remote branches that contain it. --json gives every ECS service of the app.',
    )
    .addOption(environmentOption())
    .addOption(nameOption())
    .option('-s, --short', 'Pass this when you just need the version tag.')
    .action(
      runner.handle(async (context, flags: { environment?: string; name?: string; short?: true }) => {
        const environment = await resolveEnvironment(context, flags.environment);
        const app = resolveAppName(context, flags.name);
        const { getVersion } = await import('../../deploy/release/get-version.js');
        await getVersion(context, { environment, app, short: flags.short === true });
      }),
    );
}
