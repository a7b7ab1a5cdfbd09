import { ConfigError } from "../config/config-error.ts";
import type { BenchReport } from "./bench-report.ts";
import { FAILURE_KINDS } from "./request-outcome.ts";

/** Default of `--max-failure-rate`: a run with more than 1% failed requests at a load level fails. */
export const DEFAULT_MAX_FAILURE_PERCENT = 1;

/** A load level whose failed requests exceed the allowed share. */
export interface FailureRateViolation {
  readonly label: string;
  readonly sent: number;
  readonly failed: number;
  readonly percent: number;
  /** Failure classes with their counts, largest first, such as "timeout 12, http-status 3". */
  readonly classes: string;
}

/** Parses `--max-failure-rate`: a percentage from 0 to 100. */
export function parseMaxFailurePercent(value: string): number {
  const percent = Number(value);
  if (value.trim() === "" || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new ConfigError(
      `--max-failure-rate: invalid value "${value}". Use a percentage from 0 to 100, such as 1; ` +
        "100 never fails the run on failed requests.",
    );
  }
  return percent;
}

/**
 * Returns the load levels where failed requests exceed `maxPercent` of the requests sent, over all
 * trials of the level. Levels that sent nothing are not judged here: the run warns of them instead.
 */
export function failureRateViolations(report: BenchReport, maxPercent: number): FailureRateViolation[] {
  const violations: FailureRateViolation[] = [];
  for (const point of report.points) {
    const { sent, failed, failures } = point.combined.counts;
    if (sent === 0) continue;
    const percent = (100 * failed) / sent;
    if (percent <= maxPercent) continue;
    const classes = FAILURE_KINDS.filter((kind) => failures[kind] > 0)
      .sort((a, b) => failures[b] - failures[a])
      .map((kind) => `${kind} ${failures[kind]}`)
      .join(", ");
    violations.push({ label: point.label, sent, failed, percent, classes });
  }
  return violations;
}

/** Formats a violation as one line that names the level, the share, the classes and the option. */
export function formatFailureRateViolation(violation: FailureRateViolation, maxPercent: number): string {
  return (
    `${violation.label}: ${violation.failed} of ${violation.sent} requests failed ` +
    `(${violation.percent.toFixed(2)}%, allowed ${maxPercent}%; ${violation.classes}). ` +
    "The report's failure samples show what the target returned; raise --max-failure-rate only if " +
    "these failures are expected."
  );
}
