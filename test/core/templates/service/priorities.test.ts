import { describe, expect, it } from 'vitest';
import {
  fnv1a,
  listenerRulePriority,
  maxRulePriority,
  minRulePriority,
} from '../../../../src/core/templates/service/priorities.js';
import type { PriorityRequest } from '../../../../src/core/templates/service/priorities.js';

const request = (extra: Partial<PriorityRequest> = {}): PriorityRequest => ({
  app: 'shop',
  service: 'Web',
  hostnames: ['shop.example.com'],
  logicalId: 'WebInternalHTTP1ListenerRule',
  existing: [],
  taken: new Set(),
  ...extra,
});

describe('fnv1a', () => {
  it('is the standard 32-bit FNV-1a', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });
});

describe('listenerRulePriority', () => {
  it('is a deterministic function of app, service and host names, inside the original range', () => {
    const first = listenerRulePriority(request());
    expect(listenerRulePriority(request())).toBe(first);
    expect(first).toBeGreaterThanOrEqual(minRulePriority);
    expect(first).toBeLessThanOrEqual(maxRulePriority);
    expect(first).toBe(
      minRulePriority + (fnv1a('shop/Web/shop.example.com') % (maxRulePriority - minRulePriority + 1)),
    );
    expect(listenerRulePriority(request({ service: 'Api' }))).not.toBe(first);
    expect(listenerRulePriority(request({ app: 'other' }))).not.toBe(first);
  });

  it('probes past priorities other rules hold, and past ones given out in this template', () => {
    const slot = listenerRulePriority(request());
    const existing = [
      { priority: slot, hosts: ['someone.example.com'] },
      { priority: slot + 1, hosts: [] },
    ];
    expect(listenerRulePriority(request({ existing }))).toBe(slot + 2);
    expect(listenerRulePriority(request({ existing, taken: new Set([slot + 2]) }))).toBe(slot + 3);
  });

  it('wraps around at the top of the range', () => {
    const existing = Array.from({ length: maxRulePriority - minRulePriority }, (_, index) => ({
      priority: minRulePriority + 1 + index,
      hosts: ['x.example.com'],
    }));
    expect(listenerRulePriority(request({ existing }))).toBe(minRulePriority);
  });

  it('keeps the priority of a rule that already routes the first host name (stable updates)', () => {
    const existing = [{ priority: 4242, hosts: ['SHOP.example.com', 'other.example.com'] }];
    expect(listenerRulePriority(request({ existing }))).toBe(4242);
    const ours = [{ priority: 4242, hosts: ['shop.example.com'], logicalId: 'WebInternalHTTP1ListenerRule' }];
    expect(listenerRulePriority(request({ existing: ours }))).toBe(4242);
  });

  it('does not reuse a rule owned by another resource of this stack, nor hand-made ones outside the range', () => {
    const slot = listenerRulePriority(request());
    const foreign = [
      { priority: 4242, hosts: ['shop.example.com'], logicalId: 'OldInternalHTTP1ListenerRule' },
    ];
    expect(listenerRulePriority(request({ existing: foreign }))).toBe(slot === 4242 ? 4243 : slot);
    const handMade = [{ priority: 5, hosts: ['shop.example.com'] }];
    expect(listenerRulePriority(request({ existing: handMade }))).toBe(slot);
  });

  it("does not count this rule's own current priority as occupied", () => {
    const slot = listenerRulePriority(request());
    const ownOld = [
      { priority: slot, hosts: ['old.example.com'], logicalId: 'WebInternalHTTP1ListenerRule' },
    ];
    expect(listenerRulePriority(request({ existing: ownOld }))).toBe(slot);
  });

  it('fails clearly when the listener is full', () => {
    const existing = Array.from({ length: maxRulePriority - minRulePriority + 1 }, (_, index) => ({
      priority: minRulePriority + index,
      hosts: [],
    }));
    expect(() => listenerRulePriority(request({ existing }))).toThrow(
      /Every listener rule priority from 100 to 49899/,
    );
  });
});
