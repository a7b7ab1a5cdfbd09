import { spawnSync } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { prepareRequest } from "../../src/bench/bench-run.ts";
import { InFlightRequests } from "../../src/bench/in-flight-requests.ts";
import { startEmbeddedMock } from "../../src/bench/mock-process.ts";
import { loadScenario } from "../../src/bench/scenario.ts";
import { runTrial } from "../../src/bench/trial-runner.ts";

/**
 * Sampling interval of the event-loop delay monitor. Node records the whole interval between
 * samples (about 10.1 ms on an idle loop), so the interval is subtracted to report the delay alone.
 */
const LOOP_DELAY_RESOLUTION_MS = 10;

/** CPU lists in taskset's syntax for the load client and the mock child. */
export interface CpuPinning {
  readonly client: string;
  readonly mock: string;
}

/**
 * Pins every thread of a process to the given CPUs with taskset (util-linux). Threads started
 * later inherit the affinity of the thread that starts them.
 */
function pinProcess(pid: number, cpus: string): void {
  const result = spawnSync("taskset", ["--all-tasks", "--cpu-list", "--pid", cpus, String(pid)], {
    encoding: "utf8",
    timeout: 5000,
  });
  if (result.status !== 0) {
    throw new Error(
      `taskset failed to pin process ${pid} to CPUs ${cpus}: ${result.error?.message ?? result.stderr.trim()}. ` +
        "Pinning needs Linux with util-linux installed and CPU numbers that exist (see nproc).",
    );
  }
}

/** Figures of one closed-loop streaming level against the embedded mock; times in ms. */
export interface StreamLevel {
  readonly concurrency: number;
  readonly requestsPerSec: number;
  /** Content deltas received per second (one token per chunk in these runs). */
  readonly chunksPerSec: number;
  readonly ttftBiasP50: number;
  readonly ttftBiasP99: number;
  readonly itlBiasP50: number;
  readonly itlBiasP99: number;
  readonly mockLateP50: number | undefined;
  readonly mockLateP99: number | undefined;
  /** p99 of the client's event-loop delay during the level: the client's own overhead. */
  readonly clientLoopDelayP99: number;
  readonly failed: number;
}

/**
 * Runs the chat-stream scenario at one concurrency against a fresh embedded mock (so its send
 * lateness belongs to this level) with the given timing model, and returns the bias of the
 * measured TTFT and ITL against the model.
 */
export async function measureStreamLevel(options: {
  readonly concurrency: number;
  readonly ttftMs: number;
  readonly itlMs: number;
  readonly maxTokens: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** CPUs to pin the client and the mock to, such as { client: "1", mock: "0" } (Linux, taskset). */
  readonly pin?: CpuPinning;
}): Promise<StreamLevel> {
  const scenario = loadScenario("chat-stream");
  const mock = await startEmbeddedMock({
    latencyMs: { default: 0 },
    chat: {
      ttftMs: options.ttftMs,
      interTokenMs: options.itlMs,
      tokensPerChunk: 1,
      outputTokens: options.maxTokens,
    },
  });
  try {
    if (options.pin !== undefined) {
      pinProcess(process.pid, options.pin.client);
      if (mock.pid !== undefined) pinProcess(mock.pid, options.pin.mock);
    }
    const url = new URL(mock.baseUrl);
    const request = prepareRequest(
      scenario,
      { ...scenario.body, max_tokens: options.maxTokens },
      {
        baseUrl: mock.baseUrl,
        origin: url.origin,
        basePath: url.pathname,
        apiKey: mock.apiKey,
        embeddedMock: true,
      },
    );
    const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
    loopDelay.enable();
    const trial = await runTrial(
      {
        engine: "stream-client",
        request,
        load: { mode: "closed", concurrency: options.concurrency },
        seed: 1,
        warmupMs: options.warmupMs,
        durationMs: options.durationMs,
        maxRequests: 10_000_000,
        timeoutMs: 60_000,
        maxInFlight: 100_000,
        slo: {},
        shard: undefined,
      },
      new InFlightRequests(),
    );
    loopDelay.disable();
    const drift = await mock.timingDrift();
    const ms = (microseconds: number | undefined): number => (microseconds ?? Number.NaN) / 1000;
    const deltas = trial.metrics.itl?.summary.count ?? 0;
    return {
      concurrency: options.concurrency,
      requestsPerSec: trial.throughput.requestsPerSec,
      chunksPerSec: (deltas + trial.counts.succeeded) / trial.durationSec,
      ttftBiasP50: ms(trial.metrics.ttft?.summary.p50) - options.ttftMs,
      ttftBiasP99: ms(trial.metrics.ttft?.summary.p99) - options.ttftMs,
      itlBiasP50: ms(trial.metrics.itl?.summary.p50) - options.itlMs,
      itlBiasP99: ms(trial.metrics.itl?.summary.p99) - options.itlMs,
      mockLateP50: drift?.p50,
      mockLateP99: drift?.p99,
      clientLoopDelayP99: Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_DELAY_RESOLUTION_MS),
      failed: trial.counts.failed,
    };
  } finally {
    await mock.close();
  }
}

/** Formats levels as a Markdown table. */
export function formatLevels(
  levels: readonly StreamLevel[],
  accurate: (level: StreamLevel) => boolean,
): string {
  const fixed = (value: number | undefined, digits = 2): string =>
    value === undefined ? "-" : value.toFixed(digits);
  const lines = [
    "| concurrency | requests/s | chunks/s | TTFT bias p50 | TTFT bias p99 | ITL bias p50 | ITL bias p99 | mock late p50 | mock late p99 | client loop delay p99 | failed | accurate |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const level of levels) {
    lines.push(
      `| ${level.concurrency} | ${fixed(level.requestsPerSec, 1)} | ${fixed(level.chunksPerSec, 0)} | ${fixed(level.ttftBiasP50)} | ` +
        `${fixed(level.ttftBiasP99)} | ${fixed(level.itlBiasP50)} | ${fixed(level.itlBiasP99)} | ${fixed(level.mockLateP50)} | ` +
        `${fixed(level.mockLateP99)} | ${fixed(level.clientLoopDelayP99)} | ${level.failed} | ${accurate(level) ? "yes" : "no"} |`,
    );
  }
  return lines.join("\n");
}
