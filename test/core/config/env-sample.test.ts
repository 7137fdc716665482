import { describe, expect, it } from 'vitest';
import {
  checkEnvSample,
  describeEnvSampleMismatch,
  envSampleFixHint,
  envSampleKeys,
  secretReferences,
} from '../../../src/core/config/env-sample.js';

const sample = [
  '# the app needs these',
  'PORT=8080',
  '',
  'DATABASE_URL=postgres://example',
  'LABEL',
  'PORT=1',
].join('\n');

describe('envSampleKeys', () => {
  it('reads keys in file order, once each, ignoring example values and comments', () => {
    expect(envSampleKeys(sample)).toEqual({ keys: ['PORT', 'DATABASE_URL', 'LABEL'], problems: [] });
  });

  it('reports lines that name no usable key', () => {
    const { keys, problems } = envSampleKeys('A=1\nexport B=2\n=3\n');
    expect(keys).toEqual(['A']);
    expect(problems.map((problem) => problem.line)).toEqual([2, 3]);
  });
});

describe('checkEnvSample', () => {
  it('passes when both sides hold the same keys', () => {
    const report = checkEnvSample(sample, ['LABEL', 'DATABASE_URL', 'PORT']);
    expect(report.ok).toBe(true);
    expect(report.missingInStore).toEqual([]);
    expect(report.missingInSample).toEqual([]);
  });

  it('names the keys missing on each side', () => {
    const report = checkEnvSample(sample, ['PORT', 'EXTRA_B', 'EXTRA_A']);
    expect(report.ok).toBe(false);
    expect(report.missingInStore).toEqual(['DATABASE_URL', 'LABEL']);
    expect(report.missingInSample).toEqual(['EXTRA_A', 'EXTRA_B']);
    expect(describeEnvSampleMismatch(report)).toEqual([
      'in env.sample but not in Parameter Store: DATABASE_URL, LABEL',
      'in Parameter Store but not in env.sample: EXTRA_A, EXTRA_B',
    ]);
  });

  it('fails on unusable env.sample lines even when the keys match', () => {
    const report = checkEnvSample('A=1\nbad key=2', ['A']);
    expect(report.ok).toBe(false);
    expect(describeEnvSampleMismatch(report)).toEqual([
      expect.stringMatching(/^env.sample line 2: invalid key/) as string,
    ]);
  });

  it('hints the exact commands to fix each side', () => {
    const hint = envSampleFixHint(checkEnvSample('A=\nB=', ['B', 'C']), 'staging', 'web');
    expect(hint).toContain('cloudlift edit_config -e staging --name web --set A=...');
    expect(hint).toContain('Add C to env.sample');
    expect(hint).toContain('--unset C');
  });
});

describe('secretReferences', () => {
  it('pairs keys with parameter ARNs in env.sample order', () => {
    const arns = new Map([
      ['PORT', 'arn:aws:ssm:us-east-1:123456789012:parameter/staging/web/PORT'],
      ['LABEL', 'arn:aws:ssm:us-east-1:123456789012:parameter/staging/web/LABEL'],
      ['DATABASE_URL', 'arn:aws:ssm:us-east-1:123456789012:parameter/staging/web/DATABASE_URL'],
    ]);
    const { sampleKeys } = checkEnvSample(sample, [...arns.keys()]);
    expect(secretReferences(sampleKeys, arns).map((secret) => secret.name)).toEqual([
      'PORT',
      'DATABASE_URL',
      'LABEL',
    ]);
    expect(secretReferences(sampleKeys, arns)[0]).toEqual({
      name: 'PORT',
      valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/staging/web/PORT',
    });
  });
});
