// What a template difference does to a stack on update, from where it is and CloudFormation's create-only
// properties: a resource replaced, modified in place, added or removed, or nothing (outputs, metadata).
import type { TemplateDifference } from './compare.js';

/** The effect of one difference on the stack it is applied to. */
export type UpdateEffect = 'none' | 'modifies' | 'replaces' | 'adds' | 'removes';

/**
 * Classifies a difference (original → ours) as an update of the original's stack would apply it. `types` maps
 * logical ids to resource types; `createOnly` maps types to their create-only property paths (`/properties/X`).
 * Metadata changes are applied only together with a real change and never replace anything; outputs change nothing.
 */
export function effectOf(
  difference: TemplateDifference,
  types: Readonly<Record<string, string>>,
  createOnly: Readonly<Record<string, readonly string[]>>,
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
    const type = types[id] ?? '';
    return (createOnly[type] ?? []).includes(`/properties/${property}`) ? 'replaces' : 'modifies';
  }
  return 'modifies';
}
