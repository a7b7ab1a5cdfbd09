import { resolve } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../../config/config-error.ts";
import type { HarnessSettings } from "../../config/config-options.ts";
import { addConfigOptions, flagValues } from "../../config/config-flags.ts";
import { resolveConfig, type HarnessConfig } from "../../config/resolve-config.ts";
import { createLogger } from "../../log/logger.ts";
import { redactText } from "../../log/redact.ts";
import type { BenchReport } from "../../bench/bench-report.ts";
import { PreflightError, runBench } from "../../bench/bench-run.ts";
import { embeddedMockTarget, userTarget, type BenchTarget } from "../../bench/bench-target.ts";
import { compareReports, DEFAULT_ALPHA } from "../../bench/compare.ts";
import { formatComparison } from "../../bench/compare-format.ts";
import {
  checkFailureGate,
  DEFAULT_MAX_FAILURE_PERCENT,
  formatFailureRateViolation,
  parseMaxFailurePercent,
  type GateResult,
} from "../../bench/failure-gate.ts";
import { InFlightRequests } from "../../bench/in-flight-requests.ts";
import { renderMarkdownReport } from "../../bench/markdown-report.ts";
import { startEmbeddedMock, type EmbeddedMock } from "../../bench/mock-process.ts";
import { createRunProgress } from "../../bench/progress.ts";
import {
  prepareReportDirectory,
  readReport,
  writeReport,
  type WrittenReport,
} from "../../bench/report-writer.ts";
import { resolveRunOptions, type BenchRunCliOptions } from "../../bench/run-options.ts";
import { listScenarios, loadScenario } from "../../bench/scenario.ts";
import { describeMissingShards } from "../../bench/shard.ts";
import { mergeShardReports } from "../../bench/shard-merge.ts";

const EXIT_FAILED = 1;
/** Exit code of a run stopped by SIGINT, as shells report 128 + signal number. */
const EXIT_INTERRUPTED = 130;
const DEFAULT_OUT_DIR = "reports";

/**
 * Shared settings that `bench run` takes as flags. `resolveConfig` still reads and checks the others
 * from the environment and the config file. bench ignores them, except mock faults, which it rejects.
 */
const BENCH_SETTINGS: readonly (keyof HarnessSettings)[] = [
  "target",
  "chatModel",
  "embeddingModel",
  "requestTimeoutMs",
  "connectTimeoutMs",
];

/** Options of `bench run` as commander parses them, the flags of the shared settings included. */
interface RunCommandOptions extends BenchRunCliOptions, Readonly<Record<string, unknown>> {
  readonly config?: string;
  readonly allowRemote?: boolean;
  readonly outDir: string;
  readonly json?: boolean;
  readonly maxFailureRate?: string;
}

