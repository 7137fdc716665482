#!/usr/bin/env node
// The cloudlift integration testbed: patched moto, a Docker engine and the machine's registry front that answers as ECR.
// Usage: node test/testbed/testbed.mjs start [--no-docker] [--lease PID] | release --lease PID | stop | status [--json]
//        | env | check
// Node built-ins only (it runs before `npm ci` has finished in some set-ups). See test/testbed/README.md.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ACCOUNT,
  DIR,
  HERE,
  LOGS,
  REGION,
  REGISTRY_HOST,
  ROOT,
  STATE_FILE,
  TestbedError,
  freePort,
  httpOk,
  isOurProcess,
  log,
  pidAlive,
  readState,
  spawnLogged,
  stopProcess,
  waitFor,
  withLock,
  writeState,
} from './common.mjs';
import { ensureDocker } from './docker.mjs';
import { findPython } from './python.mjs';
import { acquireRegistry, registryHealth, releaseRegistry } from './registry.mjs';

/** Layout of .testbed/state.json; a live testbed of another version is restarted (or refused while in use). */
const STATE_VERSION = 3;
const TASK_TRANSITION = { model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } };

// ---------------------------------------------------------------- moto

/**
 * Starts one patched moto (log .testbed/logs/<name>.log) and waits until it answers; returns its process. With the
 * registry, `--ecr-registry` gives it its own ECR login (pushes made with it land in this moto only) and marks it as
 * a user of the machine's registry front.
 */
async function launchMoto(state, name, { python }) {
  const port = await freePort();
  const args = [join(HERE, 'moto_launcher.py'), '-H', '127.0.0.1', '-p', String(port)];
  if (state.usesRegistry) {
    args.push('--ecr-registry', REGISTRY_HOST);
  }
  if (state.docker) {
    // ECS tasks run as containers on this engine (ecs_runtime.py)
    args.push('--docker-host', state.docker.host ?? 'unix:///var/run/docker.sock');
  }
  const env = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };
  const child = spawnLogged(name, python, args, env);
  const proc = { name, pid: child.pid, marker: 'moto_launcher.py', endpoint: `http://127.0.0.1:${port}` };
  await waitFor(name, () => httpOk(`${proc.endpoint}/moto-api/data.json`), {
    timeoutMs: 60_000,
    exited: child.exited,
    logName: name,
  });
  await setTaskTransition(proc.endpoint);
  return proc;
}

async function startMoto(state, python) {
  const proc = await launchMoto(state, 'moto', { python });
  state.processes.push(proc);
  state.ports.moto = Number(new URL(proc.endpoint).port);
  state.endpoint = proc.endpoint;
  writeState(state);
}

async function setTaskTransition(endpoint) {
  const ok = await httpOk(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify(TASK_TRANSITION),
  });
  if (!ok) {
    throw new TestbedError(`could not set the ecs::task transition on ${endpoint}`);
  }
}

// ---------------------------------------------------------------- commands

export async function isLive(state) {
  if (!state?.endpoint) {
    return false;
  }
  const moto = state.processes.find((p) => p.name === 'moto');
  return Boolean(
    moto && isOurProcess(moto.pid, moto.marker) && (await httpOk(`${state.endpoint}/_testbed/health`)),
  );
}

/** `--lease PID`: the testbed is used by process PID (a vitest run) until `release --lease PID`. */
function leaseOf(flags) {
  const index = flags.indexOf('--lease');
  const pid = index >= 0 ? Number(flags[index + 1]) : undefined;
  if (index >= 0 && !(pid > 0)) {
    throw new TestbedError('--lease needs a process id');
  }
  return pid;
}

/** What a test run needs to know about its testbed (printed by `start --json`). */
function info(state, endpoint) {
  return {
    endpoint,
    region: state.region,
    accountId: state.accountId,
    registryHost: state.registryHost,
    dockerAvailable: state.dockerAvailable,
    dockerHost: state.docker?.host ?? null,
    logsDir: state.logs,
  };
}

/** Stops the extra moto of leases whose process is gone (a test run that crashed) and forgets those leases. */
async function dropDeadLeases(state) {
  for (const lease of state.leases ?? []) {
    if (!pidAlive(lease.pid) && lease.private) {
      await stopProcess(lease.private);
    }
  }
  state.leases = (state.leases ?? []).filter((lease) => pidAlive(lease.pid));
}

