// The golden environment cases: test/golden/environment/<case>/input.json holds the environment name, the `<env>`
// document and the facts; template.json the expected template.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvironmentConfig } from '../../src/core/config/environment.js';
import { environmentTemplate } from '../../src/cdk/templates.js';
import type { EnvironmentFacts } from '../../src/core/templates/environment.js';
import type { Template } from '../../src/core/templates/template.js';

/** The folder of the environment cases. */
export const environmentGoldenRoot = join(import.meta.dirname, 'environment');

/** The case names. */
export function environmentCases(): string[] {
  return readdirSync(environmentGoldenRoot).filter((name) => existsSync(join(environmentGoldenRoot, name, 'input.json')));
}

/** One golden case's input. */
export interface EnvironmentGoldenInput {
  environment: string;
  config: Record<string, unknown>;
  facts: Omit<EnvironmentFacts, 'environment'>;
}

/** Reads a golden case's input. */
export function readEnvironmentInput(name: string): EnvironmentGoldenInput {
  return JSON.parse(readFileSync(join(environmentGoldenRoot, name, 'input.json'), 'utf8')) as EnvironmentGoldenInput;
}

/** Reads a golden case's expected template. */
export function readEnvironmentTemplate(name: string): Template {
  return JSON.parse(readFileSync(join(environmentGoldenRoot, name, 'template.json'), 'utf8')) as Template;
}

/** Renders one golden case from its input file. */
export function renderEnvironmentCase(name: string): Template {
  const input = readEnvironmentInput(name);
  const config = parseEnvironmentConfig(input.environment, input.config);
  return environmentTemplate(config, { ...input.facts, environment: input.environment });
}
