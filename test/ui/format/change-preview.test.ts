import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { buildChangePreview } from '../../../src/core/stacks/change-preview.js';
import { formatChangePreview, previewSummary } from '../../../src/ui/format/change-preview.js';

const plain = pc.createColors(false);
const colored = pc.createColors(true);

const preview = buildChangePreview(
  [
    { action: 'Add', logicalId: 'WorkerService', resourceType: 'AWS::ECS::Service', details: [] },
    {
      action: 'Modify',
      logicalId: 'WebService',
      physicalId: 'web-svc',
      resourceType: 'AWS::ECS::Service',
      replacement: 'True',
      details: [{ attribute: 'Properties', name: 'LaunchType', requiresRecreation: 'Always' }],
    },
    { action: 'Remove', logicalId: 'OldTopic', resourceType: 'AWS::SNS::Topic', details: [] },
  ],
  { before: { Environment: 'staging', KeyPair: 'a' }, after: { Environment: 'staging', KeyPair: 'b' } },
);

describe('formatChangePreview', () => {
  it('lists each resource with its action and type, replacement and downtime warnings, then parameters', () => {
    expect(
      formatChangePreview(
        preview,
        { stackName: 'web-staging', description: 'service web in staging' },
        plain,
      ),
    ).toEqual([
      'Changes to web-staging (service web in staging):',
      '  + add     WorkerService  AWS::ECS::Service',
      '  ~ modify  WebService     AWS::ECS::Service  REPLACED',
      '            id: web-svc',
      '            changes: LaunchType',
      '            ! downtime risk: the ECS service is replaced: its running tasks stop before the new service is healthy (downtime)',
      '  - remove  OldTopic       AWS::SNS::Topic',
      'Parameters:',
      '  ~ KeyPair: a → b',
      'Summary: 1 to add, 1 to modify (1 replaced), 1 to remove; 1 parameter changes',
    ]);
  });

  it('shows replacement in red', () => {
    const lines = formatChangePreview(preview, { stackName: 's', description: 'd' }, colored);
    expect(lines[2]).toContain(colored.red(colored.bold('REPLACED')));
  });

  it('says when only outputs or metadata change', () => {
    const empty = buildChangePreview([], { before: {}, after: {} });
    expect(formatChangePreview(empty, { stackName: 's', description: 'd' }, plain)).toEqual([
      'Changes to s (d):',
      '  no resource changes',
      'Summary: 0 to add, 0 to modify, 0 to remove',
    ]);
    expect(previewSummary(empty)).toBe('0 to add, 0 to modify, 0 to remove');
  });
});
