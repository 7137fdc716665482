// Makes the last line of every test run a plain `N passed, N failed` that CI and people can read at a glance.
import type { Reporter, TestModule } from 'vitest/node';

export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
    reason: 'passed' | 'interrupted' | 'failed',
  ): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const testModule of testModules) {
      if (testModule.state() === 'failed' && [...testModule.children.allTests()].length === 0) {
        failed += 1; // a file that failed to load has no tests but must not pass silently
      }
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') {
          passed += 1;
        } else if (state === 'failed') {
          failed += 1;
        } else if (state === 'skipped') {
          skipped += 1;
        }
      }
    }
    if (reason !== 'passed' && failed === 0) {
      failed = 1; // the run failed outside any test (e.g. the testbed did not start): never report it as clean
    }
    const skippedLine = skipped > 0 ? `(${skipped} skipped)\n` : '';
    process.stdout.write(`\n${skippedLine}${passed} passed, ${failed} failed\n`);
  }
}
