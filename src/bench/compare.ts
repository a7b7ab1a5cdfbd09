import { ConfigError } from "../config/config-error.ts";
import type { BenchReport } from "./bench-report.ts";
import { bootstrapInterval, median, type BootstrapInterval } from "./bootstrap.ts";
import { GATE_METRICS, type GateMetric } from "./gate-metrics.ts";
import { loadPointKey } from "./load-point.ts";
import { mannWhitneyU } from "./mann-whitney.ts";

export type Verdict = "regression" | "improvement" | "no-change" | "inconclusive";

/** Comparison of one metric at one load level. */
export interface MetricComparison {
  readonly metric: string;
  readonly label: string;
  readonly load: string;
  readonly unit: string;
  readonly direction: GateMetric["direction"];
  readonly baselineMedian: number;
  readonly currentMedian: number;
  /** Change of the median, in percent (or percentage points for `errorRate`); positive = larger. */
  readonly changePercent: number;
  readonly changeUnit: "%" | "points";
  readonly interval: BootstrapInterval;
  /** One-sided Mann-Whitney p-value for "current is worse than baseline". */
  readonly pWorse: number;
  /** One-sided Mann-Whitney p-value for "current is better than baseline". */
  readonly pBetter: number;
  /** Smallest p-value the test can return with these trial counts. At or above `alpha` no regression can be found. */
  readonly minimumP: number;
  readonly thresholdPercent: number;
  readonly baselineTrials: number;
  readonly currentTrials: number;
  readonly verdict: Verdict;
  /** Why a metric is inconclusive: too few trials for the test to reach `alpha`. */
  readonly note: string | undefined;
}

export interface CompareOptions {
  /** Significance level of the one-sided test. */
  readonly alpha: number;
  /** Overrides of the thresholds by metric key, in percent. */
  readonly thresholds: Readonly<Record<string, number>>;
  /** Seed of the bootstrap intervals. */
  readonly seed: number;
}

export interface ComparisonResult {
  readonly comparisons: readonly MetricComparison[];
  readonly regressions: readonly MetricComparison[];
  /** Differences between the two runs that weaken the comparison (CPU, Node, settings). */
  readonly warnings: readonly string[];
}

export const DEFAULT_ALPHA = 0.05;

/**
 * Compares two reports of the same scenario, load level by load level. Each metric is taken
 * once per trial, and a metric regresses only when both hold: the one-sided Mann-Whitney U test
 * says current is worse with p < alpha, and the median changed beyond the metric's threshold in
 * the worse direction. Noise alone rarely passes both, and a real slowdown larger than the
 * threshold passes both once each report has enough trials (at least 4 for alpha 0.05).
 * @throws ConfigError for different scenarios, an unknown threshold metric, or reports without
 *   one comparable metric.
 */
export function compareReports(
  baseline: BenchReport,
  current: BenchReport,
  options: CompareOptions,
): ComparisonResult {
  if (baseline.scenario.name !== current.scenario.name) {
    throw new ConfigError(
      `bench compare: BASELINE is scenario "${baseline.scenario.name}" and CURRENT is "${current.scenario.name}". ` +
        "Compare two reports of the same scenario.",
    );
  }
  for (const key of Object.keys(options.thresholds)) {
    if (!GATE_METRICS.some((metric) => metric.key === key)) {
      throw new ConfigError(
        `--threshold: unknown metric "${key}". Known metrics: ${GATE_METRICS.map((metric) => metric.key).join(", ")}.`,
      );
    }
  }

  const warnings = describeDifferences(baseline, current);
  const comparisons: MetricComparison[] = [];
  const currentPoints = new Map(current.points.map((point) => [loadPointKey(point.load), point]));
  for (const basePoint of baseline.points) {
    const currentPoint = currentPoints.get(loadPointKey(basePoint.load));
    if (currentPoint === undefined) {
      warnings.push(`load level "${basePoint.label}" is only in BASELINE and was not compared.`);
      continue;
    }
    currentPoints.delete(loadPointKey(basePoint.load));
    let tooFewTrials = false;
    for (const metric of GATE_METRICS) {
      const before = basePoint.trials.map(metric.value).filter(isNumber);
      const after = currentPoint.trials.map(metric.value).filter(isNumber);
      if (before.length === 0 || after.length === 0) continue;
      const threshold =
        options.thresholds[metric.key] ?? current.settings.thresholds[metric.key] ?? metric.thresholdPercent;
      const comparison = compareMetric(metric, basePoint.label, before, after, threshold, options);
      comparisons.push(comparison);
      if (comparison.minimumP >= options.alpha) tooFewTrials = true;
    }
    if (tooFewTrials) {
      warnings.push(
        `load level "${basePoint.label}" has ${basePoint.trials.length} BASELINE and ${currentPoint.trials.length} CURRENT ` +
          `trials, too few for the test to reach p < ${options.alpha}, so no regression can be found there. ` +
          "Run both with at least 4 trials (--trials 5).",
      );
    }
  }
  for (const point of currentPoints.values())
    warnings.push(`load level "${point.label}" is only in CURRENT and was not compared.`);
  if (comparisons.length === 0) throw nothingComparedError(baseline, current, currentPoints.size);

  return { comparisons, regressions: comparisons.filter((item) => item.verdict === "regression"), warnings };
}

