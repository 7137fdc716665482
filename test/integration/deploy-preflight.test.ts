// What deploy_service checks before it writes anything, through the real CLI against the testbed: a machine without
// Docker or Podman, and an environment that does not exist. Each must fail with one clear line and leave AWS as it was:
// no ECR repository, no task definition revision, no release record.
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createEnvironment, prepareApp } from '../support/deploy-fixture.js';
import { awsClientConfig, cliEnv, resetTestbed, seedAccount } from '../support/testbed.js';

let executionRoleArn: string;

/** A PATH with git and nothing else: no docker, no podman. */
function pathWithoutContainerTools(): string {
  const bin = mkdtempSync(join(tmpdir(), 'cloudlift-nodocker-'));
  symlinkSync(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), join(bin, 'git'));
  return bin;
}

async function repositories(): Promise<string[]> {
  const sdk = await import('@aws-sdk/client-ecr');
  const answer = await new sdk.ECRClient(awsClientConfig()).send(new sdk.DescribeRepositoriesCommand({}));
  return (answer.repositories ?? []).map((repository) => repository.repositoryName ?? '');
}

async function revisions(family: string): Promise<number> {
  const sdk = await import('@aws-sdk/client-ecs');
  const answer = await new sdk.ECSClient(awsClientConfig()).send(
    new sdk.ListTaskDefinitionsCommand({ familyPrefix: family }),
  );
  return answer.taskDefinitionArns?.length ?? 0;
}

async function releaseTableExists(): Promise<boolean> {
  const sdk = await import('@aws-sdk/client-dynamodb');
  return new sdk.DynamoDBClient(awsClientConfig())
    .send(new sdk.DescribeTableCommand({ TableName: 'cloudlift_releases' }))
    .then(
      () => true,
      () => false,
    );
}

describe('deploy_service checks before writing', () => {
  beforeAll(async () => {
    await resetTestbed();
    executionRoleArn = (await seedAccount()).executionRoleArn;
  });

  it('without Docker or Podman: says so with the install link, and writes nothing', async () => {
    const environment = 'nodocker'; // its own: apps of one environment may not share a service name
    await createEnvironment(environment);
    const { dir } = await prepareApp('no-docker', environment, { executionRoleArn });
    const before = await revisions('WebFamily');
    const result = await runCli(['deploy_service', '-e', environment], {
      cwd: dir,
      env: cliEnv({ PATH: pathWithoutContainerTools() }),
    });
    expect(result.stderr).toContain('Neither docker nor podman was found on PATH');
    expect(result.stderr).toContain('https://docs.docker.com/engine/install/');
    expect(result.code).toBe(1);
    expect(await repositories()).not.toContain('no-docker-repo');
    expect(await revisions('WebFamily')).toBe(before);
    expect(await releaseTableExists()).toBe(false);
  });

  it('for an unknown environment: names it and the command that creates it, and writes nothing', async () => {
    const environment = 'lost'; // its own: apps of one environment may not share a service name
    await createEnvironment(environment);
    const { dir } = await prepareApp('lost', environment, { executionRoleArn });
    const result = await runCli(['deploy_service', '-e', 'nowhere'], { cwd: dir, env: cliEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Environment "nowhere" not found');
    expect(result.stderr).toContain('cloudlift create_environment -e nowhere');
    expect(await repositories()).not.toContain('lost-repo');
  });
});
