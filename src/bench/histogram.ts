import * as hdr from "hdr-histogram-js";

/**
 * HDR histograms of durations in microseconds (hdr-histogram-js 3, pure JavaScript build). Three
 * significant digits keep every recorded value within 0.1% of the true one. The range covers 1 µs
 * to one hour, and a larger value grows the histogram (autoResize).
 */
export type Histogram = hdr.Histogram;

const LOWEST_DISCERNIBLE_US = 1;
const HIGHEST_TRACKABLE_US = 3_600_000_000;
const SIGNIFICANT_DIGITS = 3;

export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: LOWEST_DISCERNIBLE_US,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

/** Records a duration given in milliseconds (as `performance.now()` differences are). */
export function recordMilliseconds(histogram: Histogram, milliseconds: number): void {
  histogram.recordValue(Math.max(0, Math.round(milliseconds * 1000)));
}

/** Records a plain count, such as output tokens per request. */
export function recordCount(histogram: Histogram, count: number): void {
  histogram.recordValue(Math.max(0, Math.round(count)));
}

/** Encodes in the standard compressed base64 form ("HISTFAAA..."), readable by every HdrHistogram port. */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  const histogram = hdr.decodeFromCompressedBase64(encoded, 32, false);
  histogram.autoResize = true;
  return histogram;
}

/** Returns a new histogram with the counts of all inputs added. */
export function addHistograms(histograms: readonly Histogram[]): Histogram {
  const sum = createHistogram();
  for (const histogram of histograms) sum.add(histogram);
  return sum;
}

/** Percentiles and moments of one histogram, in the histogram's unit. */
export interface HistogramSummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly stddev: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export const SUMMARY_PERCENTILES = { p50: 50, p90: 90, p95: 95, p99: 99, p999: 99.9 } as const;

/**
 * Summarizes a histogram; every field of an empty histogram is 0. `min` and `max` are the bucket
 * bounds of the smallest and largest recordings (within 0.1%), as the percentiles are, so a
 * summary does not change when the histogram is encoded, decoded or merged.
 */
export function summarizeHistogram(histogram: Histogram): HistogramSummary {
  const count = histogram.totalCount;
  if (count === 0) {
    return { count: 0, min: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  }
  return {
    count,
    min: histogram.getValueAtPercentile(0),
    mean: histogram.mean,
    stddev: histogram.stdDeviation,
    p50: histogram.getValueAtPercentile(SUMMARY_PERCENTILES.p50),
    p90: histogram.getValueAtPercentile(SUMMARY_PERCENTILES.p90),
    p95: histogram.getValueAtPercentile(SUMMARY_PERCENTILES.p95),
    p99: histogram.getValueAtPercentile(SUMMARY_PERCENTILES.p99),
    p999: histogram.getValueAtPercentile(SUMMARY_PERCENTILES.p999),
    max: histogram.getValueAtPercentile(100),
  };
}

/**
 * Returns the percentile curve of a histogram for charts: points at percentiles that crowd towards
 * 100 (0, 50, 75, 87.5, ... 99.9), the usual HDR percentile distribution plot.
 */
export function percentileCurve(histogram: Histogram): { percentile: number; value: number }[] {
  if (histogram.totalCount === 0) return [];
  const points: { percentile: number; value: number }[] = [];
  for (let step = 0; step <= 40; step += 1) {
    // Each step halves the remaining distance to 100 in four sub-steps.
    const percentile = 100 - 100 / 2 ** (step / 4);
    if (percentile > 99.999) break;
    points.push({ percentile, value: histogram.getValueAtPercentile(percentile) });
  }
  points.push({ percentile: 100, value: histogram.getValueAtPercentile(100) });
  return points;
}
