// The machine's ECR registry front (registry_proxy.mjs + docker-registry on 127.0.0.1:443), shared by every testbed
// on the machine (working trees, instances). It belongs to no tree: its files live in REGISTRY_DIR, `start` shares a
// front that answers its health check and (re)starts one otherwise, and `stop` stops it only when no live testbed moto
// in this network namespace still uses it. The record file only helps to find stale processes; every PID in it is
// checked (alive, not a zombie, right command line) before it is believed. See test/testbed/README.md.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import {
  HERE,
  REGISTRY_HOST,
  ROOT,
  TestbedError,
  findProcesses,
  freePort,
  isOurProcess,
  log,
  portFree,
  spawnLogged,
  stopProcess,
  waitFor,
  withLock,
} from './common.mjs';

/** Machine-wide files of the front: cert.pem, key.pem, config.yml, data/ (image storage), logs/, lock. */
export const REGISTRY_DIR = process.env.TESTBED_REGISTRY_DIR ?? '/var/lib/cloudlift-testbed/registry';
/** Which processes serve 127.0.0.1:443 (a hint for stale-process clean-up; /run is wiped at boot). */
export const REGISTRY_RECORD =
  process.env.TESTBED_REGISTRY_RECORD ??
  (existsSync('/run') ? '/run/cloudlift-testbed-registry.json' : join(REGISTRY_DIR, 'record.json'));
/** Command-line markers of a testbed moto that uses the front (testbed.mjs passes --ecr-registry with Docker). */
export const REGISTRY_USER = ['moto_launcher.py', '--ecr-registry'];
const PROXY_MARKER = 'registry_proxy.mjs';
const HOSTS_FILE = '/etc/hosts';
const HOSTS_MARK = '# cloudlift-testbed';
const CERTS_DIR = `/etc/docker/certs.d/${REGISTRY_HOST}`;

/** The front's GET /_testbed/health on 127.0.0.1:443, or undefined when nothing (or something else) answers. */
export function registryHealth() {
  return new Promise((resolve) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: 443, path: '/_testbed/health', rejectUnauthorized: false, timeout: 3000 },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            resolve(
              res.statusCode === 200 && body.service === 'cloudlift-testbed-registry' ? body : undefined,
            );
          } catch {
            resolve(undefined);
          }
        });
      },
    );
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function readRecord() {
  try {
    return JSON.parse(readFileSync(REGISTRY_RECORD, 'utf8'));
  } catch {
    return undefined; // none, or unreadable: the health check is what counts
  }
}

/** The code stamp registry_proxy.mjs reports in its health answer (the first 16 hex of its file's sha256). */
function frontCode() {
  const file = join(HERE, 'registry_proxy.mjs');
  return createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
}

/**
 * Makes sure the front serves 127.0.0.1:443: shares a healthy one (whoever started it), else stops what is left of
 * an unhealthy or stale one and starts a new one. Maps the ECR host and trusts the front's certificate either way.
 */
export async function acquireRegistry(state) {
  mkdirSync(REGISTRY_DIR, { recursive: true });
  const health = await withLock(
    async () => {
      let current = await registryHealth();
      if (current && !current.upstream) {
        log(`the registry front (pid ${current.pid}) has lost its docker-registry: restarting it`);
        current = undefined;
      }
      const ours = new Set((state.processes ?? []).map((p) => p.pid));
      const others = findProcesses(REGISTRY_USER).filter((pid) => !ours.has(pid));
      if (current && current.code !== frontCode() && others.length === 0) {
        log(`the registry front (pid ${current.pid}) runs older code than this checkout: restarting it`);
        current = undefined;
      }
      if (current) {
        log(`sharing the registry front of this machine (pid ${current.pid}, started ${current.startedAt})`);
      } else {
        await stopLeftovers({ legacy: true });
        if (!(await portFree(443))) {
          throw portTaken();
        }
        current = await startFront();
      }
      writeFileSync(
        REGISTRY_RECORD,
        `${JSON.stringify({ version: 2, proxyPid: current.pid, registryPid: current.registryPid, dir: current.dir, startedAt: current.startedAt })}\n`,
      );
      return current;
    },
    join(REGISTRY_DIR, 'lock'),
  );
  mapRegistryHost(health.certificate);
  state.registry = { dir: health.dir, record: REGISTRY_RECORD, logs: join(health.dir, 'logs') };
}

/**
 * Stops the front when no live testbed moto (in this network namespace) uses it any more; call after stopping this
 * testbed's motos. Returns how many users are left.
 */
