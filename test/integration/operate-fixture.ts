// An app that can be deployed in the testbed without create_environment/create_service: the environment record in
// DynamoDB (the original's layout), the cluster, the `<env>-logs` group, a service stack `<app>-<env>` with ECS
// services made by CloudFormation (outputs `<Svc>EcsServiceName`), an ECR repository with tagged images, and an app
// folder with env.sample.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { CreateClusterCommand, DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import type { Service } from '@aws-sdk/client-ecs';
import { saveEnvironmentRecord } from '../support/stored-config.js';

/** SDK client options for the emulator. */
export interface ClientOptions {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

/** What the fixture made. */
export interface DeployableApp {
  app: string;
  environment: string;
  cluster: string;
  stackName: string;
  /** Component → ECS service name. */
  ecsServices: Record<string, string>;
  repositoryUri: string;
  /** The app folder (cwd for the CLI), with an empty env.sample. */
  folder: string;
}

function manifest(tag: string): string {
  // A schema-2 manifest: moto accepts any, and derives the digest from the layer digests.
  const digest = (seed: string): string => `sha256:${seed.repeat(64).slice(0, 64)}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 7023, digest: digest('c') },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: 32654,
        digest: digest(Buffer.from(tag).toString('hex')),
      },
    ],
  });
}

function serviceTemplate(environment: string, components: readonly string[], image: string): string {
  const resources: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  for (const component of components) {
    resources[`${component}TaskDefinition`] = {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Family: `${component}Family`,
        ContainerDefinitions: [
          {
            Name: `${component}Container`,
            Image: image,
            Essential: true,
            MemoryReservation: 64,
            Memory: 96,
            LogConfiguration: {
              LogDriver: 'awslogs',
              Options: {
                'awslogs-group': `${environment}-logs`,
                'awslogs-region': 'us-east-1',
                'awslogs-stream-prefix': component,
              },
            },
          },
        ],
      },
    };
    resources[component] = {
      Type: 'AWS::ECS::Service',
      Properties: {
        Cluster: `cluster-${environment}`,
        TaskDefinition: { Ref: `${component}TaskDefinition` },
        DesiredCount: 1,
      },
    };
    outputs[`${component}EcsServiceName`] = { Value: { 'Fn::GetAtt': [component, 'Name'] } };
  }
  return JSON.stringify({ Resources: resources, Outputs: outputs });
}

/** Creates everything a deploy of `app` to `environment` needs, with one ECS service per component. */
export async function deployableApp(
  options: ClientOptions,
  input: { app: string; environment: string; components: string[]; tags: string[] },
): Promise<DeployableApp> {
  const { app, environment, components } = input;
  const cluster = `cluster-${environment}`;
  const stackName = `${app}-${environment}`;
  await saveEnvironmentRecord(environment, { region: options.region });
  await new ECSClient(options).send(new CreateClusterCommand({ clusterName: cluster }));
  await new CloudWatchLogsClient(options).send(
    new CreateLogGroupCommand({ logGroupName: `${environment}-logs` }),
  );
  const ecr = new ECRClient(options);
  const repository = await ecr.send(new CreateRepositoryCommand({ repositoryName: `${app}-repo` }));
  const repositoryUri = repository.repository?.repositoryUri ?? '';
  for (const tag of ['bootstrap', ...input.tags]) {
    await ecr.send(
      new PutImageCommand({ repositoryName: `${app}-repo`, imageTag: tag, imageManifest: manifest(tag) }),
    );
  }
  const cfn = new CloudFormationClient(options);
  await cfn.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: serviceTemplate(environment, components, `${repositoryUri}:bootstrap`),
    }),
  );
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  const ecsServices: Record<string, string> = {};
  for (const output of stack?.Outputs ?? []) {
    ecsServices[(output.OutputKey ?? '').replace(/EcsServiceName$/, '')] = output.OutputValue ?? '';
  }
  const folder = mkdtempSync(join(tmpdir(), `cloudlift-${app}-`));
  writeFileSync(join(folder, 'env.sample'), '');
  return { app, environment, cluster, stackName, ecsServices, repositoryUri, folder };
}

/** The ECS service as DescribeServices reports it. */
export async function describeEcsService(
  options: ClientOptions,
  cluster: string,
  name: string,
): Promise<Service> {
  const found = (
    await new ECSClient(options).send(new DescribeServicesCommand({ cluster, services: [name] }))
  ).services?.[0];
  if (found === undefined) {
    throw new Error(`ECS service ${name} not found in ${cluster}`);
  }
  return found;
}
