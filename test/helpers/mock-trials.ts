import type { BenchTarget } from "../../src/bench/bench-target.ts";
import { prepareRequest } from "../../src/bench/bench-run.ts";
import { InFlightRequests } from "../../src/bench/in-flight-requests.ts";
import type { LoadPoint } from "../../src/bench/load-point.ts";
import type { EmbeddedMock } from "../../src/bench/mock-process.ts";
import { loadScenario } from "../../src/bench/scenario.ts";
import type { TrialResult } from "../../src/bench/trial-result.ts";
import { runTrial } from "../../src/bench/trial-runner.ts";
import type { TimingModel } from "../../src/mock/timing-model.ts";

/** Builds a chat timing model with the given TTFT and inter-token latency, one token per chunk. */
export function chatTiming(ttftMs: number, interTokenMs: number, outputTokens = 16): TimingModel {
  return { latencyMs: { default: 0 }, chat: { ttftMs, interTokenMs, tokensPerChunk: 1, outputTokens } };
}

export function targetOf(mock: EmbeddedMock): BenchTarget {
  const url = new URL(mock.baseUrl);
  return {
    baseUrl: mock.baseUrl,
    origin: url.origin,
    basePath: url.pathname,
    apiKey: mock.apiKey,
    embeddedMock: true,
  };
}

/**
 * Runs one trial of the chat-stream scenario against an embedded mock, with the real stream
 * client, loops and recorder. `maxTokens` sets the request's `max_tokens`.
 */
export async function runChatStreamTrial(
  mock: EmbeddedMock,
  options: {
    readonly load: LoadPoint;
    readonly warmupMs: number;
    readonly durationMs: number;
    readonly maxTokens: number;
    readonly seed?: number;
  },
): Promise<TrialResult> {
  const scenario = loadScenario("chat-stream");
  const body = { ...scenario.body, max_tokens: options.maxTokens };
  return runTrial(
    {
      engine: "stream-client",
      request: prepareRequest(scenario, body, targetOf(mock)),
      load: options.load,
      seed: options.seed ?? 1,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      maxRequests: 100_000,
      timeoutMs: 30_000,
      maxInFlight: 10_000,
      slo: {},
      shard: undefined,
    },
    new InFlightRequests(),
  );
}