/**
 * Starts the testbed unless it runs. With `--lease PID` (vitest's globalSetup) process PID gets a moto of its own
 * use: the shared one when no other test run holds it, else an extra moto (same Docker engine and registry front) so
 * concurrent runs in one working tree never reset each other's state. `--json` prints the coordinates.
 */
async function start(flags) {
  const lease = leaseOf(flags);
  let state = readState();
  if ((await isLive(state)) && state.version !== STATE_VERSION) {
    state = await replaceOldTestbed(state);
  }
  if (await isLive(state)) {
    log(`already running at ${state.endpoint} (started ${state.startedAt} by ${state.startedBy})`);
    if (state.usesRegistry) {
      await acquireRegistry(state); // it may have been stopped or have died meanwhile: then it starts again
      writeState(state);
    }
  } else {
    if (state) {
      log('cleaning up a testbed that is no longer running');
      await stop();
    }
    state = await startShared(flags, lease === undefined ? 'cli' : 'vitest');
  }
  let endpoint = state.endpoint;
  if (lease !== undefined) {
    await dropDeadLeases(state);
    if (state.leases.some((l) => !l.private)) {
      const extra = await launchMoto(state, `moto-${lease}`, { python: state.python });
      log(`shared moto in use by another test run: extra moto ${extra.endpoint} for pid ${lease}`);
      endpoint = extra.endpoint;
      state.leases.push({ pid: lease, endpoint, private: extra });
    } else {
      state.leases.push({ pid: lease, endpoint });
    }
    writeState(state);
  }
  if (flags.includes('--json')) {
    process.stdout.write(`${JSON.stringify(info(state, endpoint))}\n`);
  }
}

/** A live testbed started by an older testbed.mjs (other state layout, other registry): restarted unless in use. */
async function replaceOldTestbed(state) {
  const users = (state.leases ?? []).filter((l) => pidAlive(l.pid)).map((l) => l.pid);
  if (users.length > 0) {
    throw new TestbedError(
      `the running testbed was started by an older testbed.mjs and test run(s) ${users.join(', ')} still use it; ` +
        'start again when they have finished (or `node test/testbed/testbed.mjs stop` first)',
    );
  }
  log('the running testbed was started by an older testbed.mjs: restarting it');
  const startedBy = state.startedBy === 'vitest' ? 'vitest' : 'cli';
  const noDocker = !state.dockerAvailable ? ['--no-docker'] : [];
  await stop();
  return startShared(noDocker, startedBy);
}

async function startShared(flags, startedBy) {
  const started = Date.now();
  const root = process.getuid?.() === 0;
  const withDocker = !flags.includes('--no-docker') && root;
  if (!flags.includes('--no-docker') && !root) {
    log('not root: no Docker engine / ECR registry (they need /etc/hosts, /etc/docker/certs.d and port 443)');
  }
  const state = {
    version: STATE_VERSION,
    startedAt: new Date().toISOString(),
    root: ROOT,
    dir: DIR,
    region: REGION,
    accountId: ACCOUNT,
    registryHost: REGISTRY_HOST,
    dockerAvailable: false,
    docker: null,
    usesRegistry: withDocker,
    registry: null,
    processes: [],
    ports: {},
    logs: LOGS,
    // 'vitest': stopped when its last lease is released; 'cli' (by hand, .ci/run): only `stop` stops it
    startedBy,
    leases: [],
  };
  writeState(state);
  try {
    state.python = findPython();
    if (withDocker) {
      await ensureDocker(state); // first: moto runs ECS tasks on it
    }
    await startMoto(state, state.python);
    if (withDocker) {
      await acquireRegistry(state); // after moto: a front with no live user is stopped by the next `stop`
    }
    state.dockerAvailable = withDocker;
    writeState(state);
  } catch (error) {
    log(`start failed: ${error instanceof Error ? error.message : String(error)}`);
    await stop();
    throw error instanceof TestbedError ? error : new TestbedError(String(error));
  }
  const docker = state.docker
    ? `${state.docker.ownDaemon ? 'own dockerd' : 'existing Docker engine'} ${state.docker.version}`
    : 'no Docker';
  log(
    `up in ${((Date.now() - started) / 1000).toFixed(1)} s: moto ${state.endpoint}, ${docker}` +
      (state.dockerAvailable ? `, registry https://${REGISTRY_HOST}` : ''),
  );
  return state;
}

