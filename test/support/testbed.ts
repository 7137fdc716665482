// Testbed API for integration tests: where the moto testbed is, the env to run the CLI against it, reset/seed helpers.
// Tests either pass `cliEnv()` to runCli, or build SDK clients with `new XClient(awsClientConfig())`.
// Importing this module removes AWS profile/session variables from process.env so nothing of the host leaks in
// (runCli passes process.env on), and silences the SDK's Node-20 warning for the clients tests create.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

/** Where the testbed is, for one test file. */
export interface Testbed {
  /** moto's endpoint, e.g. `http://127.0.0.1:41234` (AWS_ENDPOINT_URL). */
  endpoint: string;
  region: string;
  accountId: string;
  /** `123456789012.dkr.ecr.us-east-1.amazonaws.com`: a real TLS registry; pushes made with this moto's ECR login
   * land in this moto's ECR (test/testbed/README.md, "ECR mapping"). */
  registryHost: string;
  /** A Docker engine answers and the registry host is mapped (root machines; always in CI). */
  dockerAvailable: boolean;
  /** DOCKER_CONFIG for this test file (a fresh temp dir, so `docker login` never touches ~/.docker). */
  dockerConfigDir: string;
  /** DOCKER_HOST of the testbed's Docker engine (its own dockerd, or the DOCKER_HOST it found); undefined for the
   * machine's default socket. */
  dockerHost: string | undefined;
}

/** What the integration project's globalSetup provides to every test file. */
export interface TestbedInfo {
  endpoint: string;
  region: string;
  accountId: string;
  registryHost: string;
  dockerAvailable: boolean;
  dockerHost: string | null;
  logsDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testbed: TestbedInfo;
  }
}

/** The ECS behaviour controls of the testbed's scheduler (test/testbed/README.md, "ECS behaviour controls"). */
export interface EcsBehaviour {
  /** Tasks whose container image contains `imageContains` stop instead of running. */
  failTasks: { imageContains: string; reason?: 'exit' | 'pull' | 'oom' }[];
  /** Services (names, or '*') whose tasks cannot be placed: they get the "was unable to place a task" event. */
  unplaceable: string[];
  /** Trip the deployment circuit breaker after `threshold` failed tasks; with rollback, go back to the last
   * COMPLETED deployment's task definition. */
  circuitBreaker: { rollback?: boolean; threshold?: number } | null;
  /** Seconds a new task stays PENDING. */
  pendingSeconds: number;
  /** Every ECS/ELB duration of the emulation is multiplied by it (default 0.05). */
  timeScale: number;
}

/** What seedAccount() created. */
export interface Seed {
  certificateArn: string;
  eipAllocationId: string;
  snsTopicArn: string;
  keyName: string;
  amiParameter: string;
  executionRoleArn: string;
}

const TASK_TRANSITION = { model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } };
/** Variables that would make the SDK or the CLI use something other than the testbed's dummy credentials. */
export const SCRUBBED_ENV = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
] as const;

for (const name of SCRUBBED_ENV) {
  delete process.env[name];
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'; // SDK clients made by the tests themselves

let current: Testbed | undefined;
let scratch: string | undefined;

function scratchDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'cloudlift-testbed-'));
  return scratch;
}

/** The testbed of this test file (only inside the `integration` vitest project). */
export function testbed(): Testbed {
  if (current === undefined) {
    const info = inject('testbed');
    if (info === undefined) {
      throw new Error(
        'No testbed: integration tests run in the vitest project `integration` (npx vitest run --project integration), ' +
          'whose globalSetup (test/support/testbed-setup.ts) starts or reuses one.',
      );
    }
    current = {
      endpoint: info.endpoint,
      region: info.region,
      accountId: info.accountId,
      registryHost: info.registryHost,
      dockerAvailable: info.dockerAvailable,
      dockerConfigDir: mkdtempSync(join(scratchDir(), 'docker-config-')),
      dockerHost: info.dockerHost ?? undefined,
    };
  }
  return current;
}

/** Environment for runCli against the testbed; `extra` wins. AWS profile/session variables are not passed. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const tb = testbed();
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL: tb.endpoint,
    AWS_REGION: tb.region,
    AWS_DEFAULT_REGION: tb.region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    // no ~/.aws of the machine: both point at files that do not exist
    AWS_CONFIG_FILE: join(scratchDir(), 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratchDir(), 'aws-credentials'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    CLOUDLIFT_AWS_MAX_ATTEMPTS: '1',
    DOCKER_CONFIG: tb.dockerConfigDir,
    NO_COLOR: '1',
  };
  if (tb.dockerHost !== undefined) {
    env.DOCKER_HOST = tb.dockerHost;
  }
  return { ...env, ...extra };
}

/** Environment for running the `docker` CLI in a test (the file's DOCKER_CONFIG, the testbed's DOCKER_HOST). */
export function dockerEnv(): Record<string, string | undefined> {
  const tb = testbed();
  return {
    ...process.env,
    DOCKER_CONFIG: tb.dockerConfigDir,
    DOCKER_HOST: tb.dockerHost ?? process.env.DOCKER_HOST,
  };
}

