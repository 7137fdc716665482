#!/usr/bin/env node
// Start-up benchmark: `cloudlift --help` and `cloudlift --version` against bare `node -e 0`, interleaved runs,
// median of each. Run after `npm run build`: `node bench/startup.mjs [rounds]`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const rounds = Number(process.argv[2] ?? 31);
const cli = fileURLToPath(new URL('../bin/cloudlift.mjs', import.meta.url));
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS; // adds ~40 ms to every Node start on some machines; not part of what we measure

const variants = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'cloudlift --help', args: [cli, '--help'] },
  { name: 'cloudlift --version', args: [cli, '--version'] },
  // Not pre-rendered: loads the bundle and builds the whole command tree, as every real command does.
  { name: 'cloudlift deploy_service --help', args: [cli, 'deploy_service', '--help'] },
];

const samples = new Map(variants.map((variant) => [variant.name, []]));
for (let round = 0; round < rounds + 2; round += 1) {
  for (const variant of variants) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, variant.args, { env, stdio: 'ignore' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) {
      throw new Error(`${variant.name} exited with ${result.status}`);
    }
    if (round >= 2) {
      samples.get(variant.name).push(ms); // the first two rounds warm the file cache
    }
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const baseline = median(samples.get('node -e 0'));
console.log(`startup benchmark, ${rounds} interleaved rounds, node ${process.version}`);
console.log('| command | median ms | min ms | × node -e 0 |');
console.log('|---|---|---|---|');
for (const variant of variants) {
  const values = samples.get(variant.name);
  const m = median(values);
  console.log(
    `| ${variant.name} | ${m.toFixed(1)} | ${Math.min(...values).toFixed(1)} | ${(m / baseline).toFixed(2)} |`,
  );
}