/** Registers `msq-harness bench ...`: load benchmarks, comparison and shard merging. */
export function registerBenchCommands(program: Command): void {
  const bench = program
    .command("bench")
    .description("Load benchmarks: run a scenario from bench/, compare two reports, merge shard reports");

  const run = bench
    .command("run <scenario>", { isDefault: true })
    .description(
      "Run a benchmark scenario (a name from `bench list` or a .yaml path) and write its reports; " +
        "without a target the embedded mock runs with the scenario's timing model",
    )
    .option("--allow-remote", "allow a target that is not on loopback (127.0.0.0/8, ::1, localhost)")
    .option("--engine <name>", "stream-client, request-client or autocannon (default: by scenario and mode)")
    .option("--mode <mode>", "closed (fixed concurrency) or open (planned arrivals)")
    .option("--concurrency <n>", "closed loop: requests in flight")
    .option("--rate <per-second>", "open loop: arrival rate in requests per second")
    .option("--arrival <process>", "open loop: constant or poisson")
    .option("--seed <n>", "seed of the open-loop schedule")
    .option("--sweep <list>", "comma-separated concurrencies (closed) or rates (open) to run in turn")
    .option("--warmup <seconds>", "warm-up before each trial, excluded from results")
    .option("--duration <seconds>", "measured duration of each trial")
    .option("--requests <n>", "maximum measured requests per trial")
    .option("--trials <n>", "repeated trials per load level (bench compare needs at least 4)")
    .option("--max-in-flight <n>", "open loop: requests in flight before arrivals queue in the client")
    .option("--goodput <slo...>", "SLOs for goodput in milliseconds, such as ttft:500 tpot:50 e2el:3000")
    .option("--shard <i/n>", "run share i of n of the load; merge the shard reports with `bench merge`")
    .option("--mock-timing <file>", "JSON timing model for the embedded mock, replacing the scenario's")
    .option(
      "--max-failure-rate <percent>",
      "exit 1 when more than this percentage of the requests at a load level failed; 100 never fails " +
        `(default: ${DEFAULT_MAX_FAILURE_PERCENT})`,
    )
    .option("--out-dir <dir>", "folder for the JSON, Markdown and HTML reports", DEFAULT_OUT_DIR)
    .option("--json", "print a JSON summary instead of the Markdown summary, and no progress bar");
  addConfigOptions(run, BENCH_SETTINGS);
  run.action(async (scenarioName: string, options: RunCommandOptions) => {
    const config = resolveConfig({ flags: flagValues(options), configFlag: options.config });
    process.exitCode = await runScenario(scenarioName, options, config);
  });

  bench
    .command("list")
    .description("List the scenarios in bench/")
    .action(() => {
      for (const name of listScenarios()) {
        const scenario = loadScenario(name);
        process.stdout.write(`${name.padEnd(24)} ${scenario.description}\n`);
      }
    });

  bench
    .command("compare <baseline> <current>")
    .description("Compare two reports; exit 1 when a metric is worse beyond its threshold with confidence")
    .option("--alpha <p>", "significance level of the one-sided Mann-Whitney U test", String(DEFAULT_ALPHA))
    .option("--threshold <metric=percent...>", "override a metric's threshold, such as ttft.p50=10")
    .option("--seed <n>", "seed of the bootstrap confidence intervals", "1")
    .option("--json", "print the comparison as JSON")
    .action(
      (
        baselinePath: string,
        currentPath: string,
        options: { alpha: string; threshold?: string[]; seed: string; json?: boolean },
      ) => {
        const alpha = Number(options.alpha);
        if (!Number.isFinite(alpha) || alpha <= 0 || alpha >= 1) {
          throw new ConfigError(
            `--alpha: invalid value "${options.alpha}". Use a probability between 0 and 1, such as 0.05.`,
          );
        }
        const result = compareReports(
          readReport(baselinePath, "BASELINE"),
          readReport(currentPath, "CURRENT"),
          {
            alpha,
            thresholds: parseThresholds(options.threshold ?? []),
            seed: parseSeed(options.seed),
          },
        );
        process.stdout.write(
          options.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatComparison(result),
        );
        process.exitCode = result.regressions.length > 0 ? EXIT_FAILED : 0;
      },
    );

  bench
    .command("merge <reports...>")
    .description(
      "Merge the JSON reports of the shards of one run (histograms added) and write the merged reports",
    )
    .option("--out-dir <dir>", "folder for the merged reports", DEFAULT_OUT_DIR)
    .option("--json", "print a JSON summary instead of the Markdown summary")
    .action((paths: string[], options: { outDir: string; json?: boolean }) => {
      const merged = mergeShardReports(paths.map((path, index) => readReport(path, `report ${index + 1}`)));
      if (merged.missingShards.length > 0) {
        process.stderr.write(
          `msq-harness: warning: ${describeMissingShards(merged.missingShards)}; the merged report is partial.\n`,
        );
      }
      const written = writeReport(merged.report, resolve(options.outDir));
      printResult(merged.report, written, options.json === true, undefined);
    });
}

async function runScenario(
  scenarioName: string,
  options: RunCommandOptions,
  config: HarnessConfig,
): Promise<number> {
  checkEmbeddedMockOptions(options, config);
  const maxFailurePercent =
    options.maxFailureRate === undefined
      ? DEFAULT_MAX_FAILURE_PERCENT
      : parseMaxFailurePercent(options.maxFailureRate);
  const scenario = loadScenario(scenarioName);
  const resolved = resolveRunOptions(scenario, options, config);
  prepareReportDirectory(resolve(options.outDir));

  const logger = createLogger();
  const inFlight = new InFlightRequests();
  const progress = createRunProgress({
    quiet: options.json === true,
    totalTrials: resolved.points.length * resolved.settings.trials,
    trialSeconds: resolved.settings.warmupSeconds + resolved.settings.durationSeconds,
    trials: resolved.settings.trials,
  });
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) {
      // The bar hides the cursor and turns off line wrap; stopping it gives the terminal both back.
      progress.stop();
      process.exit(EXIT_INTERRUPTED);
    }
    interrupted = true;
    process.stderr.write(
      "\nmsq-harness: stopping; the partial report is written next (Ctrl-C again to quit at once).\n",
    );
    inFlight.stopAll();
  };
  process.on("SIGINT", onSigint);

  let mock: EmbeddedMock | undefined;
  try {
    let target: BenchTarget;
    if (config.target !== undefined) {
      target = userTarget({ target: config.target, apiKey: config.apiKey }, options.allowRemote === true);
    } else {
      mock = await startEmbeddedMock(resolved.mockTiming);
      target = embeddedMockTarget(mock);
    }
    logger.info(
      { scenario: scenario.name, target: target.baseUrl, points: resolved.points.length },
      "benchmark started",
    );

    const embedded = mock;
    const report = await runBench(
      {
        scenario,
        settings: resolved.settings,
        body: resolved.body,
        points: resolved.points,
        target,
        connectTimeoutMs: config.connectTimeoutMs,
        mockTiming: embedded === undefined ? undefined : resolved.mockTiming,
        shard: resolved.shard,
      },
      {
        inFlight,
        onTrialStart: (point, pointIndex, trialIndex) => progress.trialStarted(point, pointIndex, trialIndex),
        onOutcome: (outcome) => progress.requestEnded(outcome.failure !== undefined),
        ...(embedded === undefined ? {} : { mockTimingDrift: () => embedded.timingDrift() }),
      },
    );
    progress.stop();
    const written = writeReport(report, resolve(options.outDir));
    logger.info(
      { scenario: scenario.name, json: written.json, partial: report.partial },
      "benchmark finished",
    );
    const gate = checkFailureGate(report, maxFailurePercent);
    printResult(report, written, options.json === true, gate);
    if (report.partial && interrupted) return EXIT_INTERRUPTED;
    for (const violation of gate.violations) {
      const point = report.points.find((candidate) => candidate.label === violation.label);
      const message =
        violation.unmeasured && point !== undefined
          ? describeUnmeasuredPoint(report, point)
          : formatFailureRateViolation(violation, maxFailurePercent, written.json);
      process.stderr.write(`msq-harness: ${redactText(message)}\n`);
    }
    return gate.violations.length > 0 ? EXIT_FAILED : 0;
  } catch (error) {
    progress.stop();
    if (error instanceof PreflightError) {
      process.stderr.write(`msq-harness: ${redactText(error.message)}\n`);
      return EXIT_FAILED;
    }
    throw error;
  } finally {
    process.off("SIGINT", onSigint);
    await mock?.close();
  }
}

