// Pure formatting of a progress board (rows with a label, a status, an elapsed time, a colour by status class) and of
// the plain one-line-per-event log used without a terminal. Generic: stack resources and ECS rollouts both use it.
import type { StatusTone } from '../../core/stacks/stack-status.js';
import type { Colors } from '../output.js';
import { formatElapsed } from '../../core/duration.js';

/** One row of a progress board. */
export interface ProgressRow {
  /** Stable identity (a logical id, a service name). */
  id: string;
  label: string;
  /** Secondary text, dimmed (e.g. the resource type). */
  detail?: string;
  /** The status text shown, e.g. `CREATE_IN_PROGRESS` or `2/3 running`. */
  status: string;
  tone: StatusTone;
  /** When the current phase started; elapsed time counts from here. */
  startedAt?: Date;
  /** When the row reached a final state; elapsed time stops here. */
  finishedAt?: Date;
  /** A reason or remark, shown after the status (red for failures). */
  note?: string;
}

/** How to draw a board. */
export interface FrameOptions {
  /** The first line, e.g. `Creating stack cluster-staging (environment staging)`. */
  title: string;
  /** Status shown after the title. */
  titleStatus?: { status: string; tone: StatusTone };
  startedAt: Date;
  now: Date;
  /** Terminal columns; lines are cut to fit so the in-place redraw never wraps. */
  width: number;
  /** Most lines the board may take, title and summary included. */
  maxLines: number;
  colors: Colors;
}

/** A run of text with one style, so truncation can happen before colouring. */
interface Segment {
  text: string;
  style?: (text: string) => string;
}

const icons: Record<StatusTone, string> = {
  active: '•',
  success: '✔',
  failure: '✘',
  rollback: '↺',
  neutral: '-',
};

/** The colour function of a tone. */
export function toneStyle(colors: Colors, tone: StatusTone): (text: string) => string {
  switch (tone) {
    case 'success':
      return colors.green;
    case 'failure':
      return colors.red;
    case 'rollback':
      return colors.yellow;
    case 'active':
      return colors.cyan;
    default:
      return colors.dim;
  }
}

/** Joins segments, cutting the plain text at `width` characters (with an ellipsis), then colours each piece. */
export function fitSegments(segments: readonly Segment[], width: number): string {
  let room = Math.max(1, width);
  const total = segments.reduce((sum, segment) => sum + [...segment.text].length, 0);
  const cutting = total > room;
  if (cutting) {
    room -= 1;
  }
  let out = '';
  for (const segment of segments) {
    if (room <= 0) {
      break;
    }
    const chars = [...segment.text];
    const piece = chars.slice(0, room).join('');
    room -= Math.min(room, chars.length);
    out += segment.style === undefined ? piece : segment.style(piece);
  }
  return cutting ? `${out}…` : out;
}

function elapsedOf(row: ProgressRow, now: Date): string {
  if (row.startedAt === undefined) {
    return '';
  }
  const end = row.finishedAt ?? now;
  return formatElapsed(end.getTime() - row.startedAt.getTime());
}

function rowLine(row: ProgressRow, widths: { label: number; status: number }, options: FrameOptions): string {
  const { colors } = options;
  const style = toneStyle(colors, row.tone);
  const segments: Segment[] = [
    { text: `  ${icons[row.tone]} `, style },
    { text: row.label.padEnd(widths.label) },
    { text: `  ${row.status.padEnd(widths.status)}`, style },
    { text: `  ${elapsedOf(row, options.now).padStart(7)}`, style: colors.dim },
  ];
  if (row.detail !== undefined) {
    segments.splice(2, 0, { text: `  ${row.detail}`, style: colors.dim });
  }
  if (row.note !== undefined && row.note !== '') {
    segments.push({ text: `  ${row.note}`, style: row.tone === 'failure' ? colors.red : colors.dim });
  }
  return fitSegments(segments, options.width - 1);
}

/** Which rows fit: unfinished and failed rows first, then the most recently finished; shown in board order. */
export function visibleRows(rows: readonly ProgressRow[], room: number): ProgressRow[] {
  if (rows.length <= room) {
    return [...rows];
  }
  const urgent = (row: ProgressRow): boolean => row.tone !== 'success' && row.tone !== 'neutral';
  const ranked = rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      if (urgent(a.row) !== urgent(b.row)) {
        return urgent(a.row) ? -1 : 1;
      }
      const timeA = a.row.finishedAt?.getTime() ?? 0;
      const timeB = b.row.finishedAt?.getTime() ?? 0;
      return timeB - timeA || b.index - a.index;
    });
  const keep = new Set(ranked.slice(0, Math.max(0, room)).map((entry) => entry.index));
  return rows.filter((_, index) => keep.has(index));
}

/** `… and 12 more: 10 done, 2 in progress` for the rows a board had no room for. */
export function hiddenSummary(hidden: readonly ProgressRow[]): string {
  const labels: Record<StatusTone, string> = {
    success: 'done',
    active: 'in progress',
    failure: 'failed',
    rollback: 'rolling back',
    neutral: 'other',
  };
  const order: StatusTone[] = ['success', 'active', 'failure', 'rollback', 'neutral'];
  const parts = order
    .map((tone) => ({ tone, count: hidden.filter((row) => row.tone === tone).length }))
    .filter((part) => part.count > 0)
    .map((part) => `${part.count} ${labels[part.tone]}`);
  return `  … and ${hidden.length} more: ${parts.join(', ')}`;
}

/** The lines of one board frame: the title, at most `maxLines - 1` rows, and a summary of the rest. */
export function renderFrame(rows: readonly ProgressRow[], options: FrameOptions): string[] {
  const { colors } = options;
  const titleSegments: Segment[] = [{ text: options.title, style: colors.bold }];
  if (options.titleStatus !== undefined) {
    const { status, tone } = options.titleStatus;
    titleSegments.push({ text: `  ${status}`, style: toneStyle(colors, tone) });
  }
  titleSegments.push({
    text: `  ${formatElapsed(options.now.getTime() - options.startedAt.getTime())}`,
    style: colors.dim,
  });
  const lines = [fitSegments(titleSegments, options.width - 1)];
  const room = rows.length <= options.maxLines - 1 ? rows.length : options.maxLines - 2;
  const shown = visibleRows(rows, room);
  const widths = {
    label: Math.min(40, Math.max(0, ...shown.map((row) => row.label.length))),
    status: Math.max(0, ...shown.map((row) => row.status.length)),
  };
  for (const row of shown) {
    lines.push(rowLine(row, widths, options));
  }
  if (shown.length < rows.length) {
    const hidden = rows.filter((row) => !shown.includes(row));
    lines.push(fitSegments([{ text: hiddenSummary(hidden), style: colors.dim }], options.width - 1));
  }
  return lines;
}

/** One plain log line for a row update: `[   12s] label  detail  STATUS  note`, time counted from `origin`. */
export function formatPlainLine(row: ProgressRow, at: Date, origin: Date, colors: Colors): string {
  const style = toneStyle(colors, row.tone);
  const parts = [
    colors.dim(`[${formatElapsed(at.getTime() - origin.getTime()).padStart(6)}]`),
    row.label,
    ...(row.detail === undefined ? [] : [colors.dim(row.detail)]),
    style(row.status),
  ];
  if (row.note !== undefined && row.note !== '') {
    parts.push(row.tone === 'failure' ? colors.red(row.note) : colors.dim(row.note));
  }
  return `  ${parts.join('  ')}`;
}
