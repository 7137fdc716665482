// upload_to_ecr and get_version: images in ECR and what is deployed.
import { Command, Option } from '@commander-js/extra-typings';
import type { Runner } from '../runner.js';
import { environmentOption, nameOption } from '../options.js';
import { notBuilt } from './not-built.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

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
    .action(runner.handle(notBuilt('upload_to_ecr', 'issue 6')));
}

export function getVersionCommand(runner: Runner) {
  return new Command('get_version')
    .alias('get-version')
    .summary('Get commit information of currently deployed code from commit hash')
    .addOption(environmentOption())
    .addOption(nameOption())
    .option('-s, --short', 'Pass this when you just need the version tag.')
    .action(runner.handle(notBuilt('get_version', 'issue 6')));
}