function compareMetric(
  metric: GateMetric,
  load: string,
  before: readonly number[],
  after: readonly number[],
  thresholdPercent: number,
  options: CompareOptions,
): MetricComparison {
  const change = (baseline: readonly number[], current: readonly number[]): number => {
    const baseMedian = median(baseline);
    const currentMedian = median(current);
    if (metric.change === "points") return currentMedian - baseMedian;
    return baseMedian === 0
      ? currentMedian === 0
        ? 0
        : Number.POSITIVE_INFINITY
      : (100 * (currentMedian - baseMedian)) / baseMedian;
  };
  const changePercent = change(before, after);
  const test = mannWhitneyU(before, after);
  const lowerIsBetter = metric.direction === "lower-is-better";
  const pWorse = lowerIsBetter ? test.pGreater : test.pLess;
  const pBetter = lowerIsBetter ? test.pLess : test.pGreater;
  const worseBy = lowerIsBetter ? changePercent : -changePercent;

  let verdict: Verdict = "no-change";
  let note: string | undefined;
  if (pWorse < options.alpha && worseBy > thresholdPercent) verdict = "regression";
  else if (pBetter < options.alpha && -worseBy > thresholdPercent) verdict = "improvement";
  else if (test.minimumP >= options.alpha && Math.abs(worseBy) > thresholdPercent) {
    verdict = "inconclusive";
    note =
      `${before.length} and ${after.length} trials cannot reach p < ${options.alpha}; ` +
      "run at least 4 trials per report (--trials 5)";
  }

  return {
    metric: metric.key,
    label: metric.label,
    load,
    unit: metric.unit,
    direction: metric.direction,
    baselineMedian: metric.display(median(before)),
    currentMedian: metric.display(median(after)),
    changePercent,
    changeUnit: metric.change === "points" ? "points" : "%",
    interval: bootstrapInterval(before, after, change, { seed: options.seed }),
    pWorse,
    pBetter,
    minimumP: test.minimumP,
    thresholdPercent,
    baselineTrials: before.length,
    currentTrials: after.length,
    verdict,
    note,
  };
}

/**
 * Builds the error for two reports without a single comparable metric. A gate that compared
 * nothing must not pass, because a CURRENT run at other load levels or without a measured
 * request would otherwise look like no regression.
 */
function nothingComparedError(
  baseline: BenchReport,
  current: BenchReport,
  unmatchedCurrentPoints: number,
): ConfigError {
  const labels = (report: BenchReport): string =>
    report.points.map((point) => point.label).join(", ") || "none";
  if (unmatchedCurrentPoints === current.points.length) {
    return new ConfigError(
      `bench compare: BASELINE and CURRENT have no load level in common (BASELINE: ${labels(baseline)}; ` +
        `CURRENT: ${labels(current)}), so nothing was compared. Run both with the same --mode, ` +
        "--concurrency, --rate, --arrival or --sweep.",
    );
  }
  return new ConfigError(
    "bench compare: no metric could be compared, because the shared load levels have no measured " +
      "request in BASELINE or CURRENT. Check the run's warnings and failure classes, and rerun with a " +
      "--duration longer than one request.",
  );
}

function describeDifferences(baseline: BenchReport, current: BenchReport): string[] {
  const warnings: string[] = [];
  const pairs: [string, unknown, unknown][] = [
    ["CPU model", baseline.environment.cpuModel, current.environment.cpuModel],
    ["core count", baseline.environment.cores, current.environment.cores],
    ["Node version", baseline.environment.nodeVersion, current.environment.nodeVersion],
    ["engine", baseline.settings.engine, current.settings.engine],
    ["request body", JSON.stringify(baseline.settings.body), JSON.stringify(current.settings.body)],
    ["duration", baseline.settings.durationSeconds, current.settings.durationSeconds],
    ["target", baseline.target.baseUrl.replace(/:\d+/, ""), current.target.baseUrl.replace(/:\d+/, "")],
  ];
  for (const [name, before, after] of pairs) {
    if (before !== after)
      warnings.push(`${name} differs: BASELINE ${String(before)}, CURRENT ${String(after)}.`);
  }
  if (baseline.partial) warnings.push("BASELINE is a partial report.");
  if (current.partial) warnings.push("CURRENT is a partial report.");
  return warnings;
}

function isNumber(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value);
}
