#!/usr/bin/env node
// `npm test`: builds, then runs every test — the unit project, then the integration project in two shards at once (the
// integration files wait mostly on containers and the emulator, so two runs share 2 cores well; each shard gets its
// own moto, the Docker engine and the registry front are shared) — and last the suite-wide secret-leak check, which
// reads the CLI runs of both shards from one shared log folder. Each run's output is printed when it ends; the last
// line is the plain total `N passed, N failed`. Exit 0 only when every run passed.
//   node scripts/test.mjs                 # all
//   node scripts/test.mjs --sequential    # one integration run (no shards), e.g. to debug ordering
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const sequential = process.argv.includes('--sequential');

// The integration files that take the longest (real deploys and rollouts): shard A; all others: shard B. Keep the two
// near equal (the numbers are from a full run on the 2-core CI machine, seconds).
const HEAVY = [
  'test/integration/deploy-failures.test.ts', // ~200
  'test/integration/operate.test.ts', // ~150
  'test/integration/testbed-ecs.test.ts', // ~50
  'test/integration/session.test.ts', // ~50
];
const LEAK_CHECK = 'test/integration/zz-secret-leaks.test.ts';

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  process.exit(build.status ?? 1);
}

const runsDir = mkdtempSync(join(tmpdir(), 'cloudlift-test-runs-'));
const env = { ...process.env, CLOUDLIFT_TEST_RUNS_DIR: runsDir };

/** Runs vitest with `args`, collecting its output; resolves with the output, exit code and the summary counts. */
function run(name, args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [vitest, 'run', ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      // the reporter's line; the testbed's own lines may follow it (its lease is released after the run)
      const summary = [...output.matchAll(/^(\d+) passed, (\d+) failed$/gm)].at(-1);
      const result = {
        name,
        code: code ?? 1,
        output,
        seconds: Math.round((Date.now() - started) / 1000),
        passed: summary ? Number(summary[1]) : 0,
        failed: summary ? Number(summary[2]) : 1,
      };
      process.stdout.write(`\n===== ${name} (${result.seconds} s, exit ${result.code}) =====\n${output}`);
      resolve(result);
    });
  });
}

const integrationFiles = readdirSync(join(root, 'test/integration'))
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => `test/integration/${name}`)
  .filter((file) => file !== LEAK_CHECK);
const light = integrationFiles.filter((file) => !HEAVY.includes(file));
const heavy = integrationFiles.filter((file) => HEAVY.includes(file));

// unit first: it keeps both cores busy on its own (its workers run in parallel) and takes about a minute
const results = [await run('unit', ['--project', 'unit'])];
const shards = sequential
  ? [run('integration', ['--project', 'integration', ...integrationFiles])]
  : [
      run('integration, shard A (long deploy files)', ['--project', 'integration', ...heavy]),
      run('integration, shard B', ['--project', 'integration', ...light]),
    ];
results.push(...(await Promise.all(shards)));
// after every other integration file: the check reads what all of them logged
results.push(await run('integration, secret-leak check', ['--project', 'integration', LEAK_CHECK]));
rmSync(runsDir, { recursive: true, force: true });

const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
process.stdout.write('\n===== summary =====\n');
for (const r of results) {
  process.stdout.write(
    `  ${r.code === 0 ? 'ok    ' : 'FAILED'} ${String(r.seconds).padStart(4)} s  ${r.name}: ${r.passed} passed, ${r.failed} failed\n`,
  );
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(results.every((r) => r.code === 0) && failed === 0 ? 0 : 1);
