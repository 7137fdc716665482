// Pure formatting of a change-set preview: one line per resource (+ add, ~ modify, - remove), replacements in red,
// downtime warnings under their row, then the parameter changes and a one-line summary.
import type { ChangePreview, PreviewAction, PreviewRow } from '../../core/stacks/change-preview.js';
import type { Colors } from '../output.js';

const symbols: Record<PreviewAction, string> = {
  add: '+',
  modify: '~',
  remove: '-',
  import: '>',
  other: '?',
};

function actionStyle(colors: Colors, action: PreviewAction): (text: string) => string {
  switch (action) {
    case 'add':
      return colors.green;
    case 'remove':
      return colors.red;
    case 'modify':
      return colors.yellow;
    default:
      return colors.cyan;
  }
}

function rowLines(row: PreviewRow, widths: { id: number; type: number }, colors: Colors): string[] {
  const style = actionStyle(colors, row.action);
  let line = `  ${style(`${symbols[row.action]} ${row.action.padEnd(6)}`)}  ${row.logicalId.padEnd(widths.id)}  ${colors.dim(
    row.resourceType.padEnd(widths.type),
  )}`;
  if (row.replacement === 'yes') {
    line += `  ${colors.red(colors.bold('REPLACED'))}`;
  } else if (row.replacement === 'conditional') {
    line += `  ${colors.red('may be replaced')}`;
  }
  const lines = [line.trimEnd()];
  const indent = ' '.repeat(12);
  if (row.physicalId !== undefined) {
    lines.push(`${indent}${colors.dim(`id: ${row.physicalId}`)}`);
  }
  if (row.changed.length > 0) {
    lines.push(`${indent}${colors.dim(`changes: ${row.changed.join(', ')}`)}`);
  }
  for (const risk of row.risks) {
    lines.push(`${indent}${colors.red(`! downtime risk: ${risk}`)}`);
  }
  return lines;
}

/** `2 to add, 1 to modify (1 replaced), 0 to remove; 1 parameter changes`. */
export function previewSummary(preview: ChangePreview): string {
  const { add, modify, remove, replace } = preview.counts;
  const replaced = replace > 0 ? ` (${replace} replaced)` : '';
  const parameters =
    preview.parameters.length === 0
      ? ''
      : `; ${preview.parameters.length} parameter${preview.parameters.length === 1 ? '' : 's'} change${
          preview.parameters.length === 1 ? 's' : ''
        }`;
  return `${add} to add, ${modify} to modify${replaced}, ${remove} to remove${parameters}`;
}

/** The preview lines for a stack, headed by `Changes to <stack> (<description>):`. */
export function formatChangePreview(
  preview: ChangePreview,
  stack: { stackName: string; description: string },
  colors: Colors,
): string[] {
  const lines = [colors.bold(`Changes to ${stack.stackName} (${stack.description}):`)];
  const widths = {
    id: Math.max(0, ...preview.rows.map((row) => row.logicalId.length)),
    type: Math.max(0, ...preview.rows.map((row) => row.resourceType.length)),
  };
  if (preview.rows.length === 0) {
    lines.push(colors.dim('  no resource changes'));
  }
  for (const row of preview.rows) {
    lines.push(...rowLines(row, widths, colors));
  }
  if (preview.parameters.length > 0) {
    lines.push(colors.bold('Parameters:'));
    for (const change of preview.parameters) {
      const before = change.before === undefined ? colors.dim('(new)') : change.before;
      const after = change.after === undefined ? colors.dim('(removed)') : change.after;
      lines.push(`  ${colors.yellow('~')} ${change.name}: ${before} → ${after}`);
    }
  }
  lines.push(`Summary: ${previewSummary(preview)}`);
  return lines;
}
