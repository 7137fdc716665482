#!/usr/bin/env node
// The ECR front of the testbed (one per machine): TLS on 127.0.0.1:443 as <account>.dkr.ecr.<region>.amazonaws.com,
// in front of a plain docker-registry (its child) on a private loopback port. Every registry request must carry the
// ECR login of a live testbed moto (Basic auth; the password from that moto's GetAuthorizationToken names it), a
// repository the moto lacks answers ECR's NAME_UNKNOWN, and a tagged manifest push is stored in THAT moto's ECR
// before docker gets the answer. So concurrent test runs and working trees share one registry, yet each moto sees
// exactly its own pushes, at once. GET /_testbed/health (no login) describes the front for testbed.mjs.
// Usage: node registry_proxy.mjs --dir DIR --upstream-port PORT   (DIR: cert.pem, key.pem, config.yml, logs/)
// Node built-ins only. See test/testbed/README.md, "ECR mapping".
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { ACCOUNT, REGION, REGISTRY_HOST, sleep } from './common.mjs';

const SERVICE = 'cloudlift-testbed-registry';
const TOKEN = /^testbed-(\d{1,5})-([0-9a-f]{8,64})$/;
const REPOSITORY_PATH = /^\/v2\/(.+?)\/(manifests|blobs|tags)\/(.*)$/;
const MAX_MANIFEST = 4 * 1024 * 1024;
const ACCESS_CACHE_MS = 5000;

const say = (message) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);

function option(name) {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? process.argv[index + 1] : undefined;
  if (!value) {
    process.stderr.write(`registry_proxy: ${name} is required\n`);
    process.exit(2);
  }
  return value;
}

const dir = option('--dir');
const upstreamPort = Number(option('--upstream-port'));
const certificate = readFileSync(join(dir, 'cert.pem'), 'utf8');
const startedAt = new Date().toISOString();
// testbed.mjs restarts a front whose code is older than the checkout's (when no other testbed uses it)
const code = createHash('sha256')
  .update(readFileSync(new URL(import.meta.url)))
  .digest('hex')
  .slice(0, 16);
const accessCache = new Map();
let pushes = 0;

// ---------------------------------------------------------------- the registry behind

mkdirSync(join(dir, 'logs'), { recursive: true });
const registryLog = openSync(join(dir, 'logs', 'registry.log'), 'w');
const registry = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
  stdio: ['ignore', registryLog, registryLog],
});
registry.on('error', (error) => {
  say(`docker-registry could not start: ${error.message}`);
  process.exit(1);
});
registry.on('exit', (code, signal) => {
  say(`docker-registry exited (${code ?? signal}); see ${join(dir, 'logs', 'registry.log')}`);
  process.exit(1); // the front without its registry is useless: testbed.mjs starts both again
});

