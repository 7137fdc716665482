import { describe, expect, it } from 'vitest';
import { changeSetName, templateObjectKey } from '../../../src/core/naming.js';
import {
  inlineTemplateLimit,
  serializeTemplate,
  templateBucket,
  templateDigest,
} from '../../../src/deploy/stacks/template-transport.js';

describe('template transport helpers', () => {
  it('uses CloudFormation’s inline limit', () => {
    expect(inlineTemplateLimit).toBe(51_200);
  });

  it('serializes compactly, so more templates stay inline', () => {
    expect(serializeTemplate({ Resources: { A: { Type: 'AWS::SNS::Topic' } } })).toBe(
      '{"Resources":{"A":{"Type":"AWS::SNS::Topic"}}}',
    );
  });

  it('digests template and parameters, independent of parameter order', () => {
    const digest = templateDigest('{}', { A: '1', B: '2' });
    expect(digest).toMatch(/^[0-9a-f]{8}$/);
    expect(templateDigest('{}', { B: '2', A: '1' })).toBe(digest);
    expect(templateDigest('{}', { A: '1', B: '3' })).not.toBe(digest);
    expect(templateDigest('{ }', { A: '1', B: '2' })).not.toBe(digest);
  });

  it('picks the bucket: the request, then $CLOUDLIFT_TEMPLATE_BUCKET, then the original’s bucket', () => {
    expect(templateBucket({ env: { CLOUDLIFT_TEMPLATE_BUCKET: 'mine' } }, 'asked')).toBe('asked');
    expect(templateBucket({ env: { CLOUDLIFT_TEMPLATE_BUCKET: 'mine' } }, undefined)).toBe('mine');
    expect(templateBucket({ env: { CLOUDLIFT_TEMPLATE_BUCKET: '' } }, undefined)).toBe(
      'cloudlift-service-template',
    );
    expect(templateBucket({ env: {} }, undefined)).toBe('cloudlift-service-template');
  });

  it('names change sets and uploaded templates validly and sortably', () => {
    const at = new Date('2025-03-04T05:06:07.890Z');
    expect(changeSetName(at, 'abcd1234')).toBe('cloudlift-20250304T050607Z-abcd1234');
    expect(changeSetName(at, 'abcd1234')).toMatch(/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/);
    expect(templateObjectKey('web-staging', at, 'abcd1234')).toBe(
      'cloudlift/web-staging/20250304T050607Z-abcd1234.json',
    );
  });
});
