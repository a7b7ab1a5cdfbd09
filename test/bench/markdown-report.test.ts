import { describe, expect, test } from "vitest";
import { renderMarkdownReport } from "../../src/bench/markdown-report.ts";
import type { RequestOutcome } from "../../src/bench/request-outcome.ts";
import { TrialRecorder } from "../../src/bench/trial-recorder.ts";
import type { TrialResult } from "../../src/bench/trial-result.ts";
import { syntheticReport, syntheticTrial } from "../helpers/synthetic-report.ts";

/** A trial of 20 successful responses that state no output tokens, as autocannon records them. */
function uncountedTrial(): TrialResult {
  const recorder = new TrialRecorder("autocannon", 0, {});
  for (let i = 0; i < 20; i += 1) {
    const outcome: RequestOutcome = {
      plannedAt: i * 10,
      sentAt: i * 10,
      headersAt: undefined,
      firstByteAt: undefined,
      endedAt: i * 10 + 5,
      status: 200,
      bytesReceived: 500,
      failure: undefined,
      stream: undefined,
      outputTokens: undefined,
      aborted: false,
    };
    recorder.record(outcome);
  }
  return recorder.finish(new Date(0).toISOString(), 200);
}

describe("renderMarkdownReport", () => {
  test("shows counted output tokens", () => {
    const text = renderMarkdownReport(syntheticReport([syntheticTrial({ ttftMs: 150, itlMs: 20 })]));
    expect(text).toMatch(/- Throughput: [\d.]+ requests\/s, [\d.]+ output tokens\/s, /);
    expect(text).toMatch(/^\| 1 \| [\d.]+ \| [\d.]+ \|/m);
  });

  test("omits uncounted output tokens", () => {
    const text = renderMarkdownReport(syntheticReport([uncountedTrial()], "chat"));
    expect(text).toMatch(/- Throughput: [\d.]+ requests\/s, [\d.]+ KiB\/s/);
    expect(text).not.toContain("output tokens/s,");
    expect(text).toMatch(/^\| 1 \| [\d.]+ \| - \|/m);
  });

  test("names the request timeout", () => {
    const text = renderMarkdownReport(syntheticReport([syntheticTrial({ ttftMs: 150, itlMs: 20 })]));
    expect(text).toContain("| Max requests / timeout | 1000 / 10 s |");
  });
});
