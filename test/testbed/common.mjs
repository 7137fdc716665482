// Shared pieces of the testbed scripts: paths, state file, processes, small network helpers (Node built-ins only).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..', '..');
export const DIR = join(ROOT, '.testbed');
export const STATE_FILE = join(DIR, 'state.json');
export const LOGS = join(DIR, 'logs');
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const REGISTRY_HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

export const log = (message) => process.stderr.write(`testbed: ${message}\n`);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An expected failure: its message is printed without a stack trace. */
export class TestbedError extends Error {}

export function readState() {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return undefined;
  }
}

export function writeState(state) {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
}

/** True when `pid` is alive and its command line contains `marker` (guards against PID reuse). */
export function isOurProcess(pid, marker) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return true; // no /proc: trust the PID
  }
}

export function spawnLogged(name, command, args, env = process.env) {
  mkdirSync(LOGS, { recursive: true });
  const out = openSync(join(LOGS, `${name}.log`), 'w');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], env, cwd: ROOT });
  child.unref();
  const exited = { code: undefined };
  child.on('exit', (code, signal) => (exited.code = code ?? signal));
  child.on('error', (error) => (exited.code = error.message));
  return { pid: child.pid, exited };
}

export function logTail(name, lines = 25) {
  try {
    return readFileSync(join(LOGS, `${name}.log`), 'utf8')
      .trim()
      .split('\n')
      .slice(-lines)
      .join('\n');
  } catch {
    return '(no log)';
  }
}

export async function stopProcess({ name, pid, marker }) {
  if (!isOurProcess(pid, marker)) {
    return;
  }
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 15_000; waited += 100) {
    await sleep(100);
    if (!isOurProcess(pid, marker)) {
      log(`stopped ${name} (pid ${pid})`);
      return;
    }
  }
  process.kill(pid, 'SIGKILL');
  log(`killed ${name} (pid ${pid}) after 15 s`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function portFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function httpOk(url, options = {}) {
  try {
    const response = await fetch(url, { ...options, signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

export function registryAnswers() {
  return new Promise((resolve) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: 443, path: '/v2/', rejectUnauthorized: false, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export async function waitFor(what, check, { timeoutMs, exited, logName }) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) {
      return;
    }
    if (exited && exited.code !== undefined) {
      throw new TestbedError(
        `${what} exited (${exited.code}). Last lines of ${join(LOGS, `${logName}.log`)}:\n${logTail(logName)}`,
      );
    }
    await sleep(100);
  }
  throw new TestbedError(
    `${what} did not answer within ${timeoutMs / 1000} s. Log: ${join(LOGS, `${logName}.log`)}\n${logTail(logName)}`,
  );
}

const LOCK_FILE = join(DIR, 'lock');

/** Whether a process with this id exists. */
export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `action` holding .testbed/lock, so concurrent vitest runs in one tree never start or stop at once. */
export async function withLock(action) {
  mkdirSync(DIR, { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      const fd = openSync(LOCK_FILE, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') {
        throw error;
      }
      const holder = Number(readFileSync(LOCK_FILE, 'utf8') || '0');
      if (!holder || !pidAlive(holder)) {
        rmSync(LOCK_FILE, { force: true }); // left behind by a process that died
      } else if (Date.now() - started > 180_000) {
        throw new TestbedError(`another testbed command (pid ${holder}) holds ${LOCK_FILE} for 3 minutes`);
      } else {
        await sleep(200);
      }
    }
  }
  try {
    return await action();
  } finally {
    rmSync(LOCK_FILE, { force: true });
  }
}
