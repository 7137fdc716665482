import { describe, expect, it } from 'vitest';
import {
  checkKey,
  checkValue,
  describeProblems,
  fitsOnLine,
  parseAssignments,
  parseEnvText,
  serializeEnv,
  splitByLineFit,
} from '../../../src/core/config/env-file.js';

describe('parseEnvText', () => {
  it('reads KEY=VALUE lines, skipping blanks and # comments, splitting at the first "="', () => {
    const parsed = parseEnvText('# header\n\nDB_URL=postgres://u:p@h/db?x=1\n  PORT=80  \nEMPTYISH= x\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.values).toEqual({ DB_URL: 'postgres://u:p@h/db?x=1', PORT: '80', EMPTYISH: ' x' });
  });

  it('keeps the file order of keys and accepts CRLF and a BOM', () => {
    const parsed = parseEnvText('\uFEFFB=2\r\nA=1\r\n');
    expect(Object.keys(parsed.values)).toEqual(['B', 'A']);
    expect(parsed.values.A).toBe('1');
  });

  it('reports every problem with its line number', () => {
    const text = ['A=1', 'just-a-secret-without-key', 'bad key=2', 'A=3', 'B=', 'export C=4', 'D/E=5'].join(
      '\n',
    );
    const { problems, values } = parseEnvText(text);
    expect(problems.map((problem) => problem.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(problems[0]?.message).toContain('no "="');
    expect(problems[1]?.message).toContain('invalid key');
    expect(problems[2]?.message).toContain('A is already set on line 1');
    expect(problems[3]?.message).toContain('empty value');
    expect(problems[4]?.message).toContain('remove the leading "export "');
    expect(problems[5]?.message).toContain('invalid key');
    expect(values).toEqual({ A: '1' });
  });

  it('never quotes the offending text (it may be a secret)', () => {
    const secret = 'postgres://admin:hunter2@db/app?sslmode';
    const { problems } = parseEnvText(`${secret}=require\nhunter2-alone`);
    expect(problems).toHaveLength(2);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('rejects values SSM cannot hold (over 8 KB)', () => {
    const { problems } = parseEnvText(`BIG=${'x'.repeat(8193)}`);
    expect(problems[0]?.message).toContain('8193 bytes');
    expect(parseEnvText(`OK=${'é'.repeat(4096)}`).problems).toEqual([]);
  });

  it('formats problems as "line N: ..." details', () => {
    expect(describeProblems([{ line: 3, message: 'boom' }])).toEqual(['line 3: boom']);
  });
});

describe('key and value rules', () => {
  it('accepts the characters SSM allows in one path segment', () => {
    expect(checkKey('DB_URL')).toBeUndefined();
    expect(checkKey('app.name-2')).toBeUndefined();
  });

  it('rejects "/" (a nested parameter the non-recursive read would lose), "|" and spaces', () => {
    expect(checkKey('A/B')).toBeDefined();
    expect(checkKey('A|B')).toBeDefined();
    expect(checkKey('A ')).toContain('remove the spaces');
    expect(checkKey('')).toContain('empty');
  });

  it('limits the full parameter name to 1011 characters', () => {
    const prefix = '/staging/app/';
    expect(checkKey('K'.repeat(1011 - prefix.length), prefix)).toBeUndefined();
    expect(checkKey('K'.repeat(1012 - prefix.length), prefix)).toContain('too long');
  });

  it('rejects empty values without quoting anything', () => {
    expect(checkValue('A', '')).toContain('A has an empty value');
    expect(checkValue('A', 'x')).toBeUndefined();
  });
});

describe('serializeEnv and line fit', () => {
  it('writes sorted KEY=VALUE lines that parse back to the same values', () => {
    const values = { b: '2', A: 'x=y', _c: ' leading space' };
    const text = serializeEnv(values);
    expect(text).toBe('A=x=y\n_c= leading space\nb=2\n');
    expect(parseEnvText(text).values).toEqual(values);
  });

  it('keeps multi-line values and trailing spaces out of the editor text', () => {
    expect(fitsOnLine('a\nb')).toBe(false);
    expect(fitsOnLine('trailing ')).toBe(false);
    expect(fitsOnLine(' leading')).toBe(true);
    expect(splitByLineFit({ PEM: '-----BEGIN\nx\n-----END', A: '1' })).toEqual({
      lines: { A: '1' },
      kept: ['PEM'],
    });
  });
});

describe('parseAssignments (--set/--unset)', () => {
  it('splits KEY=VALUE at the first "=" and collects unsets', () => {
    expect(parseAssignments(['A=1', 'URL=a=b'], ['C', 'C'])).toEqual({
      set: { A: '1', URL: 'a=b' },
      unset: ['C'],
      problems: [],
    });
  });

  it('reports bad syntax, bad keys, duplicates and set+unset of one key, never quoting values', () => {
    const { problems } = parseAssignments(['hunter2', 'A=1', 'A=2', 'B/C=x', 'D=', 'E=5'], ['E', 'bad key']);
    expect(problems).toHaveLength(6);
    expect(problems[0]).toContain('--set argument 1 has no "="');
    expect(problems[1]).toContain('A twice');
    expect(problems[2]).toContain('--set argument 4');
    // A flag has no line to delete: the way to remove a variable from the command line is --unset.
    expect(problems[3]).toBe(
      '--set argument 5: D has an empty value, which Parameter Store cannot hold: give it a value, or remove D with --unset D',
    );
    expect(problems[4]).toContain('E is both set and unset');
    expect(problems[5]).toContain('--unset argument 2 is not a valid key');
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});