/**
 * Rejects options that apply only to the embedded mock when a target is set, and mock faults,
 * which `bench` does not apply.
 */
function checkEmbeddedMockOptions(options: RunCommandOptions, config: HarnessConfig): void {
  if (config.target !== undefined && options.mockTiming !== undefined) {
    throw new ConfigError(
      "--mock-timing applies only to the embedded mock, but a target is set. Remove --mock-timing, or drop " +
        'the target (--target, MSQ_BASE_URL or config file key "target") to benchmark the embedded mock.',
    );
  }
  if (config.mockFaults.length > 0) {
    throw new ConfigError(
      `Mock faults (${config.mockFaults.join(", ")}) apply only to msq-harness test, and bench loads a ` +
        'mock without faults. Unset MSQ_MOCK_FAULTS or remove the config file key "mockFaults".',
    );
  }
}

/**
 * Explains why a load level measured no response: autocannon's requests got none before the trial
 * ended, or no request was sent in the measured time.
 */
function describeUnmeasuredPoint(report: BenchReport, point: BenchReport["points"][number]): string {
  const unanswered = point.combined.autocannon?.unanswered ?? 0;
  if (unanswered > 0) {
    return (
      `no response was measured at ${point.label}: autocannon sent ${unanswered} request(s) that got no ` +
      "response before the trial ended, and it does not wait for them. Check that the target responds, " +
      "or raise --duration above the time of one request."
    );
  }
  return (
    `no request was measured at ${point.label}, because none was sent in the ` +
    `${report.settings.durationSeconds} s after the warm-up. Raise --duration above the time of one ` +
    "request (closed loop) or the gap between arrivals (open loop)."
  );
}

/** Prints the run's numbers: the Markdown summary, or a compact JSON summary with `--json`. */
function printResult(
  report: BenchReport,
  written: WrittenReport,
  json: boolean,
  gate: GateResult | undefined,
): void {
  if (json) {
    const summary = {
      scenario: report.scenario.name,
      partial: report.partial,
      reports: written,
      ...(gate === undefined
        ? {}
        : {
            gate: {
              maxFailurePercent: gate.maxFailurePercent,
              passed: gate.violations.length === 0,
              violations: gate.violations,
            },
          }),
      points: report.points.map((point) => ({
        load: point.load,
        counts: point.combined.counts,
        throughput: point.combined.throughput,
        metrics: Object.fromEntries(
          Object.entries(point.combined.metrics).map(([name, metric]) => [
            name,
            { unit: metric.unit, ...metric.summary },
          ]),
        ),
      })),
    };
    // The summary contains numbers and file paths only, and redacting it could garble a path.
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  process.stdout.write(redactText(renderMarkdownReport(report)));
  process.stdout.write(`Reports:\n  ${written.json}\n  ${written.markdown}\n  ${written.html}\n`);
  if (gate !== undefined) {
    const verdict =
      gate.violations.length === 0
        ? "passed"
        : `failed at ${gate.violations.map((violation) => violation.label).join(", ")}`;
    process.stdout.write(
      `Failure gate (at most ${gate.maxFailurePercent}% failed requests per load level): ${verdict}\n`,
    );
  }
}

function parseThresholds(items: readonly string[]): Record<string, number> {
  const thresholds: Record<string, number> = {};
  for (const item of items) {
    const [metric, value] = item.split("=");
    const percent = Number(value);
    if (
      metric === undefined ||
      metric === "" ||
      value === undefined ||
      !Number.isFinite(percent) ||
      percent < 0
    ) {
      throw new ConfigError(
        `--threshold: invalid value "${item}". Use METRIC=PERCENT, such as --threshold ttft.p50=10.`,
      );
    }
    thresholds[metric] = percent;
  }
  return thresholds;
}

/** Parses `--seed` of `bench compare`: a non-negative integer. */
function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ConfigError(
      `--seed must be a non-negative integer, received "${value}". Pass for example --seed 1.`,
    );
  }
  return seed;
}
