#!/usr/bin/env node
// deploy_service benchmark against the testbed: wall time and AWS API calls of (a) a deploy whose image is already in
// ECR (new revision, rollout, verdict) and (b) a no-op deploy (that image and config already run). API calls are
// counted by a small HTTP proxy between the CLI and moto (AWS_ENDPOINT_URL points at it), by operation.
// Run after `npm run build`, as root with the testbed available: `node bench/deploy.mjs [rounds]`.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.argv[2] ?? 5);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'; // the fixture's own SDK calls
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'bin', 'cloudlift.mjs');

// ---------------------------------------------------------------- testbed and counting proxy

const started = spawnSync(process.execPath, [join(root, 'test/testbed/testbed.mjs'), 'start'], {
  stdio: 'inherit',
});
if (started.status !== 0) {
  throw new Error('could not start the testbed (node test/testbed/testbed.mjs start)');
}
const state = JSON.parse(readFileSync(join(root, '.testbed/state.json'), 'utf8'));
const moto = new URL(state.endpoint);

/** Operation name of one AWS request: X-Amz-Target (JSON protocols) or Action= (query protocols). */
function operationOf(headers, body) {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    return target.replace(/^[^.]*\./, '').replace(/^AmazonEC2ContainerServiceV\d+\./, '');
  }
  const action = /(?:^|&)Action=([^&]+)/.exec(body);
  return action ? decodeURIComponent(action[1]) : 'unknown';
}
const serviceOf = (headers) =>
  /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(headers.authorization ?? '')?.[1] ?? '?';

