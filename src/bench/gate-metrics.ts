import type { MetricName, TrialResult } from "./trial-result.ts";

export type Direction = "lower-is-better" | "higher-is-better";

/**
 * A metric that `bench compare` checks, taken once per trial. `change` is how a difference is
 * measured: `relative` in percent of the baseline median, `points` in percentage points (for
 * rates that are often 0, where a relative change is undefined).
 */
export interface GateMetric {
  readonly key: string;
  readonly label: string;
  readonly direction: Direction;
  readonly change: "relative" | "points";
  /** Default regression threshold, in percent or percentage points. */
  readonly thresholdPercent: number;
  /** Unit of the values shown, after `display` is applied. */
  readonly unit: string;
  readonly value: (trial: TrialResult) => number | undefined;
  readonly display: (value: number) => number;
}

const toMs = (microseconds: number): number => microseconds / 1000;
const same = (value: number): number => value;

function percentile(
  name: MetricName,
  field: "p50" | "p99",
  label: string,
  thresholdPercent: number,
): GateMetric {
  return {
    key: `${name}.${field}`,
    label,
    direction: "lower-is-better",
    change: "relative",
    thresholdPercent,
    unit: "ms",
    value: (trial) => {
      const summary = trial.metrics[name]?.summary;
      return summary === undefined || summary.count === 0 ? undefined : summary[field];
    },
    display: toMs,
  };
}

/**
 * The metrics of the regression gate. Medians get a 5% threshold, so a 10% slowdown fails; tails
 * (p99) move more between runs on a shared machine and get 15%. Scenario files and
 * `--threshold KEY=PERCENT` override these defaults.
 */
export const GATE_METRICS: readonly GateMetric[] = [
  percentile("ttft", "p50", "TTFT p50", 5),
  percentile("ttft", "p99", "TTFT p99", 15),
  percentile("itl", "p50", "ITL p50", 5),
  percentile("tpot", "p50", "TPOT p50", 5),
  percentile("e2e", "p50", "E2E p50", 5),
  percentile("e2e", "p99", "E2E p99", 15),
  {
    key: "requestsPerSec",
    label: "Requests/s",
    direction: "higher-is-better",
    change: "relative",
    thresholdPercent: 5,
    unit: "req/s",
    value: (trial) => (trial.counts.sent === 0 ? undefined : trial.throughput.requestsPerSec),
    display: same,
  },
  {
    key: "outputTokensPerSec",
    label: "Output tokens/s",
    direction: "higher-is-better",
    change: "relative",
    thresholdPercent: 5,
    unit: "tokens/s",
    value: (trial) => (trial.outputTokens.total === 0 ? undefined : trial.throughput.outputTokensPerSec),
    display: same,
  },
  {
    key: "goodputPerSec",
    label: "Goodput",
    direction: "higher-is-better",
    change: "relative",
    thresholdPercent: 5,
    unit: "req/s",
    value: (trial) => (trial.counts.sent === 0 ? undefined : trial.throughput.goodputPerSec),
    display: same,
  },
  {
    key: "errorRate",
    label: "Failed requests",
    direction: "lower-is-better",
    change: "points",
    thresholdPercent: 1,
    unit: "%",
    value: failedPercent,
    display: same,
  },
];

/**
 * Returns the sent and failed requests of a trial or a load level, counting autocannon's lost
 * requests (unanswered beyond one per connection) as both, so that a target dropping requests
 * shows as failing. `bench compare` and the failure gate of `bench run` share these counts.
 */
export function requestCounts(trial: TrialResult): { sent: number; failed: number; lost: number } {
  const lost = trial.autocannon?.lost ?? 0;
  return { sent: trial.counts.sent + lost, failed: trial.counts.failed + lost, lost };
}

/** Returns the share of failed requests in percent, or undefined when nothing was sent. */
function failedPercent(trial: TrialResult): number | undefined {
  const { sent, failed } = requestCounts(trial);
  return sent === 0 ? undefined : (100 * failed) / sent;
}
