#!/usr/bin/env node
// deploy_service benchmark against the testbed, on real stacks and real containers: an environment made by
// create_environment (2 hosts), one app with ONE worker service and one app with TEN worker services (create_service),
// a FROM-scratch busybox image; then, per round, `deploy_service --version <sha>` alternating between two commits
// whose images are already in ECR (plan, register, roll out: real tasks start and old ones stop, verdict; no build),
// each followed by the same command again (a no-op). AWS API calls are counted by a small HTTP proxy between the CLI
// and moto (AWS_ENDPOINT_URL points at it), by operation; "writes" are calls that change something.
// Run after `npm run build`, as root with the testbed available: `node bench/deploy.mjs [rounds]`.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.argv[2] ?? 5);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'bin', 'cloudlift.mjs');

// ---------------------------------------------------------------- testbed and counting proxy

const started = spawnSync(process.execPath, [join(root, 'test/testbed/testbed.mjs'), 'start'], {
  stdio: 'inherit',
});
if (started.status !== 0) {
  throw new Error('could not start the testbed (node test/testbed/testbed.mjs start)');
}
const state = JSON.parse(
  readFileSync(join(process.env.TESTBED_DIR ?? join(root, '.testbed'), 'state.json'), 'utf8'),
);
const moto = new URL(state.endpoint);

/** Operation name of one AWS request: X-Amz-Target (JSON protocols) or Action= (query protocols). */
function operationOf(headers, body) {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    return target.replace(/^[^.]*\./, '');
  }
  const action = /(?:^|&)Action=([^&]+)/.exec(body);
  return action ? decodeURIComponent(action[1]) : 'unknown';
}
const serviceOf = (headers) =>
  /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(headers.authorization ?? '')?.[1] ?? '?';
const READS = /^(Describe|Get|List|BatchGet|Query|Scan)/;

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

// ---------------------------------------------------------------- fixture, through the CLI

const suffix = Math.random().toString(36).slice(2, 7);
const environment = `bench${suffix}`;
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

/** Seeds the account like examples/lib/seed-testbed.mjs and prints its variables; returns them. */
function seed() {
  const out = execFileSync(process.execPath, [join(root, 'examples/lib/seed-testbed.mjs')], {
    env: { ...env, AWS_ENDPOINT_URL: state.endpoint },
    encoding: 'utf8',
  });
  return Object.fromEntries(
    out
      .split('\n')
      .map((line) => /^(?:export )?([A-Z_]+)=["']?([^"']*)["']?$/.exec(line.trim()))
      .filter(Boolean)
      .map((match) => [match[1], match[2]]),
  );
}

async function fixture() {
  const vars = seed();
  writeFileSync(
    join(scratch, 'environment.json'),
    JSON.stringify({
      region: state.region,
      vpc: {
        cidr: '10.60.0.0/16',
        'nat-gateway': { 'elastic-ip-allocation-id': vars.EIP_ALLOCATION_ID },
        subnets: {
          public: { 'subnet-1': { cidr: '10.60.0.0/22' }, 'subnet-2': { cidr: '10.60.4.0/22' } },
          private: { 'subnet-1': { cidr: '10.60.8.0/22' }, 'subnet-2': { cidr: '10.60.12.0/22' } },
        },
      },
      cluster: {
        min_instances: 2,
        max_instances: 2,
        spot_min_instances: 0,
        spot_max_instances: 0,
        instance_type: 't3.small',
        key_name: vars.KEY_NAME,
        ami_id: vars.AMI_PARAMETER,
        ecs_instance_default_lifecycle_type: 'ondemand',
        allocation_strategy: 'capacity-optimized',
      },
      environment: { notifications_arn: vars.SNS_TOPIC_ARN, ssl_certificate_arn: vars.CERTIFICATE_ARN },
      service_defaults: {
        logging: 'awslogs',
        alb_mode: 'dedicated',
        disable_service_alarms: false,
        fluentbit_config: { image_uri: 'amazon/aws-for-fluent-bit:stable', env: { kinesis_role_arn: '' } },
      },
    }),
  );
  await cloudlift(scratch, [
    'create_environment',
    '-e',
    environment,
    '--config-file',
    join(scratch, 'environment.json'),
    '--yes',
  ]);
  const apps = {};
  for (const [name, count] of [
    ['one', 1],
    ['ten', 10],
  ]) {
    const app = `bench${name}${suffix}`;
    const dir = join(scratch, app);
    mkdirSync(dir);
    copyFileSync(existsSync('/bin/busybox') ? '/bin/busybox' : '/usr/bin/busybox', join(dir, 'busybox'));
    writeFileSync(
      join(dir, 'start.sh'),
      'trap "exit 0" TERM\necho "worker $(cat /VERSION) up"\nwhile true; do sleep 1; done\n',
    );
    writeFileSync(join(dir, 'VERSION'), 'a\n');
    writeFileSync(
      join(dir, 'Dockerfile'),
      'FROM scratch\nCOPY busybox /bin/busybox\nCOPY busybox /bin/sh\nCOPY start.sh VERSION /\nCMD ["/bin/busybox", "sh", "/start.sh"]\n',
    );
    writeFileSync(join(dir, 'env.sample'), 'GREETING=hello\n');
    const services = Object.fromEntries(
      Array.from({ length: count }, (_, i) => [
        `${name === 'one' ? 'Solo' : 'Part'}${suffix}${i + 1}`,
        { command: null, memory_reservation: 32 },
      ]),
    );
    writeFileSync(
      join(scratch, `${app}.json`),
      JSON.stringify({ notifications_arn: vars.SNS_TOPIC_ARN, services }),
    );
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
    git('commit', '-qam', 'b');
    const b = git('rev-parse', 'HEAD');
    await cloudlift(dir, ['edit_config', '-e', environment, '--set', 'GREETING=hi', '--yes']);
    await cloudlift(dir, [
      'create_service',
      '-e',
      environment,
      '--config-file',
      join(scratch, `${app}.json`),
      '--yes',
    ]);
    // warm-up: build and push both versions (not measured)
    await cloudlift(dir, ['deploy_service', '-e', environment, '--concurrency', '10']);
    execFileSync('git', ['checkout', '-q', a], { cwd: dir });
    await cloudlift(dir, ['deploy_service', '-e', environment, '--concurrency', '10']);
    execFileSync('git', ['checkout', '-q', 'main'], { cwd: dir });
    apps[name] = { app, dir, a, b };
  }
  return apps;
}

