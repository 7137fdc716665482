import { describe, expect, it } from 'vitest';
import { canonicalJson, diffDocuments, jsonChangeRows } from '../../../src/core/config/json-diff.js';

describe('diffDocuments', () => {
  it('lists changes, additions and removals by path, down to the leaves', () => {
    const before = { cluster: { min_instances: 1, max_instances: 5 }, old: { a: 1 } };
    const after = {
      cluster: { min_instances: 2, max_instances: 5 },
      vpc: { cidr: '10.0.0.0/16', subnets: { x: 1 } },
    };
    expect(diffDocuments(before, after)).toEqual([
      { kind: 'change', path: 'cluster.min_instances', before: 1, after: 2 },
      { kind: 'remove', path: 'old.a', before: 1 },
      { kind: 'add', path: 'vpc.cidr', after: '10.0.0.0/16' },
      { kind: 'add', path: 'vpc.subnets.x', after: 1 },
    ]);
  });

  it('finds nothing in equal documents, whatever their key order', () => {
    expect(diffDocuments({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });
});

describe('jsonChangeRows', () => {
  it('masks values under secret-looking keys unless revealed', () => {
    const changes = diffDocuments({}, { fluentbit: { env: { api_token: 'abcdefghijklmnop' } }, port: 80 });
    expect(jsonChangeRows(changes)).toEqual([
      ['add', 'fluentbit.env.api_token', '', expect.not.stringContaining('cdefghijklmn')],
      ['add', 'port', '', '80'],
    ]);
    expect(jsonChangeRows(changes, true)[0]?.[3]).toBe('abcdefghijklmnop');
  });

  it('shows private subnet CIDRs (a section name, not a secret) and masks private keys', () => {
    const changes = diffDocuments(
      {},
      {
        vpc: { subnets: { private: { 'subnet-1': { cidr: '10.30.8.0/22' } } } },
        tls: { private_key: 'abcdefghijklmnop' },
      },
    );
    expect(jsonChangeRows(changes)).toEqual([
      ['add', 'tls.private_key', '', expect.not.stringContaining('cdefghijklmn')],
      ['add', 'vpc.subnets.private.subnet-1.cidr', '', '10.30.8.0/22'],
    ]);
  });

  it('cuts long values so the table fits a terminal', () => {
    const rows = jsonChangeRows(diffDocuments({}, { arn: 'x'.repeat(200) }));
    expect(rows[0]?.[3]).toHaveLength(80);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and indents with 4 spaces', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(
      '{\n    "a": {\n        "c": 3,\n        "d": 2\n    },\n    "b": 1\n}',
    );
  });
});