/** Stops every process this testbed started, then the machine's registry front if no other testbed uses it. */
async function stop() {
  const state = readState();
  if (!state) {
    log(`nothing to stop (no ${STATE_FILE})`);
    return;
  }
  for (const lease of state.leases ?? []) {
    if (lease.private) {
      await stopProcess(lease.private);
    }
  }
  for (const proc of [...state.processes].reverse()) {
    await stopProcess(proc);
  }
  rmSync(STATE_FILE, { force: true });
  if (state.usesRegistry) {
    await releaseRegistry();
  }
}

/** Drops a lease (and its extra moto); stops a vitest-started testbed when no lease is left. */
async function release(flags) {
  const lease = leaseOf(flags);
  const state = readState();
  if (!state) {
    return;
  }
  const mine = (state.leases ?? []).find((l) => l.pid === lease);
  if (mine?.private) {
    await stopProcess(mine.private);
  }
  state.leases = (state.leases ?? []).filter((l) => l.pid !== lease);
  await dropDeadLeases(state);
  writeState(state);
  if (state.startedBy === 'vitest' && state.leases.length === 0) {
    await stop();
  } else if (state.leases.length > 0) {
    log(`left running for ${state.leases.length} other test run(s)`);
  }
}

async function status(flags) {
  const state = readState();
  const live = await isLive(state);
  const health = state?.usesRegistry ? await registryHealth() : undefined;
  const registry = health
    ? { pid: health.pid, registryPid: health.registryPid, upstream: health.upstream }
    : null;
  const report = {
    live,
    endpoint: state?.endpoint ?? null,
    docker: state?.docker ?? null,
    dockerAvailable: Boolean(state?.dockerAvailable),
    registry: state?.dockerAvailable ? registry : null,
    registryLogs: state?.registry?.logs ?? null,
    processes: (state?.processes ?? []).map((p) => ({ ...p, alive: isOurProcess(p.pid, p.marker) })),
    leases: (state?.leases ?? []).map((l) => ({ pid: l.pid, endpoint: l.endpoint, alive: pidAlive(l.pid) })),
    logs: LOGS,
  };
  if (flags.includes('--json')) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const front = registry?.upstream ? `answers (front pid ${registry.pid})` : 'DOWN';
    process.stdout.write(
      `${live ? 'running' : 'not running'}${state?.endpoint ? ` at ${state.endpoint}` : ''}\n` +
        report.processes.map((p) => `  ${p.name} pid ${p.pid} ${p.alive ? 'alive' : 'gone'}\n`).join('') +
        report.leases
          .map((l) => `  lease pid ${l.pid} ${l.alive ? 'alive' : 'gone'}: ${l.endpoint}\n`)
          .join('') +
        `  docker: ${report.dockerAvailable ? `${state.docker.host ?? 'default socket'}, registry ${front}` : 'not available'}\n`,
    );
  }
  return live ? 0 : 1; // a registry front that is down is started again by the next `start`
}

/** Shell exports for running cloudlift (or the AWS CLI) against the testbed by hand. */
function envExports(state) {
  const lines = [
    `export AWS_ENDPOINT_URL=${state.endpoint}`,
    `export AWS_REGION=${REGION}`,
    `export AWS_DEFAULT_REGION=${REGION}`,
    'export AWS_ACCESS_KEY_ID=testing',
    'export AWS_SECRET_ACCESS_KEY=testing',
    'unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN',
    'export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true',
    `export CLOUDLIFT_TESTBED_STATE=${STATE_FILE}`,
  ];
  if (state.docker?.ownDaemon) {
    lines.push(`export DOCKER_HOST=${state.docker.host}`);
  }
  return `${lines.join('\n')}\n`;
}

async function main() {
  const [command, ...flags] = process.argv.slice(2);
  if (command === 'start') {
    await withLock(() => start(flags));
  } else if (command === 'stop') {
    await withLock(stop);
  } else if (command === 'release') {
    await withLock(() => release(flags));
  } else if (command === 'status') {
    process.exitCode = await status(flags);
  } else if (command === 'env') {
    const state = readState();
    if (!(await isLive(state))) {
      throw new TestbedError('not running: `node test/testbed/testbed.mjs start` first');
    }
    process.stdout.write(envExports(state));
  } else if (command === 'check') {
    process.stdout.write(`${findPython()}\n`);
  } else {
    process.stderr.write(
      'usage: node test/testbed/testbed.mjs start [--no-docker] [--lease PID] | release --lease PID | stop | status [--json] | env | check\n',
    );
    process.exitCode = 2;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    log(error instanceof TestbedError ? error.message : (error?.stack ?? String(error)));
    process.exitCode = 1;
  });
}