// ---------------------------------------------------------------- measurements

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
const writes = (list) => list.filter((call) => !READS.test(call.split(':')[1] ?? '')).length;

const apps = await fixture();
const cases = [
  ['one', [], 'deploy, 1 service (image in ECR: register, roll out, verdict)'],
  ['ten', [], 'deploy, 10 services of one app (default --concurrency 4)'],
  ['ten', ['--concurrency', '10'], 'deploy, 10 services of one app, --concurrency 10'],
];
const results = Object.fromEntries(cases.map(([, , label]) => [label, { deploy: [], noop: [] }]));
const running = Object.fromEntries(Object.entries(apps).map(([name, app]) => [name, app.a])); // after the warm-up
for (let round = 0; round < rounds; round += 1) {
  for (const [name, extra, label] of cases) {
    const { dir, a, b } = apps[name];
    // the image is in ECR and the services run the other version
    const version = running[name] === a ? b : a;
    running[name] = version;
    const args = ['deploy_service', '-e', environment, '--version', version, ...extra];
    const full = await cloudlift(dir, args);
    if (!full.stderr.includes('Image found in ECR')) {
      throw new Error(`expected a deploy without build:\n${full.stderr}`);
    }
    results[label].deploy.push(full);
    const noop = await cloudlift(dir, args);
    if (!noop.stderr.includes('Nothing to deploy')) {
      throw new Error(`expected a no-op:\n${noop.stderr}`);
    }
    results[label].noop.push(noop);
  }
}
proxy.close();
for (const { app, a, b } of Object.values(apps)) {
  spawnSync('docker', ['rmi', '-f', `${app}:${a}`, `${app}:${b}`], { env, stdio: 'ignore' });
}

console.log(
  `deploy_service benchmark, ${rounds} rounds, node ${process.version}, real containers on the testbed ` +
    '(timeScale 0.05), worker services, environment with 2 hosts',
);
console.log('| case | median wall ms | min ms | max ms | AWS calls | of them writes |');
console.log('|---|---|---|---|---|---|');
for (const [, , label] of cases) {
  for (const [kind, title] of [
    ['deploy', label],
    ['noop', `no-op: ${label.replace(/^deploy, /, '').replace(/ \(.*\)$/, '')}`],
  ]) {
    const list = results[label][kind];
    const ms = list.map((r) => r.ms);
    console.log(
      `| ${title} | ${median(ms).toFixed(0)} | ${Math.min(...ms).toFixed(0)} | ${Math.max(...ms).toFixed(0)} | ` +
        `${median(list.map((r) => r.calls.length))} | ${median(list.map((r) => writes(r.calls)))} |`,
    );
  }
}
const one = median(results[cases[0][2]].deploy.map((r) => r.ms));
for (const [, , label] of cases.slice(1)) {
  console.log(`ten/one (${label}): ${(median(results[label].deploy.map((r) => r.ms)) / one).toFixed(2)}x`);
}
for (const [label, { deploy, noop }] of Object.entries(results)) {
  console.log(`\n${label}: deploy calls (last round): ${histogram(deploy.at(-1).calls)}`);
  console.log(`${label}: no-op calls (last round): ${histogram(noop.at(-1).calls)}`);
}