let calls = [];
const proxy = createServer((incoming, outgoing) => {
  const chunks = [];
  incoming.on('data', (chunk) => chunks.push(chunk));
  incoming.on('end', () => {
    const body = Buffer.concat(chunks);
    calls.push(`${serviceOf(incoming.headers)}:${operationOf(incoming.headers, body.toString('utf8'))}`);
    const forward = request(
      {
        host: moto.hostname,
        port: moto.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', (error) => outgoing.destroy(error));
    forward.end(body);
  });
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${proxy.address().port}`;

// ---------------------------------------------------------------- fixture: environment, service stack, app

const suffix = Math.random().toString(36).slice(2, 8);
const environment = `bench${suffix}`;
const app = `benchapp${suffix}`;
const scratch = mkdtempSync(join(tmpdir(), 'cloudlift-bench-'));
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: endpoint,
  AWS_REGION: state.region,
  AWS_DEFAULT_REGION: state.region,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_CONFIG_FILE: join(scratch, 'none'),
  AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'none'),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  DOCKER_CONFIG: join(scratch, 'docker'),
  NO_COLOR: '1',
  ...(state.docker?.host ? { DOCKER_HOST: state.docker.host } : {}),
};
delete env.AWS_PROFILE;
delete env.NODE_EXTRA_CA_CERTS;
process.env.AWS_ENDPOINT_URL = endpoint;
const sdkConfig = {
  region: state.region,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
};

async function fixture() {
  const { DynamoDBClient, CreateTableCommand, DescribeTableCommand } =
    await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient, PutCommand } = await import('@aws-sdk/lib-dynamodb');
  const dynamo = new DynamoDBClient(sdkConfig);
  const TableName = 'environment_configurations';
  if (
    !(await dynamo.send(new DescribeTableCommand({ TableName })).then(
      () => true,
      () => false,
    ))
  ) {
    await dynamo.send(
      new CreateTableCommand({
        TableName,
        KeySchema: [{ AttributeName: 'environment', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'environment', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  const item = {
    environment,
    configuration: { [environment]: { region: state.region }, cloudlift_version: '2.1.1' },
  };
  await DynamoDBDocumentClient.from(dynamo).send(new PutCommand({ TableName, Item: item }));
  const ecs = await import('@aws-sdk/client-ecs');
  await new ecs.ECSClient(sdkConfig).send(
    new ecs.CreateClusterCommand({ clusterName: `cluster-${environment}` }),
  );
  const { SSMClient, PutParameterCommand } = await import('@aws-sdk/client-ssm');
  for (const [key, value] of Object.entries({ PORT: '80', GREETING: 'hi' })) {
    await new SSMClient(sdkConfig).send(
      new PutParameterCommand({
        Name: `/${environment}/${app}/${key}`,
        Value: value,
        Type: 'SecureString',
        Overwrite: true,
      }),
    );
  }
  const cfn = await import('@aws-sdk/client-cloudformation');
  const client = new cfn.CloudFormationClient(sdkConfig);
  const template = {
    Resources: {
      WebTaskDefinition: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          Family: `Web${suffix}Family`,
          ContainerDefinitions: [
            {
              Name: 'WebContainer',
              Image: `${state.registryHost}/${app}-repo:cloudlift-not-deployed-yet`,
              Essential: true,
              MemoryReservation: 64,
            },
          ],
        },
      },
      Web: {
        Type: 'AWS::ECS::Service',
        Properties: {
          Cluster: `cluster-${environment}`,
          TaskDefinition: { Ref: 'WebTaskDefinition' },
          DesiredCount: 0,
        },
      },
    },
    Outputs: { WebEcsServiceName: { Value: { 'Fn::GetAtt': ['Web', 'Name'] } } },
  };
  await client.send(
    new cfn.CreateStackCommand({
      StackName: `${app}-${environment}`,
      TemplateBody: JSON.stringify(template),
    }),
  );
  const dir = join(scratch, app);
  mkdirSync(dir);
  copyFileSync(existsSync('/bin/busybox') ? '/bin/busybox' : '/usr/bin/busybox', join(dir, 'busybox'));
  writeFileSync(
    join(dir, 'Dockerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nCMD ["/bin/busybox", "httpd", "-f", "-p", "80"]\n',
  );
  writeFileSync(join(dir, 'env.sample'), 'PORT=80\nGREETING=hello\n');
  const git = (...args) =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'a');
  const a = git('rev-parse', 'HEAD');
  writeFileSync(join(dir, 'VERSION'), 'b\n');
  git('add', '.');
  git('commit', '-q', '-m', 'b');
  return { dir, a, b: git('rev-parse', 'HEAD') };
}

// ---------------------------------------------------------------- measurements

function cloudlift(dir, args) {
  return new Promise((resolve, reject) => {
    calls = [];
    const begin = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: dir,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - begin) / 1e6;
      if (code !== 0) {
        reject(new Error(`cloudlift ${args.join(' ')} exited ${code}\n${stderr}`));
        return;
      }
      resolve({ ms, calls: [...calls], stderr });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const histogram = (list) =>
  Object.entries(list.reduce((acc, call) => ({ ...acc, [call]: (acc[call] ?? 0) + 1 }), {}))
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .map(([call, count]) => `${call}×${count}`)
    .join(', ');

const { dir, a, b } = await fixture();
const deploy = (version) => cloudlift(dir, ['deploy_service', '-e', environment, '--version', version]);
// warm-up: the first deploys build and push both versions (not measured)
await cloudlift(dir, ['deploy_service', '-e', environment]);
execFileSync('git', ['checkout', '-q', a], { cwd: dir });
await cloudlift(dir, ['deploy_service', '-e', environment]);
execFileSync('git', ['checkout', '-q', 'main'], { cwd: dir });

const results = { deploy: [], noop: [] };
for (let round = 0; round < rounds; round += 1) {
  const version = round % 2 === 0 ? b : a; // alternates: the image is in ECR, the service runs the other one
  const full = await deploy(version);
  if (!full.stderr.includes('Image found in ECR')) {
    throw new Error(`expected a deploy without build:\n${full.stderr}`);
  }
  results.deploy.push(full);
  const noop = await deploy(version);
  if (!noop.stderr.includes('Nothing to deploy')) {
    throw new Error(`expected a no-op:\n${noop.stderr}`);
  }
  results.noop.push(noop);
}
proxy.close();
// the two local images the warm-up built
spawnSync('docker', ['rmi', '-f', `${app}:${a}`, `${app}:${b}`], { env, stdio: 'ignore' });

console.log(
  `deploy_service benchmark, ${rounds} rounds, node ${process.version}, one ECS service, testbed rollout ~1 s`,
);
console.log('| case | median wall ms | min ms | max ms | AWS API calls (median) |');
console.log('|---|---|---|---|---|');
for (const [name, label] of [
  ['deploy', 'deploy, image already in ECR (register + roll out + verdict)'],
  ['noop', 'no-op deploy (same image and config)'],
]) {
  const list = results[name];
  const ms = list.map((r) => r.ms);
  console.log(
    `| ${label} | ${median(ms).toFixed(0)} | ${Math.min(...ms).toFixed(0)} | ${Math.max(...ms).toFixed(0)} | ${median(list.map((r) => r.calls.length))} |`,
  );
}
for (const [name, list] of Object.entries(results)) {
  console.log(`\n${name} calls (last round): ${histogram(list[list.length - 1].calls)}`);
}