export async function releaseRegistry() {
  if (!existsSync(REGISTRY_DIR)) {
    return 0;
  }
  return withLock(
    async () => {
      const users = findProcesses(REGISTRY_USER);
      if (users.length > 0) {
        log(
          `registry front left running for ${users.length} other testbed moto(s) (pids ${users.join(', ')})`,
        );
        return users.length;
      }
      await stopLeftovers({ legacy: false });
      return 0;
    },
    join(REGISTRY_DIR, 'lock'),
  );
}

/**
 * Stops the front and its docker-registry: those the health check or the record names, and orphaned fronts. With
 * `legacy`, also the docker-registry an older testbed.mjs ran directly on 443 (if no old testbed still uses it).
 */
async function stopLeftovers({ legacy }) {
  const health = await registryHealth();
  const record = readRecord();
  const fronts = new Set([health?.pid, record?.proxyPid, ...findProcesses([PROXY_MARKER])].filter(Boolean));
  for (const pid of fronts) {
    await stopProcess({ name: 'registry front', pid, marker: PROXY_MARKER });
  }
  for (const pid of new Set([health?.registryPid, record?.registryPid].filter(Boolean))) {
    await stopProcess({ name: 'docker-registry', pid, marker: 'docker-registry' });
  }
  if (legacy && record?.pid && !record.version && isOurProcess(record.pid, 'docker-registry')) {
    await stopLegacyRegistry(record);
  }
  rmSync(REGISTRY_RECORD, { force: true });
}

async function stopLegacyRegistry(record) {
  if (findProcesses(['moto_launcher.py', '--registry-host']).length > 0) {
    throw new TestbedError(
      `127.0.0.1:443 is served by the registry of an older testbed (tree ${record.tree}, pid ${record.pid}) that ` +
        `is still in use. Restart that testbed: cd ${record.tree} && node test/testbed/testbed.mjs stop && ` +
        'node test/testbed/testbed.mjs start',
    );
  }
  log(`stopping the registry of an older testbed that is no longer used (pid ${record.pid})`);
  await stopProcess({ name: 'old docker-registry', pid: record.pid, marker: 'docker-registry' });
}

async function startFront() {
  const { cert } = ensureCertificate();
  const upstreamPort = await freePort();
  const data = join(REGISTRY_DIR, 'data');
  mkdirSync(data, { recursive: true });
  writeFileSync(
    join(REGISTRY_DIR, 'config.yml'),
    [
      'version: 0.1',
      'log: {level: warn, accesslog: {disabled: true}}',
      `storage: {filesystem: {rootdirectory: "${data}"}, delete: {enabled: true}, maintenance: {uploadpurging: {enabled: false}}}`,
      `http: {addr: "127.0.0.1:${upstreamPort}", host: "https://${REGISTRY_HOST}"}`,
      '',
    ].join('\n'),
  );
  const logs = join(REGISTRY_DIR, 'logs');
  const script = join(HERE, 'registry_proxy.mjs');
  const args = [script, '--dir', REGISTRY_DIR, '--upstream-port', String(upstreamPort)];
  const child = spawnLogged('proxy', process.execPath, args, process.env, logs);
  let health;
  await waitFor(
    'registry front',
    async () => {
      health = await registryHealth();
      return health?.upstream === true && health.pid === child.pid;
    },
    { timeoutMs: 30_000, exited: child.exited, logName: 'proxy', logDir: logs },
  );
  log(`registry front started (pid ${child.pid}, files in ${REGISTRY_DIR}, started from ${ROOT})`);
  return { ...health, certificate: readFileSync(cert, 'utf8') };
}

function portTaken() {
  const result = spawnSync('ss', ['-ltnpH', 'sport = :443'], { encoding: 'utf8' });
  const who = (result.stdout ?? '').trim() || 'an unknown program';
  return new TestbedError(
    `port 443 on 127.0.0.1 is in use (${who}); the registry that answers as ECR needs it. ` +
      'Stop that program, or start the testbed with --no-docker (Docker push tests then fail under CI=true).',
  );
}

function ensureCertificate() {
  const cert = join(REGISTRY_DIR, 'cert.pem');
  const key = join(REGISTRY_DIR, 'key.pem');
  const fresh = existsSync(cert) && existsSync(key) && Date.now() - statSync(cert).mtimeMs < 20 * 86_400_000;
  if (!fresh) {
    const result = spawnSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', `/CN=${REGISTRY_HOST}`],
        ...['-addext', `subjectAltName=DNS:${REGISTRY_HOST},IP:127.0.0.1`, '-keyout', key, '-out', cert],
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
function mapRegistryHost(pem) {
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
  if (!existsSync(ca) || readFileSync(ca, 'utf8') !== pem) {
    mkdirSync(CERTS_DIR, { recursive: true });
    writeFileSync(ca, pem); // read per request by dockerd: no restart needed
  }
}
