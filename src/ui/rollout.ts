// Rollout output: one line per thing that happens, prefixed with the service name in its own colour, so several
// services deploying at once stay readable in a terminal and in CI logs alike; then a summary table.
import type { Progress, ServiceEvent, ServiceOutcome } from '../core/release/deploy-verdict.js';
import { cleanEventMessage } from '../core/release/deploy-verdict.js';
import { failureHint } from '../core/release/stopped-task.js';
import type { TaskFailure } from '../core/release/stopped-task.js';
import type { Colors, Ui } from './output.js';
import { formatElapsed } from '../core/duration.js';
import { renderTable } from './tables.js';

/** The colours services cycle through (red and green are kept for verdicts). */
const palette = ['blue', 'magenta', 'cyan', 'yellow', 'white'] as const;

/** One service's result, for the summary. */
export interface ServiceSummary {
  name: string;
  outcome: ServiceOutcome;
  taskDefinition?: string;
  elapsedMs?: number;
}

/** Words for each outcome. */
export const outcomeLabels: Record<ServiceOutcome['kind'], string> = {
  succeeded: 'deployed',
  unchanged: 'unchanged',
  failed: 'FAILED',
  'rolled-back': 'ROLLED BACK',
  'timed-out': 'TIMED OUT',
  unplaceable: 'CANNOT PLACE TASKS',
  interrupted: 'still rolling (stopped waiting)',
  'not-started': 'not started',
};

/** Prints the progress of several services' rollouts. */
export class RolloutView {
  private readonly width: number;
  private readonly colorOf = new Map<string, (text: string) => string>();
  private readonly lastProgress = new Map<string, string>();

  constructor(
    private readonly ui: Ui,
    names: readonly string[],
  ) {
    this.width = Math.max(...names.map((name) => name.length), 1);
    names.forEach((name, index) => {
      const colour = palette[index % palette.length] ?? 'white';
      this.colorOf.set(name, ui.colors[colour]);
    });
  }

  private get colors(): Colors {
    return this.ui.colors;
  }

  /** A line for one service. */
  line(name: string, text: string): void {
    const paint = this.colorOf.get(name) ?? ((value: string) => value);
    this.ui.info(`${paint(this.colors.bold(name.padEnd(this.width)))} │ ${text}`);
  }

  started(name: string, taskDefinition: string, desiredCount: number): void {
    this.line(
      name,
      `rolling out ${shortArn(taskDefinition)} (${desiredCount} task${desiredCount === 1 ? '' : 's'})`,
    );
  }

  event(name: string, event: ServiceEvent): void {
    this.line(name, this.colors.dim(cleanEventMessage(event.message)));
  }

  /** The counts, only when they changed. */
  progress(name: string, progress: Progress): void {
    const text =
      progress.rolloutState === undefined ? progress.text : `${progress.text} (${progress.rolloutState})`;
    if (this.lastProgress.get(name) === text) {
      return;
    }
    this.lastProgress.set(name, text);
    this.line(name, text);
  }

  taskFailed(name: string, failure: TaskFailure): void {
    this.line(name, this.colors.red(`✘ task ${failure.taskId} stopped: ${failure.summary}`));
    this.line(name, this.colors.dim(`  ${failure.detail}`));
  }

  /** The last log lines of a failed container; `undefined` when the log stream does not exist. */
  logs(name: string, failure: TaskFailure, source: string, lines: readonly string[] | undefined): void {
    if (lines === undefined || lines.length === 0) {
      const why = lines === undefined ? 'no log stream' : 'an empty log stream';
      this.line(name, this.colors.dim(`  ${why} ${source}: the container wrote nothing before it stopped`));
      return;
    }
    this.line(name, `last ${lines.length} log lines of ${failure.container ?? 'the container'} (${source}):`);
    for (const text of lines) {
      this.line(name, this.colors.dim(`  ${text}`));
    }
  }

  /** The final line of one service. */
  finished(name: string, outcome: ServiceOutcome): void {
    const label = outcomeLabels[outcome.kind];
    switch (outcome.kind) {
      case 'succeeded':
        this.line(name, this.colors.green(`✔ ${label}: ${outcome.progress.text}`));
        return;
      case 'unchanged':
      case 'not-started':
        this.line(name, label);
        return;
      case 'interrupted':
        this.line(
          name,
          this.colors.yellow(`! ${label}${outcome.progress ? `: ${outcome.progress.text}` : ''}`),
        );
        return;
      case 'timed-out':
        this.line(name, this.colors.red(`✘ ${label}: ${outcome.progress.text}`));
        return;
      case 'failed':
      case 'rolled-back':
        this.line(name, this.colors.red(`✘ ${label}: ${outcome.reason}`));
        for (const category of new Set(outcome.failures.map((f) => f.category))) {
          const image = outcome.failures.find((f) => f.category === category && f.image !== undefined)?.image;
          this.line(name, this.colors.yellow(`  ${failureHint(category, image)}`));
        }
        return;
      case 'unplaceable':
        this.line(name, this.colors.red(`✘ ${label}: ${outcome.reason}`));
        return;
    }
  }

  /** The table of every service's result. */
  summary(results: readonly ServiceSummary[]): void {
    const rows = results.map((result) => [
      result.name,
      outcomeLabels[result.outcome.kind],
      detailOf(result.outcome),
      result.taskDefinition === undefined ? '-' : shortArn(result.taskDefinition),
      result.elapsedMs === undefined ? '-' : formatElapsed(result.elapsedMs),
    ]);
    const good = new Set(['deployed', 'unchanged']);
    this.ui.info(
      renderTable(
        ['Service', 'Result', 'Detail', 'Task definition', 'Time'],
        rows,
        this.colors,
        (row, column) => {
          if (column !== 1) {
            return undefined;
          }
          return good.has(row[1] ?? '') ? this.colors.green : this.colors.red;
        },
      ),
    );
  }
}

function detailOf(outcome: ServiceOutcome): string {
  switch (outcome.kind) {
    case 'failed':
    case 'rolled-back':
    case 'unplaceable':
      return truncate(outcome.reason, 70);
    case 'succeeded':
    case 'timed-out':
      return outcome.progress.text;
    case 'interrupted':
      return outcome.progress?.text ?? '';
    case 'unchanged':
      return 'already runs this image and configuration';
    case 'not-started':
      return 'stopped before its turn';
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `arn:aws:ecs:...:task-definition/WebFamily:7` → `WebFamily:7`. */
export function shortArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
