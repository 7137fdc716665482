// What the template benchmarks (bench/templates.mjs, bench/templates-service.mjs) share: timing and statistics,
// bundling the TypeScript template code the way the CLI loads it, and reading golden inputs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The repository root. */
export const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the repository, so the bundle resolves aws-cdk-lib from node_modules like the CLI does.
const bundleDir = join(root, 'node_modules/.cache/cloudlift-bench');

/** The p-th percentile (nearest rank) of `values`. */
export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** The median of `values`. */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Runs `run` once: its duration in milliseconds and its value. */
export const time = (run) => {
  const start = process.hrtime.bigint();
  const value = run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
};

/** `rounds` timed calls of `render` after `warmup` untimed ones: the samples and the size of the last template. */
export function measureBuilds(render, rounds, warmup = 0) {
  for (let round = 0; round < warmup; round += 1) {
    render();
  }
  const samples = [];
  let template;
  for (let round = 0; round < rounds; round += 1) {
    const result = time(render);
    samples.push(result.ms);
    template = result.value;
  }
  return {
    samples,
    resources: Object.keys(template.Resources).length,
    bytes: Buffer.byteLength(JSON.stringify(template)),
  };
}

/**
 * Bundles `contents` (export lines of TypeScript modules, relative to the root) into `<name>.mjs` and imports it;
 * aws-cdk-lib stays external, loaded through require as the CLI does. Returns the module and the bundle's path.
 */
export async function bundleTemplates(name, contents) {
  const outfile = join(bundleDir, `${name}.mjs`);
  await build({
    absWorkingDir: root,
    stdin: { contents, resolveDir: root, loader: 'ts' },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
    banner: {
      js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return { module: await import(outfile), outfile };
}

/** The parsed `test/golden/<kind>/<case>/input.json` of each case, by case name. */
export function goldenInputs(kind, cases) {
  return Object.fromEntries(
    cases.map((name) => [
      name,
      JSON.parse(readFileSync(join(root, 'test/golden', kind, name, 'input.json'), 'utf8')),
    ]),
  );
}

/**
 * Whole-process runs of `node <args>` interleaved with bare `node -e 0` (same conditions for both), after one untimed
 * round that warms the file cache: the medians, the ratio, and the CLI's minimum. Fails on a non-zero exit.
 */
export function measureProcess(args, { cwd, env, rounds }) {
  const run = (argv) => {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, argv, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) {
      throw new Error(`node ${argv.join(' ')} exited with ${result.status}: ${String(result.stderr)}`);
    }
    return ms;
  };
  const cli = [];
  const bare = [];
  for (let round = 0; round <= rounds; round += 1) {
    const [cliMs, bareMs] = [run(args), run(['-e', '0'])];
    if (round > 0) {
      cli.push(cliMs);
      bare.push(bareMs);
    }
  }
  return {
    median: median(cli),
    min: Math.min(...cli),
    node: median(bare),
    ratio: median(cli) / median(bare),
  };
}

/** The environment whole-process runs use: AWS unreachable, and no NODE_EXTRA_CA_CERTS (~40 ms on any start). */
export function processEnv() {
  const env = { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', NO_COLOR: '1' };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}
