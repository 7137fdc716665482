#!/usr/bin/env node
// Environment template benchmark: the first (cold) build in a fresh process, which loads aws-cdk-lib, then N warm
// builds after a warm-up (median and p90), per golden case; and `cloudlift render_environment` end to end (whole
// process, interleaved with bare `node -e 0`: the ratio is what to compare across machines).
// Run after `npm run build`: `node bench/templates.mjs [rounds]` (default 30).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bundleTemplates,
  goldenInputs,
  measureBuilds,
  measureProcess,
  median,
  percentile,
  processEnv,
  root,
  time,
} from './template-tools.mjs';

const rounds = Number(process.argv[2] ?? 30);
const warmup = 5;
const cases = ['default-ec2', 'ondemand-only', 'fargate-only', 'existing-vpc'];

// The template code is TypeScript: bundle just it.
const { module: templates } = await bundleTemplates(
  'environment',
  "export { parseEnvironmentConfig } from './src/core/config/environment.ts';\n" +
    "export { environmentTemplate } from './src/cdk/templates.ts';\n",
);
const { parseEnvironmentConfig, environmentTemplate } = templates;

const inputs = goldenInputs('environment', cases);
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
  const { samples, resources, bytes } = measureBuilds(() => render(name), rounds, warmup);
  console.log(
    `| warm build: ${name} | ${median(samples).toFixed(1)} | ${percentile(samples, 90).toFixed(1)} | ${resources} | ${bytes} |`,
  );
}

// End to end through the built CLI, with AWS unreachable (it must not be needed with --config-file).
const scratch = mkdtempSync(join(tmpdir(), 'bench-environment-'));
try {
  writeFileSync(join(scratch, 'staging.json'), JSON.stringify(inputs['default-ec2'].config));
  const args = [
    join(root, 'bin/cloudlift.mjs'),
    'render_environment',
    '-e',
    'staging',
    '--config-file',
    'staging.json',
  ];
  const e2e = measureProcess(args, { cwd: scratch, env: processEnv(), rounds: Math.min(rounds, 11) });
  console.log('');
  console.log('| whole process | median ms | min ms | node -e 0 ms | × node -e 0 |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| cloudlift render_environment (YAML) | ${e2e.median.toFixed(1)} | ${e2e.min.toFixed(1)} | ${e2e.node.toFixed(1)} | ${e2e.ratio.toFixed(2)} |`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// Service templates: the same measurements for the golden service cases and render_service (bench/templates-service.mjs).
console.log('');
const { runServiceBench } = await import('./templates-service.mjs');
await runServiceBench(rounds);
