// Docker engine and the TLS registry that answers as ECR (approach A of shared/spec/testbed.md 4.2).
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DIR,
  REGISTRY_HOST,
  ROOT,
  TestbedError,
  isOurProcess,
  log,
  portFree,
  registryAnswers,
  spawnLogged,
  waitFor,
  writeState,
} from './common.mjs';

const HOSTS_FILE = '/etc/hosts';
const HOSTS_MARK = '# cloudlift-testbed';
const CERTS_DIR = `/etc/docker/certs.d/${REGISTRY_HOST}`;
/** Machine-wide note of the testbed registry serving 127.0.0.1:443, so a second working tree can share it. */
const REGISTRY_INFO = existsSync('/run')
  ? '/run/cloudlift-testbed-registry.json'
  : join(tmpdir(), 'cloudlift-testbed-registry.json');

function dockerInfo(host) {
  const env = host ? { ...process.env, DOCKER_HOST: host } : process.env;
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
    timeout: 10_000,
    env,
  });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** A directory for dockerd's sockets: under .testbed unless the path would be too long for a unix socket. */
function dockerRunDir() {
  const preferred = join(DIR, 'docker', 'run');
  if (preferred.length <= 60) {
    return preferred;
  }
  const hash = createHash('sha256').update(ROOT).digest('hex').slice(0, 8);
  return `/tmp/cloudlift-testbed-${hash}`;
}

/** Reuses a Docker engine that answers `docker info`, or starts a private dockerd under .testbed/. */
export async function ensureDocker(state) {
  const forceOwn = process.env.TESTBED_OWN_DOCKERD === '1';
  const existing = forceOwn ? undefined : dockerInfo(process.env.DOCKER_HOST);
  if (existing) {
    state.docker = { ownDaemon: false, host: process.env.DOCKER_HOST ?? null, version: existing };
    return;
  }
  if (spawnSync('sh', ['-c', 'command -v dockerd'], { encoding: 'utf8' }).status !== 0) {
    throw new TestbedError(
      '`docker info` failed and dockerd is not installed: run `bash test/testbed/install.sh`',
    );
  }
  const run = dockerRunDir();
  const data = join(DIR, 'docker', 'data');
  mkdirSync(run, { recursive: true });
  mkdirSync(data, { recursive: true });
  const host = `unix://${join(run, 'docker.sock')}`;
  const args = ['--data-root', data, '--exec-root', join(run, 'exec'), '--pidfile', join(run, 'docker.pid')];
  args.push('-H', host, '--bridge=none', '--iptables=false', '--ip-masq=false');
  const child = spawnLogged('dockerd', 'dockerd', args);
  state.processes.push({ name: 'dockerd', pid: child.pid, marker: 'dockerd' });
  writeState(state);
  await waitFor('dockerd', async () => dockerInfo(host) !== undefined, {
    timeoutMs: 60_000,
    exited: child.exited,
    logName: 'dockerd',
  });
  state.docker = { ownDaemon: true, host, version: dockerInfo(host) };
}

function ensureCertificate() {
  const dir = join(DIR, 'registry');
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  mkdirSync(dir, { recursive: true });
  const fresh = existsSync(cert) && existsSync(key) && Date.now() - statSync(cert).mtimeMs < 20 * 86_400_000;
  if (!fresh) {
    const result = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '30',
        '-subj',
        `/CN=${REGISTRY_HOST}`,
        '-addext',
        `subjectAltName=DNS:${REGISTRY_HOST},IP:127.0.0.1`,
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) {
      throw new TestbedError(`openssl could not make the registry certificate:\n${result.stderr}`);
    }
  }
  return { cert, key };
}

