import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  editDistance,
  formatIssues,
  jsonSchemaOf,
  lenientObject,
  parseOrThrow,
  suggestKey,
} from '../../../src/core/config/validate.js';
import { ValidationError } from '../../../src/errors.js';

const service = lenientObject({
  command: z.string().nullable(),
  memory_reservation: z.number().min(10).max(30000),
  http_interface: lenientObject({
    container_port: z.number(),
    alb_mode: z.enum(['cluster', 'dedicated']),
  }).optional(),
});
const config = z.object({ services: z.record(z.string(), service) });

function problems(value: unknown): string[] {
  const result = config.safeParse(value, { reportInput: true });
  return result.success ? [] : formatIssues(result.error.issues);
}

describe('formatIssues', () => {
  it('names the field path and the wrong value', () => {
    expect(
      problems({
        services: {
          Web: {
            command: null,
            memory_reservation: 512,
            http_interface: { container_port: '80', alb_mode: 'cluster' },
          },
        },
      }),
    ).toEqual(['services.Web.http_interface.container_port: expected a number, got "80"']);
  });

  it('reports missing fields, bounds and enums in plain words', () => {
    expect(
      problems({
        services: {
          Web: { memory_reservation: 5, http_interface: { container_port: 80, alb_mode: 'shared' } },
        },
      }),
    ).toEqual(
      expect.arrayContaining([
        'services.Web.command: is required (a string)',
        'services.Web.memory_reservation: must be at least 10, got 5',
        'services.Web.http_interface.alb_mode: must be one of "cluster", "dedicated", got "shared"',
      ]),
    );
  });

  it('suggests the intended key for a typo but keeps other unknown keys', () => {
    const value = {
      services: { Web: { comand: 'x', command: null, memory_reservation: 100, custom_thing: 1 } },
    };
    expect(problems(value)).toEqual(['services.Web.comand: unknown key "comand" (did you mean "command"?)']);
    const ok = config.parse({
      services: { Web: { command: null, memory_reservation: 100, custom_thing: 1 } },
    });
    expect(ok.services.Web).toHaveProperty('custom_thing', 1);
  });

  it('suggests the key for a misspelt required key, before the missing-key problem it causes', () => {
    // A misspelt required key is also "missing": the typo is the line that says what to fix, so it comes first.
    const value = { services: { Web: { comand: 'x', memory_reservation: 100 } } };
    expect(problems(value)).toEqual([
      'services.Web.comand: unknown key "comand" (did you mean "command"?)',
      'services.Web.command: is required (a string)',
    ]);
    expect(() => parseOrThrow(config, value, { what: 'service configuration', hint: 'Fix it.' })).toThrow(
      /^Invalid service configuration: services\.Web\.comand: unknown key "comand" \(did you mean "command"\?\)/,
    );
  });
});

describe('parseOrThrow', () => {
  it('throws a ValidationError with every problem and the hint', () => {
    let caught: unknown;
    try {
      parseOrThrow(
        config,
        { services: { Web: { memory_reservation: 'x' } } },
        { what: 'service configuration', hint: 'Fix it.' },
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^Invalid service configuration: services\.Web\./);
    expect(error.message).toContain('(and 1 more problem)');
    expect(error.details).toHaveLength(2);
    expect(error.hint).toBe('Fix it.');
  });
});

describe('suggestions', () => {
  it('computes edit distances', () => {
    expect(editDistance('comand', 'command')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('only suggests close keys', () => {
    expect(suggestKey('memory_reservaton', ['memory_reservation', 'command'])).toBe('memory_reservation');
    expect(suggestKey('zzz', ['memory_reservation', 'command'])).toBeUndefined();
  });
});

describe('jsonSchemaOf', () => {
  it('exports a JSON Schema with the fields', () => {
    const schema = jsonSchemaOf(config, 'Service configuration');
    expect(schema.title).toBe('Service configuration');
    expect(JSON.stringify(schema)).toContain('memory_reservation');
  });
});
