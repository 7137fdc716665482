import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const mainModule = fileURLToPath(new URL('../../dist/main.mjs', import.meta.url));

/** What the full CLI (commander) prints, bypassing the bin script's pre-rendered fast path. */
function fullCliOutput(argv: string[]): string {
  const script = `import(${JSON.stringify(mainModule)}).then(async (m) => { process.exitCode = await m.run(${JSON.stringify(argv)}); })`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('pre-rendered --help and --version', () => {
  it.each([['--help'], ['-h'], ['--version'], ['-V']])(
    '%s prints exactly what the full CLI prints',
    async (flag) => {
      const fast = await runCli([flag]);
      expect(fast.code).toBe(0);
      const canonical = flag === '-h' ? '--help' : flag === '-V' ? '--version' : flag;
      expect(fast.stdout).toBe(fullCliOutput([canonical]));
      expect(fast.stdout.length).toBeGreaterThan(10);
    },
  );
});
