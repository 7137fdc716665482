// Deploy flags as numbers: --timeout durations, counts, and how often ECS is polled.
/** Defaults of deploy_service's waiting flags. */
export const deployDefaults = {
  timeoutMs: 10 * 60 * 1000,
  maxFailedTasks: 3,
  concurrency: 4,
} as const;

/** `600`, `600s`, `10m`, `1h` → milliseconds; undefined when not a positive duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (match === null) {
    return undefined;
  }
  const value = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  const ms = Math.round(value * factor);
  return ms > 0 ? ms : undefined;
}

/** A whole number ≥ `min`, or undefined. */
export function parseCount(text: string, min = 1): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) {
    return undefined;
  }
  const value = Number(text);
  return value >= min ? value : undefined;
}

/**
 * How long to wait before the next ECS poll: every second during the first 15 s (small services settle fast), then
 * every 3 s (ECS changes slowly, and DescribeServices is throttled per account). `overrideMs` fixes the interval.
 */
export function pollDelayMs(elapsedMs: number, overrideMs?: number): number {
  if (overrideMs !== undefined && overrideMs > 0) {
    return overrideMs;
  }
  return elapsedMs < 15_000 ? 1000 : 3000;
}
