// Test fixtures for deploy tests against the testbed: an environment record, its ECS cluster, a minimal service stack
// `<app>-<env>` (task definition + ECS service per logical service, `<Svc>EcsServiceName` outputs, desired count 0 as
// create_service leaves it), Parameter Store values, and an app folder that is a git repository with a tiny image.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Service } from '@aws-sdk/client-ecs';
import { putAppParameters, saveEnvironmentRecord } from './stored-config.js';
import { awsClientConfig, testbed, waitUntil } from './testbed.js';

/** The image every fixture service starts with: never pulled, its desired count is 0 (naming.notDeployedImageTag). */
export const notDeployedTag = 'cloudlift-not-deployed-yet';

/** Saves `{ region }` as the environment's configuration, in the original's table layout, and creates the cluster. */
export async function createEnvironment(environment: string): Promise<void> {
  await saveEnvironmentRecord(environment, { region: testbed().region });
  const { ECSClient, CreateClusterCommand } = await import('@aws-sdk/client-ecs');
  await new ECSClient(awsClientConfig()).send(
    new CreateClusterCommand({ clusterName: `cluster-${environment}` }),
  );
}

/** A minimal service stack like create_service makes: per service a task definition and an ECS service. */
export function serviceTemplate(
  app: string,
  environment: string,
  services: readonly string[],
  executionRoleArn: string,
) {
  const resources: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  for (const svc of services) {
    resources[`${svc}TaskDefinition`] = {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Family: `${svc}Family`,
        ExecutionRoleArn: executionRoleArn,
        PlacementConstraints: [{ Type: 'memberOf', Expression: 'attribute:deployment_type == ondemand' }],
        Tags: [{ Key: 'environment', Value: environment }],
        ContainerDefinitions: [
          {
            Name: `${svc}Container`,
            Image: `${testbed().registryHost}/${app}-repo:${notDeployedTag}`,
            Essential: true,
            Cpu: 0,
            MemoryReservation: 64,
            PortMappings: [{ ContainerPort: 80 }],
            LogConfiguration: {
              LogDriver: 'awslogs',
              Options: {
                'awslogs-group': `${environment}-logs`,
                'awslogs-region': testbed().region,
                'awslogs-stream-prefix': svc,
              },
            },
          },
        ],
      },
    };
    resources[svc] = {
      Type: 'AWS::ECS::Service',
      Properties: {
        Cluster: `cluster-${environment}`,
        TaskDefinition: { Ref: `${svc}TaskDefinition` },
        DesiredCount: 0,
        LaunchType: 'EC2',
      },
    };
    outputs[`${svc}EcsServiceName`] = { Value: { 'Fn::GetAtt': [svc, 'Name'] } };
  }
  return { AWSTemplateFormatVersion: '2010-09-09', Resources: resources, Outputs: outputs };
}

/** Creates the stack `<app>-<env>` and waits for CREATE_COMPLETE. */
export async function createServiceStack(
  app: string,
  environment: string,
  services: readonly string[],
  executionRoleArn: string,
): Promise<void> {
  const cfn = await import('@aws-sdk/client-cloudformation');
  const client = new cfn.CloudFormationClient(awsClientConfig());
  const StackName = `${app}-${environment}`;
  await client.send(
    new cfn.CreateStackCommand({
      StackName,
      TemplateBody: JSON.stringify(serviceTemplate(app, environment, services, executionRoleArn)),
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    }),
  );
  await waitUntil(`stack ${StackName}`, async () => {
    const answer = await client.send(new cfn.DescribeStacksCommand({ StackName }));
    const status = answer.Stacks?.[0]?.StackStatus ?? '';
    if (status.endsWith('FAILED') || status.includes('ROLLBACK')) {
      throw new Error(`stack ${StackName} ended ${status}`);
    }
    return status === 'CREATE_COMPLETE';
  });
}

