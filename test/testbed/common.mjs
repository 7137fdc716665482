// Shared pieces of the testbed scripts: paths, state file, processes, small network helpers (Node built-ins only).
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..', '..');
/** This testbed instance's files. TESTBED_DIR runs a second, independent instance from the same tree (tests). */
export const DIR = process.env.TESTBED_DIR ? resolve(process.env.TESTBED_DIR) : join(ROOT, '.testbed');
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

/**
 * Whether a process with this id runs. A zombie (exited, not reaped: PID 1 of some containers never reaps) counts as
 * dead, although `kill(pid, 0)` still succeeds on it.
 */
export function pidAlive(pid) {
  if (!(Number.isInteger(pid) && pid > 0)) {
    return false;
  }
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM'; // exists, owned by someone else
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ...": the state letter follows the last ')' (comm may contain spaces)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X', 'x'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** The command line of a process ('' when it is gone, a zombie, or unreadable). */
export function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** True when `pid` is alive (not a zombie) and its command line contains `marker` (guards against PID reuse). */
export function isOurProcess(pid, marker) {
  if (!pidAlive(pid)) {
    return false;
  }
  try {
    readFileSync(`/proc/${pid}/cmdline`);
  } catch {
    return true; // no /proc: trust the PID
  }
  return commandLine(pid).includes(marker);
}

function netns(pid) {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/**
 * Live processes whose command line contains every one of `markers` and that share this process's network
 * namespace (so they see the same 127.0.0.1). Reads /proc; [] without it.
 */
export function findProcesses(markers) {
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const mine = netns('self');
  return pids.map(Number).filter((pid) => {
    const line = commandLine(pid);
    return markers.every((m) => line.includes(m)) && pidAlive(pid) && netns(pid) === mine;
  });
}

/** Starts a detached process with stdout/stderr in `<logDir>/<name>.log`; `exited.code` is set when it ends. */
export function spawnLogged(name, command, args, env = process.env, logDir = LOGS) {
  mkdirSync(logDir, { recursive: true });
  const out = openSync(join(logDir, `${name}.log`), 'w');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], env, cwd: ROOT });
  child.unref();
  const exited = { code: undefined };
  child.on('exit', (code, signal) => (exited.code = code ?? signal));
  child.on('error', (error) => (exited.code = error.message));
  return { pid: child.pid, exited };
}

export function logTail(name, lines = 25, logDir = LOGS) {
  try {
    return readFileSync(join(logDir, `${name}.log`), 'utf8')
      .trim()
      .split('\n')
      .slice(-lines)
      .join('\n');
  } catch {
    return '(no log)';
  }
}

/** SIGTERM (SIGKILL after 15 s) to `pid` if it is still the process we started (checked by `marker`). */
export async function stopProcess({ name, pid, marker }) {
  if (!isOurProcess(pid, marker)) {
    return;
  }
  signal(pid, 'SIGTERM');
  for (let waited = 0; waited < 15_000; waited += 100) {
    await sleep(100);
    if (!isOurProcess(pid, marker)) {
      log(`stopped ${name} (pid ${pid})`);
      return;
    }
  }
  signal(pid, 'SIGKILL');
  log(`killed ${name} (pid ${pid}) after 15 s`);
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // it ended meanwhile
  }
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

/** Polls `check` every 100 ms; fails early (with the log's tail) when the watched process exits. */
export async function waitFor(what, check, { timeoutMs, exited, logName, logDir = LOGS }) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) {
      return;
    }
    if (exited && exited.code !== undefined) {
      throw new TestbedError(
        `${what} exited (${exited.code}). Last lines of ${join(logDir, `${logName}.log`)}:\n${logTail(logName, 25, logDir)}`,
      );
    }
    await sleep(100);
  }
  throw new TestbedError(
    `${what} did not answer within ${timeoutMs / 1000} s. Log: ${join(logDir, `${logName}.log`)}\n${logTail(logName, 25, logDir)}`,
  );
}

const LOCK_FILE = join(DIR, 'lock');

/**
 * Runs `action` holding a lock file (default .testbed/lock, so concurrent vitest runs in one tree never start or stop
 * at once). A lock left by a dead (or zombie) process is taken over.
 */
export async function withLock(action, lockFile = LOCK_FILE) {
  mkdirSync(dirname(lockFile), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') {
        throw error;
      }
      const holder = Number(readTextOr(lockFile, '0') || '0');
      if (!holder || !pidAlive(holder)) {
        rmSync(lockFile, { force: true }); // left behind by a process that died (or is a zombie)
      } else if (Date.now() - started > 180_000) {
        throw new TestbedError(`another testbed command (pid ${holder}) holds ${lockFile} for 3 minutes`);
      } else {
        await sleep(200);
      }
    }
  }
  try {
    return await action();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

function readTextOr(file, fallback) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback; // removed between our open and read
  }
}
