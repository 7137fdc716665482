// Parity with the templates the original Cloudlift 2.1.1 rendered itself (test/parity/original-2.1.1/, see its
// README.md), not with files cloudlift wrote: for both environments and all twelve service variants, ours is rendered
// from the same stored record with the same looked-up facts (run-specific ids are inputs here, so they are equal
// rather than masked) and compared resource by resource, property by property, strict on types and order. Every
// difference must be one of test/parity/deliberate-differences.ts, whose effects are checked against CloudFormation's
// resource provider schemas, and which README.md's decisions table must name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServiceConfig } from '../../src/core/config/service.js';
import type { Template } from '../../src/core/templates/template.js';
import { compareTemplates } from './compare.js';
import type { TemplateDifference } from './compare.js';
import { deliberateDifferences } from './deliberate-differences.js';
import type { DeliberateDifference } from './deliberate-differences.js';
import { effectOf } from './effect.js';
import {
  oracleEnvironments,
  oracleRoot,
  oracleServices,
  originalEnvironmentTemplate,
  originalServiceTemplate,
  ourEnvironmentTemplate,
  ourServiceTemplate,
  serviceDefaultsOf,
} from './oracle.js';
import { createOnlyProperties, findPython } from './python.js';

/** One comparison: which template, in which scenario, and the two sides. */
interface Case {
  name: string;
  kind: DeliberateDifference['kind'];
  scenario: DeliberateDifference['scenario'];
  original: Template;
  ours: Template;
}

/** The output the original wrote with json.dumps (its key order followed DynamoDB's map order): compared parsed. */
const parseOptions = (path: string, value: unknown): unknown =>
  path === '/Outputs/CloudliftOptions/Value' && typeof value === 'string'
    ? (JSON.parse(value) as unknown)
    : value;

let cached: Case[] | undefined;

/** Every comparison: environments and services as cloudlift updates the original's stacks, services as created. */
function cases(): Case[] {
  cached ??= [
    ...oracleEnvironments.map((name) => ({
      name,
      kind: 'environment' as const,
      scenario: 'update' as const,
      original: originalEnvironmentTemplate(name),
      ours: ourEnvironmentTemplate(name),
    })),
    ...oracleServices().flatMap((name) => [
      {
        name,
        kind: 'service' as const,
        scenario: 'update' as const,
        original: originalServiceTemplate(name),
        ours: ourServiceTemplate(name),
      },
      {
        name: `${name} (new)`,
        kind: 'service' as const,
        scenario: 'create' as const,
        original: originalServiceTemplate(name),
        ours: ourServiceTemplate(name, 'refboth', { running: false }),
      },
    ]),
  ];
  return cached;
}

const differencesOf = (entry: Case): TemplateDifference[] =>
  compareTemplates(entry.original, entry.ours, parseOptions);

/** The list entries that may explain a difference of this case (a create also shows every update difference). */
const applicable = (entry: Case): DeliberateDifference[] =>
  deliberateDifferences.filter(
    (item) => item.kind === entry.kind && (item.scenario === 'update' || entry.scenario === 'create'),
  );

const explain = (entry: Case, difference: TemplateDifference): DeliberateDifference | undefined =>
  applicable(entry).find((item) => item.at?.test(difference.path) === true);

const show = (value: unknown): string => (value === undefined ? '(absent)' : JSON.stringify(value));

const repositoryRoot = join(import.meta.dirname, '..', '..');

const typesOf = (template: Template): Record<string, string> =>
  Object.fromEntries(Object.entries(template.Resources).map(([id, resource]) => [id, resource.Type]));