/** The ECS service named by output `<logical>EcsServiceName` of stack `<app>-<env>`, as DescribeServices reports it. */
export async function ecsServiceOf(
  app: string,
  environment: string,
  logical: string,
): Promise<{ name: string; service: Service | undefined }> {
  const cfn = await import('@aws-sdk/client-cloudformation');
  const stack = await new cfn.CloudFormationClient(awsClientConfig()).send(
    new cfn.DescribeStacksCommand({ StackName: `${app}-${environment}` }),
  );
  const name =
    stack.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === `${logical}EcsServiceName`)?.OutputValue ?? '';
  const ecs = await import('@aws-sdk/client-ecs');
  const answer = await new ecs.ECSClient(awsClientConfig()).send(
    new ecs.DescribeServicesCommand({ cluster: `cluster-${environment}`, services: [name] }),
  );
  return { name, service: answer.services?.[0] };
}

/** Finds the statically linked busybox of Debian's busybox-static package. */
export function busyboxPath(): string {
  for (const candidate of ['/bin/busybox', '/usr/bin/busybox']) {
    if (existsSync(candidate)) {
      return candidate;
    }
  }
  throw new Error('busybox not found: apt-get install -y busybox-static');
}

/** An app folder named `app` in a temp dir: Dockerfile (FROM scratch + busybox, label from --build-arg GREETING), env.sample, one git commit. */
export function makeAppDir(app: string, envSample: string, dockerfileExtra = ''): string {
  const root = mkdtempSync(join(tmpdir(), 'cloudlift-deploy-'));
  const dir = join(root, app);
  execFileSync('mkdir', ['-p', dir]);
  copyFileSync(busyboxPath(), join(dir, 'busybox'));
  writeFileSync(
    join(dir, 'Dockerfile'),
    // no RUN step: containers of the machine's Docker engine may have no network (the testbed runs it bridge-less)
    `FROM scratch\nCOPY busybox /bin/busybox\nARG GREETING=hello\nLABEL greeting="$GREETING"\n${dockerfileExtra}CMD ["/bin/busybox", "httpd", "-f", "-p", "80"]\n`,
  );
  writeFileSync(join(dir, 'env.sample'), envSample);
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '.']);
  commit(dir, 'first');
  return dir;
}

/** Runs git in `dir` with a fixed identity. */
export function git(dir: string, args: readonly string[]): string {
  return execFileSync('git', [...args], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

/** Commits everything and returns the new HEAD sha. */
export function commit(dir: string, message: string): string {
  git(dir, ['add', '.']);
  git(dir, ['commit', '-q', '--allow-empty', '-m', message]);
  return git(dir, ['rev-parse', 'HEAD']);
}

/** One app ready to deploy: service stack, parameters, and its folder (a git repo with a Dockerfile and env.sample). */
export interface PreparedApp {
  app: string;
  dir: string;
  sha: string;
}

/** Creates everything an app needs before its first deploy (the environment must exist). */
export async function prepareApp(
  app: string,
  environment: string,
  options: { services?: string[]; parameters?: Record<string, string>; executionRoleArn: string },
): Promise<PreparedApp> {
  const parameters = options.parameters ?? { PORT: '80' };
  await createServiceStack(app, environment, options.services ?? ['Web'], options.executionRoleArn);
  await putAppParameters(environment, app, parameters);
  const dir = makeAppDir(
    app,
    Object.keys(parameters)
      .map((key) => `${key}=example`)
      .join('\n') + '\n',
  );
  return { app, dir, sha: git(dir, ['rev-parse', 'HEAD']) };
}

/** Removes the local images the tests built for these apps (`<app>:<sha>`), so runs do not pile up images. */
export function removeLocalImages(apps: readonly string[], env: Record<string, string | undefined>): void {
  const listed = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], {
    encoding: 'utf8',
    env,
  });
  const ours = listed.split('\n').filter((image) => apps.includes(image.slice(0, image.lastIndexOf(':'))));
  if (ours.length > 0) {
    execFileSync('docker', ['rmi', '-f', ...ours], { env, stdio: 'ignore' });
  }
}
