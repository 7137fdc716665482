import { describe, expect, it } from 'vitest';
import { checkAppName, checkEnvironmentName, isAmiId } from '../../src/core/names.js';

describe('checkAppName (it becomes the stack prefix and the ECR repository <app>-repo)', () => {
  it.each(['shop', 'my-app', 'app2go', 'a'])('accepts %s', (name) => {
    expect(checkAppName(name)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['MyApp', /lower-case/],
    ['2app', /starting with a letter/],
    ['my_app', /lower-case letters, digits and dashes/],
    ['my--app', /two dashes in a row/],
    ['my-app-', /end with a dash/],
    ['a'.repeat(101), /longer than 100/],
  ])('refuses %j', (name, problem) => {
    expect(checkAppName(name)).toMatch(problem);
  });
});

describe('checkEnvironmentName (it becomes cluster-<env> and /<env>/...)', () => {
  it.each(['staging', 'prod-2', '2024-test'])('accepts %s', (name) => {
    expect(checkEnvironmentName(name)).toBeUndefined();
  });

  it.each(['', 'my env', 'staging_1', '-x', 'x'.repeat(101)])('refuses %j', (name) => {
    expect(checkEnvironmentName(name)).toBeDefined();
  });
});

describe('isAmiId', () => {
  it('knows an AMI id when it sees one', () => {
    expect(isAmiId('ami-12c6146b')).toBe(true);
    expect(isAmiId('ami-0123456789abcdef0')).toBe(true);
    expect(isAmiId('/aws/service/ecs/optimized-ami')).toBe(false);
  });
});