/** Whether Docker tests must run: when Docker is available, and always under CI=true (so they fail, not skip). */
export function dockerTestsRequired(): boolean {
  return testbed().dockerAvailable || process.env.CI === 'true';
}

/** Options for SDK clients in tests: `new ECSClient(awsClientConfig())` (S3 also needs `forcePathStyle: true`). */
export function awsClientConfig(): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
} {
  const tb = testbed();
  return {
    endpoint: tb.endpoint,
    region: tb.region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  };
}

async function motoRequest(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${testbed().endpoint}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`testbed ${method} ${path} answered ${response.status}: ${text}`);
  }
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Wipes all AWS state (and registry repositories), re-applies the ECS task transition, resets ECS behaviour. */
export async function resetTestbed(): Promise<void> {
  await motoRequest('POST', '/moto-api/reset');
  await motoRequest('POST', '/moto-api/state-manager/set-transition', TASK_TRANSITION);
  await motoRequest('DELETE', '/_testbed/ecs-behaviour');
}

/** Replaces the ECS behaviour controls (omitted fields take their defaults); returns what is now in effect. */
export async function setEcsBehaviour(behaviour: Partial<EcsBehaviour>): Promise<EcsBehaviour> {
  return (await motoRequest('POST', '/_testbed/ecs-behaviour', behaviour)) as EcsBehaviour;
}

/** The ECS behaviour controls in effect. */
export async function getEcsBehaviour(): Promise<EcsBehaviour> {
  return (await motoRequest('GET', '/_testbed/ecs-behaviour')) as EcsBehaviour;
}

/** Polls `check` until it returns a value other than undefined/false; throws with `what` after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  { timeoutMs = 20_000, intervalMs = 200 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < timeoutMs) {
    const value = await check();
    if (value !== undefined && value !== false) {
      return value;
    }
    last = value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
}

/** Creates what Cloudlift expects to exist in an account: certificate, EIP, SNS topic, key pair, AMI parameter,
 * ecsTaskExecutionRole. Safe to call twice (existing key pair/role/parameter are reused or overwritten). */
export async function seedAccount(): Promise<Seed> {
  const config = awsClientConfig();
  const [acm, ec2, sns, ssm, iam] = await Promise.all([
    import('@aws-sdk/client-acm'),
    import('@aws-sdk/client-ec2'),
    import('@aws-sdk/client-sns'),
    import('@aws-sdk/client-ssm'),
    import('@aws-sdk/client-iam'),
  ]);
  const keyName = 'cloudlift-test';
  const amiParameter = '/cloudlift/ami';
  const ec2Client = new ec2.EC2Client(config);
  const certificate = await new acm.ACMClient(config).send(
    new acm.RequestCertificateCommand({ DomainName: '*.cloudlift.test', ValidationMethod: 'DNS' }),
  );
  const address = await ec2Client.send(new ec2.AllocateAddressCommand({ Domain: 'vpc' }));
  const topic = await new sns.SNSClient(config).send(
    new sns.CreateTopicCommand({ Name: 'cloudlift-test-alerts' }),
  );
  const keys = await ec2Client.send(new ec2.DescribeKeyPairsCommand({}));
  if (!(keys.KeyPairs ?? []).some((k) => k.KeyName === keyName)) {
    await ec2Client.send(new ec2.CreateKeyPairCommand({ KeyName: keyName }));
  }
  await new ssm.SSMClient(config).send(
    new ssm.PutParameterCommand({
      Name: amiParameter,
      Type: 'String',
      Value: JSON.stringify({ image_id: 'ami-12c6146b' }),
      Overwrite: true,
    }),
  );
  const iamClient = new iam.IAMClient(config);
  const RoleName = 'ecsTaskExecutionRole';
  const trust = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  };
  const role = await iamClient.send(new iam.GetRoleCommand({ RoleName })).catch(async (error: unknown) => {
    if (!(error instanceof iam.NoSuchEntityException)) {
      throw error;
    }
    return iamClient.send(
      new iam.CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: JSON.stringify(trust) }),
    );
  });
  const executionRoleArn = role.Role?.Arn;
  if (!certificate.CertificateArn || !address.AllocationId || !topic.TopicArn || !executionRoleArn) {
    throw new Error('seedAccount: moto did not return an ARN/id for the certificate, EIP, topic or role');
  }
  return {
    certificateArn: certificate.CertificateArn,
    eipAllocationId: address.AllocationId,
    snsTopicArn: topic.TopicArn,
    keyName,
    amiParameter,
    executionRoleArn,
  };
}
