// The Docker engine of the testbed: the machine's own when `docker info` answers, else a private dockerd.
// (The registry that answers as ECR is in registry.mjs.)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DIR, TestbedError, isOurProcess, log, spawnLogged, waitFor, writeState } from './common.mjs';

function readTextOr(file, fallback) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

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
  const hash = createHash('sha256').update(DIR).digest('hex').slice(0, 8);
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
  const pidFile = join(run, 'docker.pid');
  const leftover = Number(readTextOr(pidFile, '0').trim());
  if (isOurProcess(leftover, 'dockerd') && dockerInfo(host) !== undefined) {
    // ours from a testbed whose state file is gone: adopt it rather than fail on its pid file
    state.processes.push({ name: 'dockerd', pid: leftover, marker: 'dockerd' });
    state.docker = { ownDaemon: true, host, version: dockerInfo(host) };
    log(`reusing the testbed's own dockerd left running (pid ${leftover})`);
    return;
  }
  if (!isOurProcess(leftover, 'dockerd')) {
    rmSync(pidFile, { force: true }); // stale: dockerd refuses to start when its PID now names another process
  }
  const args = ['--data-root', data, '--exec-root', join(run, 'exec'), '--pidfile', pidFile];
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
