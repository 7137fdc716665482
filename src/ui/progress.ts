// Live progress: on a terminal a board of rows redrawn in place (at most ~24 lines); otherwise one plain line per
// update, for CI logs. Generic rows (label, status, elapsed, colour by status class); StackProgress feeds it stack
// events, and the deploy watcher can feed it ECS rollouts the same way.
import type { StackEvent, StatusTone } from '../core/stacks/stack-status.js';
import { statusTone } from '../core/stacks/stack-status.js';
import type { Ui } from './output.js';
import { formatPlainLine, renderFrame } from './format/progress.js';
import type { ProgressRow } from './format/progress.js';
import { stackEventRow } from './format/stack-events.js';

export type { ProgressRow } from './format/progress.js';

/** How a board looks. */
export interface BoardOptions {
  title: string;
  /** The clock used for elapsed times. */
  now: () => Date;
  /** @default 24 */
  maxLines?: number;
}

const hideCursor = '\x1b[?25l';
const showCursor = '\x1b[?25h';

/** A set of rows shown live on a terminal, or logged line by line without one. */
export class ProgressBoard {
  private readonly rows = new Map<string, ProgressRow>();
  private titleStatus: { status: string; tone: StatusTone } | undefined;
  private drawn = 0;
  private closed = false;
  private readonly startedAt: Date;

  constructor(
    private readonly ui: Ui,
    private readonly options: BoardOptions,
  ) {
    this.startedAt = options.now();
    if (!this.isLive) {
      ui.step(options.title);
    }
  }

  /** True when the board redraws in place (a colour terminal on stderr). */
  get isLive(): boolean {
    return this.ui.isLiveTerminal;
  }

  /** Sets the status shown next to the title. */
  setTitleStatus(status: string, tone: StatusTone): void {
    this.titleStatus = { status, tone };
  }

  /** The current row with this id. */
  row(id: string): ProgressRow | undefined {
    return this.rows.get(id);
  }

  /** Adds or replaces a row; without a terminal, logs it as one line timed from `origin`. */
  update(row: ProgressRow, at: Date, origin: Date): void {
    this.rows.set(row.id, row);
    if (!this.isLive && !this.closed) {
      this.ui.info(formatPlainLine(row, at, origin, this.ui.colors));
    }
  }

  /** Logs a line that is not a row (without a terminal only; the live board shows rows and the title). */
  log(row: ProgressRow, at: Date, origin: Date): void {
    if (!this.isLive && !this.closed) {
      this.ui.info(formatPlainLine(row, at, origin, this.ui.colors));
    }
  }

  /** Redraws the board in place (live only): elapsed times move even when nothing else changed. */
  refresh(): void {
    if (!this.isLive || this.closed) {
      return;
    }
    const lines = renderFrame([...this.rows.values()], {
      title: this.options.title,
      ...(this.titleStatus === undefined ? {} : { titleStatus: this.titleStatus }),
      startedAt: this.startedAt,
      now: this.options.now(),
      width: this.ui.width,
      maxLines: this.options.maxLines ?? 24,
      colors: this.ui.colors,
    });
    const erase = this.drawn > 0 ? `\x1b[${this.drawn}A\r\x1b[J` : hideCursor;
    this.ui.raw(`${erase}${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  /**
   * Stops the board. `redraw: false` leaves the last frame as it is: after Ctrl-C other lines were printed below it,
   * and moving the cursor up would overwrite them.
   */
  close(options: { redraw?: boolean } = {}): void {
    if (this.closed) {
      return;
    }
    if (this.isLive) {
      if (options.redraw !== false) {
        this.refresh();
      }
      this.ui.raw(showCursor);
    }
    this.closed = true;
  }
}

/** Renders a stack's events on a ProgressBoard: one row per resource, the stack's own status in the title. */
export class StackProgress {
  private readonly board: ProgressBoard;
  private origin: Date | undefined;

  constructor(
    ui: Ui,
    private readonly stackName: string,
    options: BoardOptions,
  ) {
    this.board = new ProgressBoard(ui, options);
  }

  /** Shows new events, oldest first. */
  onEvents(events: readonly StackEvent[]): void {
    for (const event of events) {
      this.origin ??= event.timestamp;
      const previous = this.rowOf(event.logicalId);
      const row = stackEventRow(event, previous);
      if (event.logicalId === this.stackName) {
        this.board.setTitleStatus(event.status, row.tone);
        this.board.log(row, event.timestamp, this.origin);
      } else {
        this.board.update(row, event.timestamp, this.origin);
      }
    }
  }

  /** Shows the stack's current status (from DescribeStacks) next to the title. */
  onStatus(status: string): void {
    this.board.setTitleStatus(status, statusTone(status));
  }

  /** Redraws (live only). */
  refresh(): void {
    this.board.refresh();
  }

  /** Stops drawing; see ProgressBoard.close. */
  close(options: { redraw?: boolean } = {}): void {
    this.board.close(options);
  }

  private rowOf(id: string): ProgressRow | undefined {
    return this.board.row(id);
  }
}
