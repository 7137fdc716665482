#!/usr/bin/env node
// Service template benchmark: builds golden service templates in-process (first build, which loads aws-cdk-lib, and
// warm builds) and runs `cloudlift render_service --offline` end to end. Run after `npm run build`:
// `node bench/templates-service.mjs [rounds]`; `bench/templates.mjs` runs it after the environment templates.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bundleTemplates,
  goldenInputs,
  measureBuilds,
  measureProcess,
  median,
  processEnv,
  root,
  time,
} from './template-tools.mjs';

/** Prints the service template table; `rounds` warm builds per case. */
export async function runServiceBench(rounds) {
  const cases = ['public-dedicated-web', 'several-services', 'autoscaling'];
  const scratch = mkdtempSync(join(tmpdir(), 'bench-service-'));

  // The template code is TypeScript: bundle just it.
  const { module: templates, outfile } = await bundleTemplates(
    'service',
    "export { parseServiceConfig } from './src/core/config/service.ts';\n" +
      "export { serviceTemplate } from './src/cdk/templates.ts';\n",
  );
  const { parseServiceConfig, serviceTemplate } = templates;

  const inputs = goldenInputs('service', cases);

  const render = (name) => {
    const { config, facts } = inputs[name];
    return serviceTemplate(parseServiceConfig(config, facts.environmentDefaults), facts);
  };

  console.log(`service template benchmark, ${rounds} rounds, node ${process.version}`);
  console.log('| what | median ms | min ms | resources | bytes |');
  console.log('|---|---|---|---|---|');
  const first = time(() => render(cases[0]));
  console.log(`| first build in this process (${cases[0]}) | ${first.ms.toFixed(1)} | - | - | - |`);
  for (const name of cases) {
    const { samples, resources, bytes } = measureBuilds(() => render(name), rounds);
    console.log(
      `| warm build: ${name} | ${median(samples).toFixed(1)} | ${Math.min(...samples).toFixed(1)} | ${resources} | ${bytes} |`,
    );
  }

  // End to end through the built CLI, with AWS unreachable (it must not be needed).
  writeFileSync(join(scratch, 'service.json'), JSON.stringify(inputs['several-services'].config));
  const args = [join(root, 'bin/cloudlift.mjs'), 'render_service', '-e', 'staging', '--name', 'dummy',
    '--config-file', 'service.json', '--offline']; // prettier-ignore
  const e2e = measureProcess(args, { cwd: scratch, env: processEnv(), rounds: Math.min(rounds, 11) });
  console.log('');
  console.log('| whole process | median ms | min ms | node -e 0 ms | × node -e 0 |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| cloudlift render_service --offline (several-services) | ${e2e.median.toFixed(1)} | ${e2e.min.toFixed(1)} | ${e2e.node.toFixed(1)} | ${e2e.ratio.toFixed(2)} |`,
  );
  rmSync(scratch, { recursive: true, force: true });
  rmSync(outfile, { force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runServiceBench(Number(process.argv[2] ?? 21));
}
