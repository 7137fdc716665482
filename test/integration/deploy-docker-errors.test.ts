// Container-tool failures through the real CLI and the testbed's real Docker engine: a build that fails names docker's
// own error line (not just an exit status), and upload_to_ecr of a local image that does not exist is bad input
// (exit 2) caught before any AWS write (no ECR repository created).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { commit, createEnvironment, prepareApp } from '../support/deploy-fixture.js';
import {
  awsClientConfig,
  cliEnv,
  dockerTestsRequired,
  resetTestbed,
  seedAccount,
} from '../support/testbed.js';

let executionRoleArn: string;

async function repositories(): Promise<string[]> {
  const sdk = await import('@aws-sdk/client-ecr');
  const answer = await new sdk.ECRClient(awsClientConfig()).send(new sdk.DescribeRepositoriesCommand({}));
  return (answer.repositories ?? []).map((repository) => repository.repositoryName ?? '');
}

/** The release ledger's items of an app (none when the table was never created). */
async function releaseItems(app: string): Promise<unknown[]> {
  const sdk = await import('@aws-sdk/client-dynamodb');
  const client = new sdk.DynamoDBClient(awsClientConfig());
  try {
    const answer = await client.send(new sdk.ScanCommand({ TableName: 'cloudlift_releases' }));
    return (answer.Items ?? []).filter((item) => JSON.stringify(item).includes(`"${app}`));
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') {
      return [];
    }
    throw error;
  }
}

/** The error lines cloudlift printed (✘ …), without the rollout/progress output before them. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('✘ '));
}

describe.skipIf(!dockerTestsRequired())('container tool errors', () => {
  beforeAll(async () => {
    await resetTestbed();
    executionRoleArn = (await seedAccount()).executionRoleArn;
  });

  it("deploy_service: a failing build's error carries docker's error line, not only its exit status", async () => {
    const environment = 'brokenbuild'; // its own: apps of one environment may not share a service name
    await createEnvironment(environment);
    const { dir } = await prepareApp('broken-build', environment, { executionRoleArn });
    appendFileSync(join(dir, 'Dockerfile'), 'COPY no-such-file.txt /\n');
    commit(dir, 'copies a file that does not exist');
    const result = await runCli(['deploy_service', '-e', environment], { cwd: dir, env: cliEnv() });
    expect(result.code, result.stderr).toBe(1);
    const [error] = errorLines(result.stderr);
    // docker's wording differs between its builders; both name the missing file
    expect(error).toMatch(/^✘ docker build failed: .*no-such-file\.txt/);
    expect(error).not.toContain('DEPRECATED');
    expect(result.stderr).toContain('(exit status 1)');
    expect(result.stderr).toContain('The build failed: fix the Dockerfile');
  });

  it('deploy_service with Docker unreachable: stops before any write, and the hint says to start Docker', async () => {
    const environment = 'nodaemon'; // its own: apps of one environment may not share a service name
    await createEnvironment(environment);
    const { app, dir } = await prepareApp('no-daemon', environment, { executionRoleArn });
    const result = await runCli(['deploy_service', '-e', environment], {
      cwd: dir,
      env: cliEnv({ DOCKER_HOST: 'unix:///nonexistent' }),
    });
    expect(result.code, result.stderr).toBe(1);
    expect(errorLines(result.stderr)).toEqual([
      expect.stringMatching(/^✘ docker version failed: Cannot connect to the Docker daemon/),
    ]);
    expect(result.stderr).toContain('→ Start Docker (or fix DOCKER_HOST) until `docker info` answers');
    expect(result.stderr).not.toContain('fix the Dockerfile');
    // Checked before the deploy lock, the release record and the ECR repository: nothing was written.
    expect(result.stderr).not.toContain('Recording this deploy');
    expect(await repositories()).not.toContain(`${app}-repo`);
    expect(await releaseItems(app)).toEqual([]);
  });

  it('upload_to_ecr of a local tag that does not exist: exit 2, one line naming it and docker images, no ECR write', async () => {
    const environment = 'neverbuilt'; // its own: apps of one environment may not share a service name
    await createEnvironment(environment);
    const { app, dir } = await prepareApp('never-built', environment, { executionRoleArn });
    const result = await runCli(['upload_to_ecr', '--name', app, '--local_tag', 'v9.9.9'], {
      cwd: dir,
      env: cliEnv(),
    });
    expect(result.code, result.stderr).toBe(2);
    expect(errorLines(result.stderr)).toEqual([
      `✘ There is no local image ${app}:v9.9.9 (--local_tag v9.9.9); nothing was uploaded`,
    ]);
    expect(result.stderr).toContain(
      `→ Build it with \`docker build -t ${app}:v9.9.9 .\`, or list the tags you have with \`docker images ${app}\`.`,
    );
    expect(await repositories()).not.toContain(`${app}-repo`);
  });
});
