// Boxed tables for change previews and listings (cli-table3, which replaces the original's terminaltables).
import Table from 'cli-table3';
import type { Colors } from './output.js';

/** Per-cell colouring: return a colour function for a cell, or undefined to leave it plain. */
export type CellColor = (row: readonly string[], column: number) => ((text: string) => string) | undefined;

/**
 * Renders `rows` under `head` as a boxed table and returns the text (no trailing newline). Colours come from the
 * run's `Colors`, so `--no-color`/NO_COLOR switch them off; the header is bold.
 */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  colors: Colors,
  cellColor?: CellColor,
): string {
  // cli-table3's own colour support is switched off (it would ignore NO_COLOR); compact: no line between rows.
  const table = new Table({
    head: head.map((title) => colors.bold(title)),
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) {
    table.push(row.map((cell, column) => cellColor?.(row, column)?.(cell) ?? cell));
  }
  return table.toString();
}
