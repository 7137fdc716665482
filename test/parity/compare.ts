// Compares two CloudFormation templates section by section, resource by resource and property by property, and
// returns every leaf that differs: a value of another type or content, a property one side lacks, a resource or
// output only one side has. Strict on JSON types ('true' is not true) and on list order (tags, containers).

/** One difference, at a `/`-joined path such as `Resources/WebTaskDefinition/Properties/ContainerDefinitions/0/Essential`. */
export interface TemplateDifference {
  path: string;
  /** The original's value at that path; undefined when the original has nothing there. */
  original: unknown;
  /** Ours; undefined when we have nothing there. */
  ours: unknown;
}

/** Rewrites a value before it is compared (e.g. parses a JSON string output), by path. */
export type Normalizer = (path: string, value: unknown) => unknown;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function walk(path: string, original: unknown, ours: unknown, found: TemplateDifference[]): void {
  if (isObject(original) && isObject(ours)) {
    for (const key of new Set([...Object.keys(original), ...Object.keys(ours)])) {
      walk(`${path}/${key}`, original[key], ours[key], found);
    }
    return;
  }
  if (Array.isArray(original) && Array.isArray(ours)) {
    for (let index = 0; index < Math.max(original.length, ours.length); index += 1) {
      walk(`${path}/${index}`, original[index], ours[index], found);
    }
    return;
  }
  if (JSON.stringify(original) !== JSON.stringify(ours)) {
    found.push({ path, original, ours });
  }
}

/** Applies `normalize` to every node, depth first (a rewritten node is not descended into again). */
function normalizeTree(path: string, value: unknown, normalize: Normalizer): unknown {
  const rewritten = normalize(path, value);
  if (rewritten !== value) {
    return rewritten;
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => normalizeTree(`${path}/${index}`, item, normalize));
  }
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, normalizeTree(`${path}/${key}`, item, normalize)]),
    );
  }
  return value;
}

/**
 * Every difference between the original's template and ours, after `normalize` rewrote both (masking run-specific
 * values). A resource or output present on one side only is one difference at its own path, not one per property.
 */
export function compareTemplates(
  original: object,
  ours: object,
  normalize: Normalizer = (_path, value) => value,
): TemplateDifference[] {
  const left = normalizeTree('', original, normalize) as Record<string, unknown>;
  const right = normalizeTree('', ours, normalize) as Record<string, unknown>;
  const found: TemplateDifference[] = [];
  for (const section of new Set([...Object.keys(left), ...Object.keys(right)])) {
    const a = left[section];
    const b = right[section];
    if (isObject(a) && isObject(b) && ['Resources', 'Outputs', 'Parameters'].includes(section)) {
      for (const id of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (a[id] === undefined || b[id] === undefined) {
          found.push({ path: `${section}/${id}`, original: a[id], ours: b[id] });
        } else {
          walk(`${section}/${id}`, a[id], b[id], found);
        }
      }
    } else {
      walk(section, a, b, found);
    }
  }
  return found;
}