describe("parity with the original Cloudlift 2.1.1's own templates", () => {
  it('covers both environments and all twelve service variants of the reference run', () => {
    expect([...oracleEnvironments]).toEqual(['refboth', 'refspot']);
    expect(oracleServices()).toHaveLength(12);
  });

  it.each(cases().map((entry) => [`${entry.kind} ${entry.name}`, entry] as const))(
    '%s differs only where the list of deliberate differences says',
    (_label, entry) => {
      const unexplained = differencesOf(entry)
        .filter((difference) => explain(entry, difference) === undefined)
        .map(
          (difference) =>
            `${difference.path}: original ${show(difference.original)}, ours ${show(difference.ours)}`,
        );
      expect(unexplained).toEqual([]);
    },
  );

  it('has no list entry that no difference matches any more (the list cannot rot)', () => {
    const used = new Set(
      cases().flatMap((entry) => differencesOf(entry).map((difference) => explain(entry, difference)?.id)),
    );
    const unused = deliberateDifferences.filter((item) => item.at !== undefined && !used.has(item.id));
    expect(unused.map((item) => item.id)).toEqual([]);
  });

  it('pins each difference the reference run cannot show with tests of ours that still exist', () => {
    const problems = deliberateDifferences.flatMap((item) => {
      if ((item.at === undefined) === (item.evidence === undefined)) {
        return [`${item.id}: give either at (shown by the reference run) or evidence, not both or neither`];
      }
      return (item.evidence ?? [])
        .filter(({ file, contains }) => !readFileSync(join(repositoryRoot, file), 'utf8').includes(contains))
        .map(({ file, contains }) => `${item.id}: ${file} no longer contains "${contains}"`);
    });
    expect(problems).toEqual([]);
  });

  it("gives each entry the effect create-only properties imply; nothing of the original's but task definitions is replaced", () => {
    const python = findPython(['cfnlint']);
    expect(python, 'no Python with cfn-lint (pip install cfn-lint, or set TESTBED_PYTHON)').toBeDefined();
    const updates = cases().filter((entry) => entry.scenario === 'update');
    const createOnly = createOnlyProperties(
      python ?? 'python3',
      updates.flatMap((entry) => Object.values(typesOf(entry.ours))),
    );
    const wrong: string[] = [];
    for (const entry of updates) {
      const types = { ...typesOf(entry.original), ...typesOf(entry.ours) };
      for (const difference of differencesOf(entry)) {
        const item = explain(entry, difference);
        const effect = effectOf(difference, types, createOnly);
        if (item !== undefined && effect !== item.effect) {
          wrong.push(`${item.id} says ${item.effect}, but ${entry.name} ${difference.path} ${effect}`);
        }
        const id = difference.path.split('/')[1] ?? '';
        if (effect === 'replaces' && types[id] !== 'AWS::ECS::TaskDefinition') {
          wrong.push(`${entry.name} ${difference.path} replaces ${types[id] ?? id}, not a task definition`);
        }
        if (effect === 'removes') {
          wrong.push(`${entry.name} ${difference.path} removes a logical id of the original`);
        }
      }
    }
    expect(wrong).toEqual([]);
    // Entries only for new stacks claim no effect on the original's.
    expect(
      deliberateDifferences
        .filter((item) => item.scenario === 'create' && item.effect !== 'none')
        .map((item) => item.id),
    ).toEqual([]);
  });

  it("is mirrored by README.md's decisions table, which names every entry", () => {
    const readme = readFileSync(join(repositoryRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('## Compatibility with the Python Cloudlift');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    expect(start).toBeGreaterThan(-1);
    expect(
      deliberateDifferences.map((item) => item.id).filter((id) => !section.includes(`\`${id}\``)),
    ).toEqual([]);
  });

  it.each(['x-bad-sidecar-name', 'x-bad-health-check-path'])(
    'rejects %s, which the original rejects, naming the same field',
    (variant) => {
      const document = JSON.parse(
        readFileSync(join(oracleRoot, 'services', `${variant}.json`), 'utf8'),
      ) as Record<string, unknown>;
      const theirs = readFileSync(join(oracleRoot, 'services', `${variant}.error.txt`), 'utf8').trim();
      const field = / in (\S+)$/.exec(theirs)?.[1] ?? '';
      expect(field).not.toBe('');
      expect(() => parseServiceConfig(document, serviceDefaultsOf('refboth'))).toThrow(`${field}:`);
    },
  );
});
