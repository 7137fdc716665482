// An environment the service commands can use in the testbed: its configuration document, the real environment
// stack (from the environment template), stacks created straight through the SDK, and an app folder. The records the
// original stores are written by stored-config.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvironmentConfig } from '../../src/core/config/environment.js';
import { environmentTemplate } from '../../src/cdk/templates.js';
import { saveEnvironmentRecord } from './stored-config.js';
import { awsClientConfig, seedAccount, testbed } from './testbed.js';
import type { Seed } from './testbed.js';

/** The `<env>` document of the test environment (EC2 fleets, the cluster ALBs, dedicated ALBs by default). */
export function environmentDocument(
  seed: Seed,
  serviceDefaults: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    region: testbed().region,
    vpc: {
      cidr: '10.20.0.0/16',
      'nat-gateway': { 'elastic-ip-allocation-id': seed.eipAllocationId },
      subnets: {
        public: { 'subnet-1': { cidr: '10.20.0.0/22' }, 'subnet-2': { cidr: '10.20.4.0/22' } },
        private: { 'subnet-1': { cidr: '10.20.8.0/22' }, 'subnet-2': { cidr: '10.20.12.0/22' } },
      },
    },
    cluster: {
      min_instances: 1,
      max_instances: 2,
      instance_type: 't3.micro',
      key_name: seed.keyName,
      ecs_instance_default_lifecycle_type: 'ondemand',
    },
    environment: { notifications_arn: seed.snsTopicArn, ssl_certificate_arn: seed.certificateArn },
    service_defaults: serviceDefaults,
  };
}

/**
 * Creates a stack through the SDK (with the parameters create_environment/create_service pass) and returns its final
 * status, outputs and (on failure) the failure reasons.
 */
export async function createStackDirectly(
  stackName: string,
  template: unknown,
  parameters: Record<string, string> = { Environment: 'staging' },
): Promise<{ status: string; outputs: Record<string, string>; reasons: string[] }> {
  const cfn = await import('@aws-sdk/client-cloudformation');
  const client = new cfn.CloudFormationClient(awsClientConfig());
  await client.send(
    new cfn.CreateStackCommand({
      StackName: stackName,
      TemplateBody: JSON.stringify(template),
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    }),
  );
  const stack = (await client.send(new cfn.DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  const events = await client.send(new cfn.DescribeStackEventsCommand({ StackName: stackName }));
  return {
    status: stack?.StackStatus ?? 'MISSING',
    outputs: Object.fromEntries(
      (stack?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']),
    ),
    reasons: (events.StackEvents ?? []).flatMap((event) =>
      event.ResourceStatusReason ? [event.ResourceStatusReason] : [],
    ),
  };
}

/** Creates the environment stack `cluster-<env>` from the environment template; returns its outputs. */
export async function createEnvironmentStack(
  environment: string,
  document: Record<string, unknown>,
): Promise<Record<string, string>> {
  const region = testbed().region;
  const template = environmentTemplate(parseEnvironmentConfig(environment, document), {
    environment,
    availabilityZones: [`${region}a`, `${region}b`],
    amiId: 'ami-12c6146b',
    cloudliftVersion: '2.1.1',
  });
  const result = await createStackDirectly(`cluster-${environment}`, template);
  if (result.status !== 'CREATE_COMPLETE') {
    throw new Error(`environment stack: ${result.status}: ${result.reasons.join(' | ')}`);
  }
  return result.outputs;
}

/**
 * A seeded account with the environment ready for services: its record stored as the original stores it and its
 * stack created. Returns the seed (the SNS topic, certificate, ... the document names).
 */
export async function readyEnvironment(environment: string): Promise<Seed> {
  const seed = await seedAccount();
  const document = environmentDocument(seed);
  await saveEnvironmentRecord(environment, document);
  await createEnvironmentStack(environment, document);
  return seed;
}

/** An app folder with env.sample (cwd for the CLI). */
export function appFolder(app: string, envSample: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cloudlift-${app}-`));
  writeFileSync(join(dir, 'env.sample'), envSample);
  return dir;
}
