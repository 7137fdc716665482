// Two projects: fast unit tests in parallel, and integration tests that share one testbed, one file at a time.
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import LastFileSequencer from './test/support/last-file-sequencer.js';
import PlainSummaryReporter from './test/support/plain-summary-reporter.js';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  define: { CLOUDLIFT_VERSION: JSON.stringify(version) },
  test: {
    reporters: ['default', new PlainSummaryReporter()],
    // The default order (failed, then slowest first) with the suite-wide secret-leak check moved to the very end.
    sequence: { sequencer: LastFileSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Random order catches tests that lean on each other's state (integration files are scenarios, in order).
          sequence: { shuffle: { files: false, tests: true } },
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/testbed-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
