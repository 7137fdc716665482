// Golden environment templates: each test/golden/environment/<case>/input.json (environment, `<env>` document and
// facts) must render exactly template.json. After a deliberate change, rewrite them with
// `UPDATE_GOLDEN=1 npx vitest run --project unit test/golden/environment.test.ts` and review the diff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnvironmentConfig } from '../../src/core/config/environment.js';
import { environmentTemplate } from '../../src/core/templates/environment.js';
import type { EnvironmentFacts } from '../../src/core/templates/environment.js';

const root = join(import.meta.dirname, 'environment');
const cases = readdirSync(root).filter((name) => existsSync(join(root, name, 'input.json')));

/** One golden case's input. */
export interface EnvironmentGoldenInput {
  environment: string;
  config: Record<string, unknown>;
  facts: Omit<EnvironmentFacts, 'environment'>;
}

/** Reads a golden case's input. */
export function readEnvironmentInput(name: string): EnvironmentGoldenInput {
  return JSON.parse(readFileSync(join(root, name, 'input.json'), 'utf8')) as EnvironmentGoldenInput;
}

/** Renders one golden case from its input file. */
export function renderEnvironmentCase(name: string): unknown {
  const input = readEnvironmentInput(name);
  const config = parseEnvironmentConfig(input.environment, input.config);
  return environmentTemplate(config, { ...input.facts, environment: input.environment });
}

describe('golden environment templates', () => {
  it('covers default EC2, on-demand only, Fargate-only, existing VPC and a dashed name', () => {
    expect(cases).toEqual(
      expect.arrayContaining(['default-ec2', 'ondemand-only', 'fargate-only', 'existing-vpc', 'dummy-staging']),
    );
  });

  it.each(cases)('%s', (name) => {
    const rendered = renderEnvironmentCase(name);
    const file = join(root, name, 'template.json');
    if (process.env.UPDATE_GOLDEN === '1') {
      writeFileSync(file, `${JSON.stringify(rendered, null, 2)}\n`);
    }
    expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(rendered).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
});
