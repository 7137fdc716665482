#!/usr/bin/env node
// Environment template benchmark: the first (cold) build in a fresh process, which loads aws-cdk-lib, then N warm
// builds after a warm-up (median and p90), per golden case; and `cloudlift render_environment` end to end.
// Run after `npm run build`: `node bench/templates.mjs [rounds]` (default 30).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const rounds = Number(process.argv[2] ?? 30);
const warmup = 5;
const root = fileURLToPath(new URL('..', import.meta.url));
const cases = ['default-ec2', 'ondemand-only', 'fargate-only', 'existing-vpc'];
// Inside the repository, so the bundle resolves aws-cdk-lib from node_modules like the CLI does.
const bundleDir = join(root, 'node_modules/.cache/cloudlift-bench');

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const time = (run) => {
  const start = process.hrtime.bigint();
  const value = run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
};

// The template code is TypeScript: bundle just it (aws-cdk-lib stays external, loaded through require as the CLI does).
await build({
  absWorkingDir: root,
  stdin: {
    contents:
      "export { parseEnvironmentConfig } from './src/core/config/environment.ts';\n" +
      "export { environmentTemplate } from './src/core/templates/environment.ts';\n",
    resolveDir: root,
    loader: 'ts',
  },
  outfile: join(bundleDir, 'environment.mjs'),
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
const { parseEnvironmentConfig, environmentTemplate } = await import(join(bundleDir, 'environment.mjs'));

const inputs = Object.fromEntries(
  cases.map((name) => [
    name,
    JSON.parse(readFileSync(join(root, 'test/golden/environment', name, 'input.json'), 'utf8')),
  ]),
);
const render = (name) => {
  const { environment, config, facts } = inputs[name];
  return environmentTemplate(parseEnvironmentConfig(environment, config), { ...facts, environment });
};

console.log(
  `environment template benchmark, ${rounds} rounds after ${warmup} warm-up, node ${process.version}`,
);
console.log('| what | median ms | p90 ms | resources | bytes |');
console.log('|---|---|---|---|---|');
const first = time(() => render(cases[0]));
console.log(`| first (cold) build: ${cases[0]}, loads aws-cdk-lib | ${first.ms.toFixed(1)} | - | - | - |`);
for (const name of cases) {
  for (let round = 0; round < warmup; round += 1) {
    render(name);
  }
  const samples = [];
  let template;
  for (let round = 0; round < rounds; round += 1) {
    const result = time(() => render(name));
    samples.push(result.ms);
    template = result.value;
  }
  const resources = Object.keys(template.Resources).length;
  const bytes = Buffer.byteLength(JSON.stringify(template));
  console.log(
    `| warm build: ${name} | ${median(samples).toFixed(1)} | ${percentile(samples, 90).toFixed(1)} | ${resources} | ${bytes} |`,
  );
}

// End to end through the built CLI, with AWS unreachable (it must not be needed with --config-file).
const scratch = mkdtempSync(join(tmpdir(), 'bench-environment-'));
try {
  writeFileSync(join(scratch, 'staging.json'), JSON.stringify(inputs['default-ec2'].config));
  const env = { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', NODE_EXTRA_CA_CERTS: '' };
  const cli = (args) =>
    spawnSync(process.execPath, [join(root, 'bin/cloudlift.mjs'), ...args], { cwd: scratch, env });
  const samples = [];
  for (let round = 0; round < Math.min(rounds, 11); round += 1) {
    const result = time(() => cli(['render_environment', '-e', 'staging', '--config-file', 'staging.json']));
    if (result.value.status !== 0) {
      throw new Error(`render_environment failed: ${result.value.stderr}`);
    }
    samples.push(result.ms);
  }
  console.log(
    `| cloudlift render_environment (YAML, whole process) | ${median(samples).toFixed(1)} | ${percentile(samples, 90).toFixed(1)} | - | - |`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// Service templates: the same measurements for the golden service cases and render_service (bench/templates-service.mjs).
console.log('');
const { runServiceBench } = await import('./templates-service.mjs');
await runServiceBench(rounds);