function upstreamOk() {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port: upstreamPort, path: '/v2/', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

// ---------------------------------------------------------------- answers

function send(res, status, headers, body = '') {
  res.writeHead(status, { 'Docker-Distribution-Api-Version': 'registry/2.0', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function registryError(res, status, code, message) {
  const body = JSON.stringify({ errors: [{ code, message, detail: {} }] });
  const challenge =
    status === 401
      ? { 'WWW-Authenticate': `Basic realm="https://${REGISTRY_HOST}/",service="ecr.amazonaws.com"` }
      : {};
  send(res, status, { 'Content-Type': 'application/json', ...challenge }, body);
}

async function health(res) {
  const body = {
    service: SERVICE,
    pid: process.pid,
    registryPid: registry.pid,
    upstreamPort,
    upstream: await upstreamOk(),
    dir,
    startedAt,
    code,
    pushes,
    certificate,
  };
  send(res, 200, { 'Content-Type': 'application/json' }, JSON.stringify(body));
}

// ---------------------------------------------------------------- the moto behind a login

/** The moto a Basic-auth header belongs to: { token, port }, or undefined. */
function loginOf(header) {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) {
    return undefined;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  const token = TOKEN.exec(password);
  return token ? { token: password, port: Number(token[1]) } : undefined;
}

async function askMoto(login, route, payload) {
  try {
    const response = await fetch(`http://127.0.0.1:${login.port}/_testbed/ecr/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: login.token, account: ACCOUNT, region: REGION, ...payload }),
      signal: AbortSignal.timeout(60_000), // moto serves one request at a time: a stack operation may hold it
    });
    return { status: response.status, body: await response.json().catch(() => ({})) };
  } catch (error) {
    return { status: 0, body: { error: error instanceof Error ? error.message : String(error) } };
  }
}

/** Whether `login` may use `repository` (undefined: just the login): undefined when yes, else the refusal. */
async function refusal(login, repository) {
  const key = `${login.token}|${repository ?? ''}`;
  if ((accessCache.get(key) ?? 0) > Date.now()) {
    return undefined;
  }
  const answer = await askMoto(login, 'access', repository === undefined ? {} : { repository });
  if (answer.status === 200 && (repository === undefined || answer.body.exists === true)) {
    accessCache.set(key, Date.now() + ACCESS_CACHE_MS);
    return undefined;
  }
  if (answer.status === 200) {
    return [
      404,
      'NAME_UNKNOWN',
      `The repository with name '${repository}' does not exist in the registry with id '${ACCOUNT}'`,
    ];
  }
  return staleLogin(login);
}

function staleLogin(login) {
  return [
    401,
    'UNAUTHORIZED',
    `this ECR login belongs to a testbed moto that is not running (127.0.0.1:${login.port}): ` +
      'log in again with a token from your moto (aws ecr get-login-password)',
  ];
}

// ---------------------------------------------------------------- forwarding

function upstreamRequest(req, headers) {
  return httpRequest({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers });
}

function forward(req, res) {
  const upstream = upstreamRequest(req, req.headers);
  upstream.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    if (!res.headersSent) {
      registryError(res, 502, 'UNAVAILABLE', `testbed registry unavailable: ${error.message}`);
    } else {
      res.destroy();
    }
  });
  req.pipe(upstream);
}

async function readBody(stream, limit) {
  const chunks = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limit) {
      throw new Error(`body larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** PUT of a manifest: stored by the registry, then (when it is a tag) in the pushing moto's ECR, then answered. */
async function putManifest(req, res, login, repository, reference) {
  const body = await readBody(req, MAX_MANIFEST);
  const headers = { ...req.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  const answer = await new Promise((resolve, reject) => {
    const upstream = upstreamRequest(req, headers);
    upstream.on('response', (r) => readBody(r, MAX_MANIFEST).then((b) => resolve({ r, b }), reject));
    upstream.on('error', reject);
    upstream.end(body);
  });
  const digest = answer.r.headers['docker-content-digest'];
  if (answer.r.statusCode === 201 && !reference.includes(':')) {
    const mediaType = String(req.headers['content-type'] ?? '').split(';')[0];
    const manifest = body.toString('utf8');
    const stored = await askMoto(login, 'image', { repository, tag: reference, manifest, mediaType, digest });
    if (stored.status !== 200) {
      say(
        `push of ${repository}:${reference} NOT stored in moto :${login.port}: ${JSON.stringify(stored.body)}`,
      );
      if (stored.status === 0 || stored.status === 401) {
        registryError(res, ...staleLogin(login));
      } else {
        const [status, code] = stored.status === 404 ? [404, 'NAME_UNKNOWN'] : [500, 'UNKNOWN'];
        registryError(
          res,
          status,
          code,
          `testbed: the image could not be stored in ECR: ${stored.body.error}`,
        );
      }
      return;
    }
    pushes += 1;
    say(`push of ${repository}:${reference} ${digest} -> moto :${login.port} (${stored.body.result})`);
  }
  res.writeHead(answer.r.statusCode ?? 502, answer.r.headers);
  res.end(answer.b);
}

/**
 * GET/HEAD of a manifest (a pull): answered from the moto's ECR, the source of truth, as ECR answers: a tag deleted
 * with BatchDeleteImage is gone even though the shared storage still has its blobs, and a tag added with PutImage
 * (upload_to_ecr --additional_tags) pulls although docker never pushed it.
 */
async function getManifest(res, login, repository, reference) {
  const answer = await askMoto(login, 'manifest', { repository, reference });
  if (answer.status !== 200) {
    registryError(res, ...staleLogin(login));
    return;
  }
  if (!answer.body.manifest) {
    registryError(res, 404, 'MANIFEST_UNKNOWN', 'Requested image not found');
    return;
  }
  const body = Buffer.from(answer.body.manifest, 'utf8');
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  send(
    res,
    200,
    {
      'Content-Type': answer.body.mediaType || 'application/vnd.docker.distribution.manifest.v2+json',
      'Content-Length': String(body.length),
      'Docker-Content-Digest': digest,
      Etag: `"${digest}"`,
    },
    body,
  );
}

async function handle(req, res) {
  const path = new URL(req.url ?? '/', `https://${REGISTRY_HOST}`).pathname;
  if (path === '/_testbed/health') {
    await health(res);
    return;
  }
  if (!path.startsWith('/v2')) {
    registryError(res, 404, 'NOT_FOUND', `no such registry route: ${path}`);
    return;
  }
  const login = loginOf(req.headers.authorization);
  if (login === undefined) {
    registryError(res, 401, 'UNAUTHORIZED', 'authentication required: docker login with an ECR token');
    return;
  }
  const match = REPOSITORY_PATH.exec(path);
  const repository = match ? decodeURIComponent(match[1]) : undefined;
  const refused = await refusal(login, repository);
  if (refused !== undefined) {
    registryError(res, ...refused);
    return;
  }
  if (match && match[2] === 'manifests' && req.method === 'PUT') {
    await putManifest(req, res, login, repository, decodeURIComponent(match[3]));
    return;
  }
  if (match && match[2] === 'manifests' && (req.method === 'GET' || req.method === 'HEAD')) {
    await getManifest(res, login, repository, decodeURIComponent(match[3]));
    return;
  }
  forward(req, res);
}

// ---------------------------------------------------------------- start and stop

async function main() {
  for (let waited = 0; !(await upstreamOk()); waited += 100) {
    if (waited > 20_000) {
      say('docker-registry did not answer within 20 s');
      process.exit(1);
    }
    await sleep(100);
  }
  const server = createServer(
    { cert: certificate, key: readFileSync(join(dir, 'key.pem'), 'utf8') },
    (req, res) => {
      handle(req, res).catch((error) => {
        say(`${req.method} ${req.url} failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) {
          registryError(res, 500, 'UNKNOWN', `testbed registry front: ${String(error)}`);
        } else {
          res.destroy();
        }
      });
    },
  );
  server.on('error', (error) => {
    say(`cannot listen on 127.0.0.1:443: ${error.message}`);
    registry.kill('SIGTERM');
    process.exit(1);
  });
  server.listen(443, '127.0.0.1', () =>
    say(`serving https://${REGISTRY_HOST} (registry pid ${registry.pid})`),
  );
  const stop = () => {
    registry.removeAllListeners('exit');
    registry.on('exit', () => process.exit(0));
    registry.kill('SIGTERM');
    setTimeout(() => {
      registry.kill('SIGKILL');
      process.exit(0);
    }, 5000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  registry.kill('SIGTERM');
  process.exit(1);
});
