// CloudFormation templates as YAML with the short intrinsic tags (`!Ref`, `!GetAtt A.B`, `!Sub`, ...), the form the
// original printed through cfn-flip, and back: render commands print it, and reviewers and CI diff it.
import YAML from 'yaml';
import type { Template } from './template.js';

const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub',
  'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length']; // prettier-ignore

/** `!Ref` → `Ref`, `!Sub` → `Fn::Sub`: the long-form key of every short tag. */
const LONG_FORM = new Map<string, string>([
  ['Ref', 'Ref'],
  ['Condition', 'Condition'],
  ...FUNCTIONS.map((name): [string, string] => [name, `Fn::${name}`]),
]);
const SHORT_FORM = new Map([...LONG_FORM].map(([short, long]) => [long, short]));

const plain = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && 'toJSON' in value && typeof value.toJSON === 'function'
    ? (value.toJSON as () => unknown)()
    : value;

/** Tags for `YAML.parse`: every short form, on scalars, sequences and mappings, resolved to long-form JSON. */
export const cloudFormationTags: YAML.Tags = [...LONG_FORM].flatMap(([short, long]) => {
  const wrap = (value: unknown): Record<string, unknown> => ({ [long]: plain(value) });
  const scalar =
    short === 'GetAtt'
      ? { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split(/\.(.*)/s, 2) }) }
      : { tag: `!${short}`, resolve: (value: string) => wrap(value) };
  return [
    scalar,
    { tag: `!${short}`, collection: 'seq' as const, resolve: wrap },
    { tag: `!${short}`, collection: 'map' as const, resolve: wrap },
  ] as YAML.Tags;
});

const isString = (value: unknown): value is string => typeof value === 'string';

/** The short-form name of a single-key intrinsic object (`{ "Fn::Sub": ... }` → `Sub`), if it is one. */
function intrinsic(value: unknown): { short: string; argument: unknown } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  const keys = Object.keys(value);
  const short = keys.length === 1 ? SHORT_FORM.get(keys[0] ?? '') : undefined;
  return short === undefined
    ? undefined
    : { short, argument: (value as Record<string, unknown>)[keys[0] ?? ''] };
}

/**
 * Builds a YAML node with short tags. A node carries one tag only, so an intrinsic whose argument is itself an
 * intrinsic keeps the inner one in long form (`!Base64 {Fn::Sub: ...}`), as cfn-flip does.
 */
function toNode(document: YAML.Document, value: unknown, allowTag: boolean): YAML.Node {
  const found = allowTag ? intrinsic(value) : undefined;
  if (found !== undefined) {
    const { short, argument } = found;
    const getAttPair =
      short === 'GetAtt' && Array.isArray(argument) && argument.length === 2 && argument.every(isString)
        ? argument
        : undefined;
    const node =
      getAttPair === undefined
        ? toNode(document, argument, intrinsic(argument) === undefined)
        : document.createNode(getAttPair.join('.'));
    node.tag = `!${short}`;
    return node;
  }
  if (Array.isArray(value)) {
    const sequence = new YAML.YAMLSeq();
    for (const item of value) {
      sequence.items.push(toNode(document, item, true));
    }
    return sequence;
  }
  if (typeof value === 'object' && value !== null) {
    const map = new YAML.YAMLMap();
    for (const [key, item] of Object.entries(value)) {
      map.items.push(new YAML.Pair(document.createNode(key), toNode(document, item, true)));
    }
    return map;
  }
  return document.createNode(value);
}

/** The template as YAML with short intrinsic tags. */
export function templateToYaml(template: Template): string {
  const document = new YAML.Document();
  document.contents = toNode(document, template, true);
  return document.toString({ lineWidth: 0 });
}

/** Parses a YAML (or JSON) template, short tags included, into long-form JSON. */
export function parseTemplateYaml(text: string): Template {
  return YAML.parse(text, { customTags: cloudFormationTags }) as Template;
}
