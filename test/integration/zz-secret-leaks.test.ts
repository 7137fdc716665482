// The suite's secret-leak check (issue 5): runCli logs every CLI run of this vitest run, from every file and worker,
// and tests register their secret values; here every run's output is searched for every secret, and only runs with
// --reveal may show one. The file runs after all other integration files (test/support/last-file-sequencer.ts), and
// it cannot pass without having looked: it needs many runs, and must see secrets where --reveal printed them.
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordedRuns, registeredSecrets, runLogFolder, scanForLeaks } from '../support/secrets.js';

/** Fewer runs than this means the other files did not run first (edit-config.test.ts alone makes 37). */
const minimumRuns = 30;

describe('no CLI output shows a secret test value without --reveal', () => {
  it('the scan finds a planted leak, also cut short, and counts secrets shown with --reveal', () => {
    const value = 's3cr3t-planted-0f1e2d3c4b5a69788796a5b4';
    const run = { file: 'planted.test.ts', stderr: '' };
    const scan = scanForLeaks(
      [
        { ...run, test: 'leaks', args: ['edit_config', '--list'], stdout: `A=${value}\n` },
        { ...run, test: 'masks', args: ['edit_config', '--list'], stdout: 'A=s3****b4\n' },
        { ...run, test: 'cuts', args: ['deploy_service'], stdout: `A=${value.slice(0, -3)}…\n` },
        { ...run, test: 'reveals', args: ['edit_config', '--list', '--reveal'], stdout: `A=${value}\n` },
        { ...run, test: 'passes', args: ['edit_config', '--set', `A=${value}`], stdout: '' },
      ],
      [value],
    );
    expect(scan).toEqual({
      scanned: 5,
      revealRuns: 1,
      revealed: 1,
      leaks: [
        'planted.test.ts > leaks: `cloudlift edit_config --list` printed 1 secret value(s)',
        'planted.test.ts > cuts: `cloudlift deploy_service` printed 1 secret value(s)',
      ],
    });
  });

  it('finds none in any run of the suite, and sees them where --reveal printed them', () => {
    const runs = recordedRuns();
    const secrets = registeredSecrets();
    const files = [...new Set(runs.map((entry) => relative(process.cwd(), entry.file)))].sort();
    const seen = `${runs.length} CLI runs from ${files.length} files (${files.join(', ')}), ${secrets.length} secrets, logged in ${runLogFolder()}`;
    expect(
      runs.length,
      `too few CLI runs to check (${seen}): this file checks the runs of the other files, so run the whole project: npx vitest run --project integration`,
    ).toBeGreaterThanOrEqual(minimumRuns);
    expect(secrets.length, seen).toBeGreaterThanOrEqual(10);
    const scan = scanForLeaks(
      runs,
      secrets.map((secret) => secret.value),
    );
    expect(scan.leaks, `secret values printed without --reveal (${seen})`).toEqual([]);
    expect(scan.revealRuns, `no --reveal run to prove the scan sees secrets (${seen})`).toBeGreaterThan(0);
    expect(scan.revealed, `the --reveal runs showed no registered secret (${seen})`).toBeGreaterThan(0);
  });
});