/** Idempotent: the hosts line and the CA file are written when missing or different, and left in place. */
function mapRegistryHost(cert) {
  const hosts = readFileSync(HOSTS_FILE, 'utf8');
  const mapped = hosts
    .split('\n')
    .some((line) => !line.trim().startsWith('#') && line.split(/\s+/).slice(1).includes(REGISTRY_HOST));
  if (!mapped) {
    appendFileSync(
      HOSTS_FILE,
      `${hosts.endsWith('\n') ? '' : '\n'}127.0.0.1 ${REGISTRY_HOST} ${HOSTS_MARK}\n`,
    );
  }
  const ca = join(CERTS_DIR, 'ca.crt');
  const pem = readFileSync(cert, 'utf8');
  if (!existsSync(ca) || readFileSync(ca, 'utf8') !== pem) {
    mkdirSync(CERTS_DIR, { recursive: true });
    writeFileSync(ca, pem); // read per request by dockerd: no restart needed
  }
}

function whoListens(port) {
  const result = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  return (result.stdout ?? '').trim() || 'an unknown program';
}

/**
 * Decides where the ECR registry comes from: our own docker-registry on 127.0.0.1:443, or (when another testbed on
 * this machine, e.g. another working tree, already serves it there) that one, read-only for our moto (it mirrors
 * pushes by reading the registry's storage). Sets state.registry = { shared, root }.
 */
export async function planRegistry(state) {
  if (await portFree(443)) {
    state.registry = { shared: false, root: join(DIR, 'registry', 'data') };
    return;
  }
  const owner = readRegistryInfo();
  if (owner && isOurProcess(owner.pid, 'docker-registry') && (await registryAnswers())) {
    log(`using the registry of the testbed in ${owner.tree} (pid ${owner.pid}) on 127.0.0.1:443`);
    state.registry = { shared: true, root: owner.root, owner: owner.tree };
    return;
  }
  throw new TestbedError(
    `port 443 on 127.0.0.1 is in use (${whoListens(443)}); the registry that answers as ECR needs it. ` +
      'Stop that program, or start the testbed with --no-docker (Docker push tests then fail under CI=true).',
  );
}

function readRegistryInfo() {
  try {
    return JSON.parse(readFileSync(REGISTRY_INFO, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Maps the ECR host to 127.0.0.1, trusts our certificate, and serves docker-registry on 127.0.0.1:443. */
export async function startRegistry(state) {
  if (state.registry.shared) {
    return;
  }
  const { cert, key } = ensureCertificate();
  mapRegistryHost(cert);
  const data = state.registry.root;
  mkdirSync(data, { recursive: true });
  const config = join(DIR, 'registry', 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: {level: warn, accesslog: {disabled: true}}',
      `storage: {filesystem: {rootdirectory: "${data}"}, delete: {enabled: true}, maintenance: {uploadpurging: {enabled: false}}}`,
      `http: {addr: "127.0.0.1:443", host: "https://${REGISTRY_HOST}", secret: "${randomUUID()}",`,
      `  tls: {certificate: "${cert}", key: "${key}"}}`,
      'notifications:',
      '  endpoints:',
      `    - {name: moto-ecr-sync, url: "http://127.0.0.1:${state.ports.ecrSync}/events", timeout: 2s, threshold: 3, backoff: 1s}`,
      '',
    ].join('\n'),
  );
  const child = spawnLogged('registry', 'docker-registry', ['serve', config]);
  state.processes.push({ name: 'registry', pid: child.pid, marker: 'docker-registry' });
  writeState(state);
  await waitFor('docker-registry', registryAnswers, {
    timeoutMs: 20_000,
    exited: child.exited,
    logName: 'registry',
  });
  writeFileSync(REGISTRY_INFO, JSON.stringify({ pid: child.pid, root: data, tree: ROOT }));
}

/** Forgets our registry in the machine-wide registry note (the hosts line and CA stay: harmless, idempotent). */
export function forgetRegistry(state) {
  const registry = state.processes.find((p) => p.name === 'registry');
  if (registry && readRegistryInfo()?.pid === registry.pid) {
    rmSync(REGISTRY_INFO, { force: true });
  }
}
