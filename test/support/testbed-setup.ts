// globalSetup of the vitest `integration` project: reuses a running testbed (.ci/run starts one) or starts one.
// It takes a lease (`testbed.mjs start --lease <pid>`) and releases it in teardown. A testbed started by a test
// run is stopped by the last run still using it; one started by hand or by .ci/run is left alone. Concurrent runs
// in one working tree each get their own moto (sharing Docker and the registry), so resets never collide.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { SCRUBBED_ENV, type TestbedInfo } from './testbed.js';

const testbedScript = fileURLToPath(new URL('../testbed/testbed.mjs', import.meta.url));

function testbedCommand(command: 'start' | 'release'): string {
  const args = [
    testbedScript,
    command,
    '--lease',
    String(process.pid),
    ...(command === 'start' ? ['--json'] : []),
  ];
  const result = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `\`node test/testbed/testbed.mjs ${command}\` failed (exit ${result.status ?? result.signal}); ` +
        'its output is above, logs are in .testbed/logs/',
    );
  }
  return result.stdout;
}

/** Starts or reuses the testbed and provides its coordinates to the test files as `inject('testbed')`. */
export default function setup(project: TestProject): () => void {
  for (const name of SCRUBBED_ENV) {
    delete process.env[name]; // workers inherit this environment
  }
  const info = JSON.parse(testbedCommand('start')) as TestbedInfo;
  project.provide('testbed', info);
  return () => {
    testbedCommand('release');
  };
}
