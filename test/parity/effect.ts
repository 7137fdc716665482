// What a template difference does to a stack on update, from where it is and CloudFormation's create-only
// properties: a resource replaced (or conditionally), modified in place, added or removed, or nothing (outputs,
// metadata).
import type { TemplateDifference } from './compare.js';
import type { CreateOnly } from './python.js';

/**
 * The effect of one difference on the stack it is applied to; `conditional`: a conditionally create-only property,
 * for which DescribeChangeSet says `Replacement: Conditional`.
 */
export type UpdateEffect = 'none' | 'modifies' | 'conditional' | 'replaces' | 'adds' | 'removes';

/**
 * Classifies a difference (original → ours) as an update of the original's stack would apply it. `types` maps
 * logical ids to resource types; `createOnly` maps types to their create-only property paths (`/properties/X`).
 * Metadata changes are applied only together with a real change and never replace anything; outputs change nothing.
 */
export function effectOf(
  difference: TemplateDifference,
  types: Readonly<Record<string, string>>,
  createOnly: Readonly<Record<string, CreateOnly>>,
): UpdateEffect {
  const [section, id, attribute, property] = difference.path.split('/');
  if (section === 'Outputs' || section === 'Metadata') {
    return 'none';
  }
  if (section !== 'Resources' || id === undefined) {
    return 'modifies';
  }
  if (attribute === undefined) {
    return difference.original === undefined ? 'adds' : 'removes';
  }
  if (attribute === 'Metadata') {
    return 'none';
  }
  if (attribute === 'Properties' && property !== undefined) {
    const lists = createOnly[types[id] ?? ''];
    const path = `/properties/${property}`;
    if (lists?.always.includes(path) === true) {
      return 'replaces';
    }
    return lists?.conditional.includes(path) === true ? 'conditional' : 'modifies';
  }
  return 'modifies';
}
