// Golden environment templates: each test/golden/environment/<case>/input.json (environment, `<env>` document and
// facts) must render exactly template.json. After a deliberate change, rewrite them with
// `UPDATE_GOLDEN=1 npx vitest run --project unit test/golden/environment.test.ts` and review the diff (refused in CI).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shouldRewriteGolden } from './rewrite.js';
import { environmentCases, environmentGoldenRoot, renderEnvironmentCase } from './environment-cases.js';

const cases = environmentCases();

describe('golden environment templates', () => {
  it('covers default EC2, on-demand only, Fargate-only, existing VPC and a dashed name', () => {
    expect(cases).toEqual(
      expect.arrayContaining(['default-ec2', 'ondemand-only', 'fargate-only', 'existing-vpc', 'dummy-staging']),
    );
  });

  it.each(cases)('%s', (name) => {
    const rendered = renderEnvironmentCase(name);
    const file = join(environmentGoldenRoot, name, 'template.json');
    if (shouldRewriteGolden()) {
      writeFileSync(file, `${JSON.stringify(rendered, null, 2)}\n`);
    }
    expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(rendered).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
});
