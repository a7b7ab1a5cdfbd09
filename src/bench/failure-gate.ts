import { ConfigError } from "../config/config-error.ts";
import type { BenchReport, LoadPointResult } from "./bench-report.ts";
import { requestCounts } from "./gate-metrics.ts";
import { FAILURE_KINDS } from "./request-outcome.ts";

/** Default of `--max-failure-rate`: a run with more than 1% failed requests at a load level fails. */
export const DEFAULT_MAX_FAILURE_PERCENT = 1;

/** Digits of the failure share in messages: at least two, more when two would hide a breach. */
const MIN_PERCENT_DIGITS = 2;
const MAX_PERCENT_DIGITS = 6;

/** A load level that fails the run: too many failed requests, or no measured request at all. */
export interface GateViolation {
  readonly label: string;
  /** Requests sent in the measured time, autocannon's lost ones included. */
  readonly sent: number;
  /** Failed requests, autocannon's lost ones included. */
  readonly failed: number;
  readonly percent: number;
  /** Failure classes with their counts, largest first, such as "timeout 12, http-status 3". */
  readonly classes: string;
  /** True when the level measured no response, so it has no figures at all. */
  readonly unmeasured: boolean;
}

/** Result of the run's gate: the allowed share and the levels that fail it. */
export interface GateResult {
  readonly maxFailurePercent: number;
  readonly violations: readonly GateViolation[];
}

/** Parses `--max-failure-rate`: a decimal percentage from 0 to 100, with or without a "%" sign. */
export function parseMaxFailurePercent(value: string): number {
  const text = value.trim();
  const percent = Number(text.endsWith("%") ? text.slice(0, -1) : text);
  if (!/^\d+(\.\d+)?%?$/.test(text) || percent > 100) {
    throw new ConfigError(
      `--max-failure-rate: invalid value "${value}". Use a percentage from 0 to 100, such as 1 or 0.5. ` +
        "100 never fails the run on failed requests.",
    );
  }
  return percent;
}

/**
 * Checks every load level of a finished run. A level fails when its failed requests exceed
 * `maxPercent` of those sent, over all its trials, or when it measured no response. autocannon's
 * lost requests (unanswered beyond one per connection) count as sent and failed. A partial run
 * (stopped by a signal) is not judged, because its last level was cut short on purpose.
 */
export function checkFailureGate(report: BenchReport, maxPercent: number): GateResult {
  const violations: GateViolation[] = [];
  if (report.partial) return { maxFailurePercent: maxPercent, violations };
  for (const point of report.points) {
    const violation = judgePoint(point, maxPercent);
    if (violation !== undefined) violations.push(violation);
  }
  return { maxFailurePercent: maxPercent, violations };
}

function judgePoint(point: LoadPointResult, maxPercent: number): GateViolation | undefined {
  const { counts } = point.combined;
  const { sent, failed, lost } = requestCounts(point.combined);
  const classCounts: [string, number][] = FAILURE_KINDS.map((kind) => [kind, counts.failures[kind]]);
  classCounts.push(["unanswered", lost]);
  const classes = classCounts
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${kind} ${count}`)
    .join(", ");
  const unmeasured = counts.succeeded === 0 && counts.failed === 0;
  const percent = sent === 0 ? 0 : (100 * failed) / sent;
  if (!unmeasured && percent <= maxPercent) return undefined;
  return { label: point.label, sent, failed, percent, classes, unmeasured };
}

/**
 * Formats a failure-rate violation as one line that names the level, the share, the failure
 * classes and the report to read. Unmeasured levels have messages of their own in the CLI.
 */
export function formatFailureRateViolation(
  violation: GateViolation,
  maxPercent: number,
  reportPath: string,
): string {
  return (
    `${violation.label}: ${violation.failed} of ${violation.sent} requests failed ` +
    `(${formatShare(violation.percent, maxPercent)}%, allowed ${maxPercent}%; ${violation.classes}). ` +
    `The failure table of ${reportPath} gives an example of each class. Fix the target, or raise ` +
    "--max-failure-rate if these failures are expected."
  );
}

/** Formats the share with enough digits that a share above the limit does not print as equal. */
function formatShare(percent: number, maxPercent: number): string {
  let digits = MIN_PERCENT_DIGITS;
  while (digits < MAX_PERCENT_DIGITS && Number(percent.toFixed(digits)) <= maxPercent) digits += 1;
  return percent.toFixed(digits);
}
