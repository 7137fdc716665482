// Vitest's default order puts failed files first and then the slowest, so a file named zz-… is NOT run last by name.
// This sequencer keeps that order and moves the suite-wide checks, which read what the other files did, to the end.
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';

/** Files that must run after every other file of their project (they check the whole run's CLI output). */
export const runLast = ['test/integration/zz-secret-leaks.test.ts'];

function isLast(spec: TestSpecification): boolean {
  const path = spec.moduleId.split('\\').join('/');
  return runLast.some((file) => path.endsWith(`/${file}`));
}

/** The default order, with the files of `runLast` at the end. */
export default class LastFileSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((spec) => !isLast(spec)), ...sorted.filter(isLast)];
  }
}
