// Concurrent and repeated use of the testbed: a second testbed instance (TESTBED_DIR, as another working tree or an
// extra moto) shares the machine's registry front, yet each moto's ECR sees exactly the pushes made with its own
// login, at once; stopping one instance keeps the front for the other; stale state (dead and zombie PIDs in the state
// file, the lock and the registry record) never breaks `start`, also where nothing serves port 443 yet.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BatchDeleteImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  awsClientConfig,
  dockerEnv,
  dockerTestsRequired,
  resetTestbed,
  testbed,
} from '../support/testbed.js';

const script = fileURLToPath(new URL('../testbed/testbed.mjs', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'cloudlift-isolation-'));
const started: string[] = []; // TESTBED_DIRs to stop in afterAll, whatever happened

interface Instance {
  dir: string;
  endpoint: string;
}

/** Runs testbed.mjs with extra env (TESTBED_DIR, ...); the Docker engine of this run is reused. */
function testbedCommand(
  args: string[],
  env: Record<string, string>,
): { code: number; out: string; err: string } {
  const result = spawnSync(process.execPath, [script, ...args], {
    env: { ...process.env, DOCKER_HOST: testbed().dockerHost ?? process.env.DOCKER_HOST ?? '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status ?? 1, out: result.stdout, err: result.stderr };
}

function startInstance(name: string, extraEnv: Record<string, string> = {}, args: string[] = []): Instance {
  const dir = join(scratch, name);
  started.push(dir);
  const result = testbedCommand(['start', '--json', ...args], { TESTBED_DIR: dir, ...extraEnv });
  expect(result.code, result.err).toBe(0);
  return { dir, endpoint: (JSON.parse(result.out) as { endpoint: string }).endpoint };
}

function ecr(endpoint: string): ECRClient {
  return new ECRClient({ ...awsClientConfig(), endpoint });
}

function docker(args: string[], config: string, input?: string): { code: number; out: string } {
  const result = spawnSync('docker', args, {
    env: { ...dockerEnv(), DOCKER_CONFIG: config },
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status ?? 1, out: `${result.stdout}${result.stderr}` };
}

/** `docker login` with the ECR token of the moto at `endpoint`, in a DOCKER_CONFIG of its own. */
async function login(endpoint: string): Promise<string> {
  const config = mkdtempSync(join(scratch, 'docker-config-'));
  const auth = (await ecr(endpoint).send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
  const [user, password] = Buffer.from(auth?.authorizationToken ?? '', 'base64')
    .toString()
    .split(':');
  const result = docker(
    ['login', '-u', user ?? '', '--password-stdin', auth?.proxyEndpoint ?? ''],
    config,
    password,
  );
  expect(result.out).toContain('Login Succeeded');
  return config;
}

/** Builds a tiny FROM-scratch image whose digest depends on `label`; returns its local name. */
function buildImage(label: string): string {
  const context = mkdtempSync(join(scratch, 'image-'));
  copyFileSync('/bin/busybox', join(context, 'busybox'));
  writeFileSync(
    join(context, 'Dockerfile'),
    `FROM scratch\nCOPY busybox /bin/busybox\nLABEL probe=${label}\n`,
  );
  const name = `cloudlift-isolation:${label}`;
  const result = docker(['build', '-q', '-t', name, context], scratch);
  expect(result.code, result.out).toBe(0);
  return name;
}

/** Pushes `local` as repository:tag with the login in `config`; returns the push output and the digest. */
function push(
  local: string,
  repository: string,
  tag: string,
  config: string,
): { code: number; out: string; digest?: string } {
  const remote = `${testbed().registryHost}/${repository}:${tag}`;
  docker(['tag', local, remote], config);
  const result = docker(['push', remote], config);
  docker(['rmi', remote], config);
  return { ...result, digest: /digest: (sha256:[0-9a-f]{64})/.exec(result.out)?.[1] };
}

async function tagsAndDigests(endpoint: string, repositoryName: string): Promise<Record<string, string>> {
  const images = await ecr(endpoint).send(new DescribeImagesCommand({ repositoryName }));
  return Object.fromEntries(
    (images.imageDetails ?? []).flatMap((d) => (d.imageTags ?? []).map((t) => [t, d.imageDigest ?? ''])),
  );
}

/** A zombie: a child of `sleep` that exited and is never reaped. Returns its PID and the parent to kill later. */
async function makeZombie(): Promise<{ zombie: number; parent: number }> {
  const child = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 120'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const zombie = await new Promise<number>((resolve) =>
    child.stdout.once('data', (b: Buffer) => resolve(Number(b.toString()))),
  );
  for (let i = 0; i < 50 && !/\) Z /.test(readFileSync(`/proc/${zombie}/stat`, 'utf8')); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { zombie, parent: child.pid ?? 0 };
}

/** A PID that certainly names no process now (a child that ran and was reaped). */
function deadPid(): number {
  return Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
}

function frontHealth(): { pid: number; upstream: boolean } | undefined {
  const result = spawnSync('curl', ['-sk', '--max-time', '3', 'https://127.0.0.1:443/_testbed/health'], {
    encoding: 'utf8',
  });
  return result.status === 0 ? (JSON.parse(result.stdout) as { pid: number; upstream: boolean }) : undefined;
}

// Where nothing serves 443 yet: a fresh network namespace (its own 127.0.0.1) with a private /etc/docker/certs.d.
// Inside: start over stale files, check the front with curl (TLS verified against the CA start wrote, login with the
// moto's ECR token), stop, and check port 443 is free again. Prints `key=value` lines for the test to read.
const FRESH_MACHINE = String.raw`
set -u
ip link set lo up
mount --bind "$CERTS" /etc/docker/certs.d
node "$SCRIPT" start --json > "$WORK/start.json" 2> "$WORK/start.err"; echo "start=$?"
host=123456789012.dkr.ecr.us-east-1.amazonaws.com
endpoint=$(sed -n 's/.*"endpoint":"\([^"]*\)".*/\1/p' "$WORK/start.json")
target=AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken
token=$(curl -s -X POST "$endpoint/" -d '{}' -H "X-Amz-Target: $target" -H 'Content-Type: application/x-amz-json-1.1' \
  -H 'Authorization: AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/ecr/aws4_request' |
  sed -n 's/.*"authorizationToken": *"\([^"]*\)".*/\1/p')
code() { curl --cacert "$CERTS/$host/ca.crt" --resolve "$host:443:127.0.0.1" -s -o /dev/null -w '%{http_code}' "$@"; }
echo "anonymous=$(code "https://$host/v2/")"
echo "login=$(code -H "Authorization: Basic $token" "https://$host/v2/")"
node "$SCRIPT" stop 2> "$WORK/stop.err"; echo "stop=$?"
echo "port443=$(ss -ltnH 'sport = :443' | wc -l)"
`;

const canUnshare =
  process.getuid?.() === 0 &&
  existsSync('/etc/docker/certs.d') &&
  spawnSync('unshare', ['-n', '-m', 'true']).status === 0;

describe.runIf(dockerTestsRequired())('testbed: concurrent and repeated use', () => {
  beforeAll(async () => {
    await resetTestbed();
    expect(testbed().dockerAvailable, 'CI=true needs Docker and the registry; see .testbed/logs/').toBe(true);
  });

  afterAll(() => {
    for (const dir of started) {
      if (existsSync(join(dir, 'state.json'))) {
        testbedCommand(['stop'], { TESTBED_DIR: dir });
      }
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it('lands each push in the moto whose login pushed it, visible at once', async () => {
    const a = testbed().endpoint;
    const b = startInstance('second').endpoint;
    expect(b).not.toBe(a);
    for (const endpoint of [a, b]) {
      await ecr(endpoint).send(new CreateRepositoryCommand({ repositoryName: 'iso/app' }));
    }
    await ecr(a).send(new CreateRepositoryCommand({ repositoryName: 'iso/only-a' }));
    const [loginA, loginB] = [await login(a), await login(b)];
    const [one, two] = [buildImage(`one-${Date.now()}`), buildImage(`two-${Date.now()}`)];

    const pushes = [
      push(one, 'iso/app', 'one', loginA),
      push(one, 'iso/app', 'same', loginA),
      push(two, 'iso/app', 'two', loginB),
      push(two, 'iso/app', 'same', loginB), // the same repository and tag, another moto, another image
    ];
    expect(
      pushes.map((p) => p.code),
      pushes.map((p) => p.out).join('\n'),
    ).toEqual([0, 0, 0, 0]);
    const [digestOne, digestTwo] = [pushes[0]?.digest ?? '', pushes[2]?.digest ?? ''];
    expect(digestOne).not.toBe(digestTwo);
    expect(await tagsAndDigests(a, 'iso/app')).toEqual({ one: digestOne, same: digestOne });
    expect(await tagsAndDigests(b, 'iso/app')).toEqual({ two: digestTwo, same: digestTwo });

    // A repository only the other moto has is refused like ECR refuses it, and nothing lands anywhere.
    const refused = push(two, 'iso/only-a', 'x', loginB);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain(
      "name unknown: The repository with name 'iso/only-a' does not exist in the registry with id '123456789012'",
    );
    expect(await tagsAndDigests(a, 'iso/only-a')).toEqual({});

    // A tag deleted in ECR and pushed again (another image) is there again at once.
    await ecr(a).send(
      new BatchDeleteImageCommand({ repositoryName: 'iso/app', imageIds: [{ imageTag: 'one' }] }),
    );
    const again = push(two, 'iso/app', 'one', loginA);
    expect(again.code, again.out).toBe(0);
    expect(await tagsAndDigests(a, 'iso/app')).toEqual({ one: digestTwo, same: digestOne });

    // A login of a moto that has stopped is refused (instead of pushing somewhere unseen).
    expect(testbedCommand(['stop'], { TESTBED_DIR: join(scratch, 'second') }).code).toBe(0);
    const stale = push(one, 'iso/app', 'late', loginB);
    expect(stale.code).not.toBe(0);
    expect(stale.out).toContain('unauthorized');
    docker(['rmi', one, two], loginA);
  });

  it('keeps the registry front for this run when another testbed that used it stops', async () => {
    const before = frontHealth();
    expect(before?.upstream).toBe(true);
    startInstance('short-lived');
    const stopped = testbedCommand(['stop'], { TESTBED_DIR: join(scratch, 'short-lived') });
    expect(stopped.code, stopped.err).toBe(0);
    expect(stopped.err).toMatch(/registry front left running for \d+ other testbed moto/);
    expect(frontHealth()).toMatchObject({ pid: before?.pid, upstream: true });

    await ecr(testbed().endpoint).send(new CreateRepositoryCommand({ repositoryName: 'iso/after-stop' }));
    const image = buildImage(`after-${Date.now()}`);
    const pushed = push(image, 'iso/after-stop', 'v1', await login(testbed().endpoint));
    expect(pushed.code, pushed.out).toBe(0);
    expect(await tagsAndDigests(testbed().endpoint, 'iso/after-stop')).toEqual({ v1: pushed.digest });
    docker(['rmi', image], scratch);
  });

  it('starts over stale state: dead and zombie PIDs in the state file, the lock and the registry record', async () => {
    const { zombie, parent } = await makeZombie();
    try {
      expect(() => process.kill(zombie, 0)).not.toThrow(); // a zombie still "exists" for kill(0)
      const dir = join(scratch, 'stale');
      mkdirSync(dir, { recursive: true });
      const dead = deadPid();
      const gone = { name: 'moto', pid: dead, marker: 'moto_launcher.py', endpoint: 'http://127.0.0.1:9' };
      writeFileSync(
        join(dir, 'state.json'),
        JSON.stringify({
          version: 2,
          endpoint: gone.endpoint,
          usesRegistry: true,
          processes: [gone],
          leases: [],
        }),
      );
      writeFileSync(join(dir, 'lock'), String(zombie));
      const record = join(dir, 'registry-record.json');
      writeFileSync(
        record,
        JSON.stringify({ version: 2, proxyPid: dead, registryPid: zombie, dir: '/gone' }),
      );
      const env = { TESTBED_REGISTRY_RECORD: record };

      const first = startInstance('stale', env, ['--lease', String(zombie)]);
      expect(JSON.parse(readFileSync(record, 'utf8'))).toMatchObject({
        proxyPid: frontHealth()?.pid,
      });
      // the zombie's lease is dropped: the next lease gets the shared moto, not an extra one
      const second = startInstance('stale', env, ['--lease', String(process.pid)]);
      expect(second.endpoint).toBe(first.endpoint);
      const status = testbedCommand(['status', '--json'], { TESTBED_DIR: dir, ...env });
      expect(status.code, status.err).toBe(0);
      expect((JSON.parse(status.out) as { leases: { pid: number }[] }).leases.map((l) => l.pid)).toEqual([
        process.pid,
      ]);
      expect(testbedCommand(['stop'], { TESTBED_DIR: dir, ...env }).code).toBe(0);
    } finally {
      process.kill(parent);
    }
  });

  it.runIf(canUnshare)('starts a new registry front over stale files where nothing serves port 443', () => {
    const work = mkdtempSync(join(scratch, 'fresh-'));
    const certs = join(work, 'certs');
    const registryDir = join(work, 'registry');
    mkdirSync(join(certs, testbed().registryHost), { recursive: true });
    mkdirSync(registryDir, { recursive: true });
    writeFileSync(join(certs, testbed().registryHost, 'ca.crt'), 'left over, not a certificate\n');
    writeFileSync(join(registryDir, 'lock'), String(deadPid()));
    const record = join(work, 'record.json');
    writeFileSync(
      record,
      JSON.stringify({ pid: deadPid(), root: '/gone/.testbed/registry/data', tree: '/gone' }),
    );
    mkdirSync(join(work, 'testbed'));
    const gone = { name: 'moto', pid: deadPid(), marker: 'moto_launcher.py', endpoint: 'http://127.0.0.1:9' };
    writeFileSync(
      join(work, 'testbed', 'state.json'),
      JSON.stringify({ version: 2, processes: [gone], leases: [] }),
    );

    const result = spawnSync('unshare', ['-n', '-m', 'bash', '-c', FRESH_MACHINE], {
      env: {
        ...process.env,
        SCRIPT: script,
        WORK: work,
        CERTS: certs,
        TESTBED_DIR: join(work, 'testbed'),
        TESTBED_REGISTRY_DIR: registryDir,
        TESTBED_REGISTRY_RECORD: record,
        DOCKER_HOST: testbed().dockerHost ?? process.env.DOCKER_HOST ?? '',
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const facts = Object.fromEntries(
      result.stdout.split('\n').flatMap((line) => (line.includes('=') ? [line.split('=', 2)] : [])),
    );
    const logs = ['start.err', 'stop.err'].map((f) => readFileSync(join(work, f), 'utf8')).join('\n');
    expect(facts, `${result.stderr}\n${logs}`).toEqual({
      start: '0',
      anonymous: '401',
      login: '200',
      stop: '0',
      port443: '0',
    });
    expect(logs).toContain('registry front started');
    expect(logs).toContain('stopped registry front');
    expect(readFileSync(join(certs, testbed().registryHost, 'ca.crt'), 'utf8')).toContain(
      'BEGIN CERTIFICATE',
    );
    expect(existsSync(record)).toBe(false);
  });
});
