// Resource tags in a fixed order, for both templates. CDK's tag manager sorts tags by key (case-insensitively, so
// `environment` before `Team`), while the original kept its own order; a reordered tag list shows up as a
// modification of every tagged resource in the first change set of a stack the original created.
import type * as CdkLib from 'aws-cdk-lib';

/** A tag as `[key, value]`. */
export type TagPair = readonly [string, string];

/** Sets a resource's tags in exactly the given order (bypassing CDK's sorted tag manager). */
export function setTags(
  resource: CdkLib.CfnResource,
  pairs: readonly TagPair[],
  options: { propagateAtLaunch?: boolean } = {},
): void {
  const propagate = options.propagateAtLaunch === true ? { PropagateAtLaunch: true } : {};
  resource.addPropertyOverride(
    'Tags',
    pairs.map(([key, value]) => ({ ...propagate, Key: key, Value: value })),
  );
}
