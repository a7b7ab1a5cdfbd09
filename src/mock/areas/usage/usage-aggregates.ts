import type { LLMUsageMetric } from "../../usage-recording.ts";

/** Totals of a set of usage rows. */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  callCount: number;
  errorCount: number;
  durationMsTotal: number;
}

/** Bucket sizes of the timeseries and billing views. */
export type BucketSize = "hour" | "day" | "month";

function emptyTotals(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, callCount: 0, errorCount: 0, durationMsTotal: 0 };
}

function addRow(totals: UsageTotals, row: LLMUsageMetric): void {
  totals.inputTokens += row.inputTokens ?? 0;
  totals.outputTokens += row.outputTokens ?? 0;
  totals.callCount += 1;
  if (row.error !== undefined) totals.errorCount += 1;
  totals.durationMsTotal += Math.max(0, row.endTime - row.startTime);
}

/** Sums `rows`; a null token count counts as 0 and `durationMsAvg` is rounded to whole ms. */
export function summarize(rows: readonly LLMUsageMetric[]): UsageTotals & { durationMsAvg: number } {
  const totals = emptyTotals();
  for (const row of rows) addRow(totals, row);
  const durationMsAvg = totals.callCount === 0 ? 0 : Math.round(totals.durationMsTotal / totals.callCount);
  return { ...totals, durationMsAvg };
}

/** Sums the rows per model name, sorted by model name. */
export function totalsByModel(rows: readonly LLMUsageMetric[]): (UsageTotals & { modelName: string })[] {
  const groups = new Map<string, UsageTotals>();
  for (const row of rows) {
    const totals = groups.get(row.modelName) ?? emptyTotals();
    addRow(totals, row);
    groups.set(row.modelName, totals);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([modelName, totals]) => ({ modelName, ...totals }));
}

/** Sums the rows per time bucket that has calls, oldest bucket first. */
export function totalsByBucket(
  rows: readonly LLMUsageMetric[],
  size: BucketSize,
): (UsageTotals & { bucketStartMs: number })[] {
  const groups = new Map<number, UsageTotals>();
  for (const row of rows) {
    const bucket = bucketStart(row.startTime, size);
    const totals = groups.get(bucket) ?? emptyTotals();
    addRow(totals, row);
    groups.set(bucket, totals);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucketStartMs, totals]) => ({ bucketStartMs, ...totals }));
}

/** Sums the rows per model and time bucket, sorted by model name, then oldest bucket first. */
export function totalsByModelAndBucket(
  rows: readonly LLMUsageMetric[],
  size: BucketSize,
): (UsageTotals & { modelName: string; bucketStartMs: number })[] {
  return totalsByModel(rows).flatMap(({ modelName }) =>
    totalsByBucket(
      rows.filter((row) => row.modelName === modelName),
      size,
    ).map((bucket) => ({ modelName, ...bucket })),
  );
}

/**
 * Returns the start of the UTC hour, day or month that contains `time` (Unix ms).
 * NOTE: the reference pages do not name the time zone of the buckets; the mock uses UTC.
 */
export function bucketStart(time: number, size: BucketSize): number {
  const date = new Date(time);
  switch (size) {
    case "hour":
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours());
    case "day":
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    case "month":
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  }
}
