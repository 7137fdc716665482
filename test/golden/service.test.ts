// Golden service templates: each test/golden/service/<case>/input.json (configuration + facts) must render exactly
// template.json. `UPDATE_GOLDEN=1 npx vitest run test/golden/service.test.ts` rewrites them after a deliberate change
// (refused when CI is set).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shouldRewriteGolden } from './rewrite.js';
import { parseServiceConfig } from '../../src/core/config/service.js';
import { serviceTemplate } from '../../src/cdk/templates.js';
import type { ServiceFacts } from '../../src/core/templates/service.js';

const root = join(import.meta.dirname, 'service');
const cases = readdirSync(root).filter((name) => existsSync(join(root, name, 'input.json')));

/** Renders one golden case from its input file. */
export function renderCase(name: string): unknown {
  const input = JSON.parse(readFileSync(join(root, name, 'input.json'), 'utf8')) as {
    config: Record<string, unknown>;
    facts: ServiceFacts;
  };
  const config = parseServiceConfig(input.config, input.facts.environmentDefaults);
  return serviceTemplate(config, input.facts);
}

describe('golden service templates', () => {
  it('covers the variant matrix', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s', (name) => {
    const rendered = renderCase(name);
    const file = join(root, name, 'template.json');
    if (shouldRewriteGolden()) {
      writeFileSync(file, `${JSON.stringify(rendered, null, 2)}\n`);
    }
    expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(rendered).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
});
