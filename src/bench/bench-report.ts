import type { TimingModel } from "../mock/timing-model.ts";
import type { ArrivalProcess } from "./arrival-schedule.ts";
import type { BenchEnvironment } from "./environment.ts";
import type { LoadPoint } from "./load-point.ts";
import type { ScenarioKind } from "./scenario.ts";
import type { Slo } from "./slo.ts";
import type { EngineName, TrialResult } from "./trial-result.ts";

/**
 * Version tag of the JSON report format; `bench compare` and `bench merge` check it. It avoids the
 * "msq-" prefix, because secret redaction removes every word shaped like an `msq-` API key.
 */
export const REPORT_FORMAT = "bench-report/1";

/** Settings a run used, after the scenario file and the command-line options were combined. */
export interface BenchRunSettings {
  readonly engine: EngineName;
  readonly path: string;
  /** Request body as sent; secret fields are redacted. */
  readonly body: unknown;
  readonly seed: number;
  readonly arrival: ArrivalProcess;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly maxRequests: number;
  readonly timeoutSeconds: number;
  readonly trials: number;
  readonly maxInFlight: number;
  readonly slo: Slo;
  readonly thresholds: Readonly<Record<string, number>>;
}

/** Results at one load level: every trial, and all trials combined. */
export interface LoadPointResult {
  readonly load: LoadPoint;
  readonly label: string;
  readonly trials: readonly TrialResult[];
  /** All trials combined: histograms added, counts summed, rates over the summed duration. */
  readonly combined: TrialResult;
}

/** Lateness of the embedded mock's sends against its timing model, in milliseconds. */
export interface MockTimingDrift {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface BenchReport {
  readonly format: typeof REPORT_FORMAT;
  readonly scenario: {
    readonly name: string;
    readonly description: string;
    readonly kind: ScenarioKind;
  };
  readonly settings: BenchRunSettings;
  readonly target: {
    /** Base URL without credentials. */
    readonly baseUrl: string;
    readonly embeddedMock: boolean;
    /** Timing model of the embedded mock; undefined for an external target. */
    readonly mockTiming: TimingModel | undefined;
    readonly mockTimingDrift: MockTimingDrift | undefined;
  };
  readonly environment: BenchEnvironment;
  /** Shards this report contains, 1-based; undefined for a run that was not sharded. */
  readonly shard: { readonly count: number; readonly indexes: readonly number[] } | undefined;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** True when the run was stopped before every trial ended; the figures cover what ran. */
  readonly partial: boolean;
  readonly stopReason: string | undefined;
  readonly points: readonly LoadPointResult[];
}
