import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { parseTimingModel } from "../../src/mock/timing-model.ts";
import { TimingPlanner } from "../../src/mock/timing-planner.ts";
import { TimingScheduler } from "../../src/mock/timing-scheduler.ts";
import { readSseStream } from "../../src/sse/read-sse-stream.ts";
import { TEST_KEYS } from "./support/mock-exchange.ts";

/**
 * Allowed lateness of a received event against its planned time. Client and server share one
 * event loop here, and the machine may be busy, so this bounds gross errors, not precision.
 */
const LATE_TOLERANCE_MS = 100;
/** Allowed earliness: the client clock starts before the server's, so only rounding can make events early. */
const EARLY_TOLERANCE_MS = 1;

const timing = parseTimingModel(
  {
    latencyMs: { listModels: 50 },
    chat: { ttftMs: 80, interTokenMs: 30, tokensPerChunk: 2, outputTokens: 10 },
  },
  "test timing",
);

let mock: RunningMock;

beforeAll(async () => {
  mock = await startMock({ timing });
  // A first request, so that connection setup and first-call compilation fall outside the measured ones.
  await fetch(`${mock.baseUrl}/modelmap`, {
    headers: { "x-api-key": TEST_KEYS["alice"] ?? "" },
    signal: AbortSignal.timeout(10_000),
  });
});

afterAll(async () => {
  await mock.close();
});

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${mock.origin}${path}`, {
    method: "POST",
    headers: { "x-api-key": TEST_KEYS["alice"] ?? "", "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

describe("timing model", () => {
  test("stream deltas follow planned times", async () => {
    const sentAt = performance.now();
    const response = await post("/v1/chat/completions", {
      model: "msq-mock-chat",
      messages: [{ role: "user", content: "hello" }],
      stream: true,
    });
    const transcript = await readSseStream(response.body as unknown as AsyncIterable<Uint8Array>);
    const contentEvents = transcript.events.filter((event) => event.data.includes('"content"'));
    expect(contentEvents).toHaveLength(5);

    contentEvents.forEach((event, index) => {
      const planned = 80 + index * 30;
      const actual = event.receivedAt - sentAt;
      expect(actual, `delta ${index}`).toBeGreaterThanOrEqual(planned - EARLY_TOLERANCE_MS);
      expect(actual, `delta ${index}`).toBeLessThanOrEqual(planned + LATE_TOLERANCE_MS);
    });
    const roleEvent = transcript.events[0];
    expect(roleEvent?.data).toContain('"role":"assistant"');
    expect((roleEvent?.receivedAt ?? Infinity) - sentAt).toBeLessThan(80);
  });

  test("non-streaming reply waits for the last token", async () => {
    const sentAt = performance.now();
    const response = await post("/v1/chat/completions", {
      model: "msq-mock-chat",
      messages: [{ role: "user", content: "hi" }],
    });
    await response.json();
    const elapsed = performance.now() - sentAt;
    expect(elapsed).toBeGreaterThanOrEqual(80 + 4 * 30 - EARLY_TOLERANCE_MS);
    expect(elapsed).toBeLessThanOrEqual(80 + 4 * 30 + LATE_TOLERANCE_MS);
  });

  test("operation latency delays the response", async () => {
    const sentAt = performance.now();
    const response = await fetch(`${mock.baseUrl}/models`, {
      headers: { "x-api-key": TEST_KEYS["alice"] ?? "" },
      signal: AbortSignal.timeout(10_000),
    });
    await response.json();
    const elapsed = performance.now() - sentAt;
    expect(elapsed).toBeGreaterThanOrEqual(50 - EARLY_TOLERANCE_MS);
    expect(elapsed).toBeLessThanOrEqual(50 + LATE_TOLERANCE_MS);
  });

  test("drift is measured for every timed send", () => {
    const drift = mock.timingDrift();
    // Three plain responses (with the warm-up), plus the stream's role, 5 delta, finish and [DONE] frames.
    expect(drift.count).toBe(3 + 1 + 5 + 2);
    expect(drift.max).toBeGreaterThanOrEqual(drift.p99);
    expect(drift.p99).toBeGreaterThanOrEqual(drift.p50);
  });
});

describe("TimingScheduler", () => {
  test("waitUntil never resolves early", async () => {
    const scheduler = new TimingScheduler();
    for (const delay of [0.3, 2, 7.5]) {
      const target = scheduler.now() + delay;
      await scheduler.waitUntil(target);
      expect(scheduler.now()).toBeGreaterThanOrEqual(target);
    }
  });

  test("waitUntil stops on abort", async () => {
    const scheduler = new TimingScheduler();
    const aborter = new AbortController();
    setTimeout(() => aborter.abort(), 5);
    const startedAt = scheduler.now();
    expect(await scheduler.waitUntil(startedAt + 5_000, aborter.signal)).toBe(false);
    expect(scheduler.now() - startedAt).toBeLessThan(1_000);
  });

  test("waitUntil abort leaves other waits", async () => {
    const scheduler = new TimingScheduler();
    const aborter = new AbortController();
    const target = scheduler.now() + 20;
    const aborted = scheduler.waitUntil(target, aborter.signal);
    const unaffected = scheduler.waitUntil(target, new AbortController().signal);
    aborter.abort();
    expect(await aborted).toBe(false);
    expect(await unaffected).toBe(true);
    expect(scheduler.now()).toBeGreaterThanOrEqual(target);
  });

  test("aborted waits leave no timer", async () => {
    const scheduler = new TimingScheduler();
    const timers = (): number => process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
    const before = timers();
    const aborter = new AbortController();
    const target = scheduler.now() + 60_000;
    const waits = [1, 2, 3].map(() => scheduler.waitUntil(target, aborter.signal));
    expect(timers()).toBe(before + 1);
    aborter.abort();
    expect(await Promise.all(waits)).toEqual([false, false, false]);
    expect(timers()).toBe(before);
  });

  test("drift summary from a fake clock", () => {
    let now = 0;
    const scheduler = new TimingScheduler(() => now);
    for (const late of [1, 2, 3, 10]) {
      now = 100 + late;
      scheduler.recordSend(100);
    }
    const drift = scheduler.drift();
    expect(drift.count).toBe(4);
    expect(drift.mean).toBeCloseTo(4, 2);
    expect(drift.p50).toBeCloseTo(2, 2);
    expect(drift.max).toBeCloseTo(10, 1);
  });

  test("empty drift summary", () => {
    expect(new TimingScheduler().drift()).toEqual({ count: 0, mean: 0, p50: 0, p99: 0, max: 0 });
  });
});

describe("TimingPlanner", () => {
  test("delta times without jitter", () => {
    const planner = new TimingPlanner(timing);
    expect(planner.chatDeltaTimes(1000, 1000, 3)).toEqual([1080, 1110, 1140]);
  });

  test("first delta never precedes stream opening", () => {
    const planner = new TimingPlanner(timing);
    expect(planner.chatDeltaTimes(1000, 1200, 2)).toEqual([1200, 1230]);
  });

  test("jitter stays within its ratio", () => {
    const planner = new TimingPlanner(parseTimingModel({ jitter: { ratio: 0.2, seed: 7 } }, "test"));
    const delays = Array.from({ length: 200 }, () => planner.jitter(100));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...delays)).toBeLessThanOrEqual(120);
    expect(new Set(delays).size).toBeGreaterThan(150);
  });

  test("jitter repeats for a seed", () => {
    const model = parseTimingModel({ jitter: { ratio: 0.5, seed: 42 } }, "test");
    const first = new TimingPlanner(model);
    const second = new TimingPlanner(model);
    const sequence = (planner: TimingPlanner): number[] =>
      Array.from({ length: 5 }, () => planner.jitter(10));
    expect(sequence(first)).toEqual(sequence(second));
  });

  test("zero model", () => {
    expect(new TimingPlanner(parseTimingModel({}, "test")).isZero).toBe(true);
    expect(new TimingPlanner(timing).isZero).toBe(false);
  });
});

describe("parseTimingModel", () => {
  test.each([
    [
      "misspelt top-level field",
      { latncyMs: { default: 5 } },
      "t: unknown field latncyMs. Did you mean latencyMs?",
    ],
    ["misspelt chat field", { chat: { ttft: 5 } }, "t: unknown field chat.ttft. Did you mean chat.ttftMs?"],
    ["unknown jitter field", { jitter: { ratio: 0.1, spread: 2 } }, "t: unknown field jitter.spread."],
    ["unknown embedding field", { embedding: { batch: 2 } }, "t: unknown field embedding.batch."],
    [
      "latency given as a number",
      { latencyMs: 5 },
      't: latencyMs must be an object of milliseconds by operationId, with "default" for the rest, such as {"default": 5}, received 5.',
    ],
    [
      "delay above one hour",
      { latencyMs: { default: 3_000_000_000 } },
      "t: latencyMs.default must be a number of milliseconds from 0 to 3600000 (one hour), received 3000000000.",
    ],
  ])("rejects a %s", (_case, input, message) => {
    expect(() => parseTimingModel(input, "t")).toThrow(message);
  });

  test("rejects an unknown operationId", async () => {
    const timing = parseTimingModel({ latencyMs: { listModel: 5 } }, "t");
    await expect(startMock({ timing })).rejects.toThrow(
      "timing model: latencyMs.listModel names no operation of the spec. Did you mean latencyMs.listModels?",
    );
  });

  test("lists the known fields", () => {
    expect(() => parseTimingModel({ speed: 2 }, "t")).toThrow(
      "Known fields: latencyMs, chat, embedding, jitter, workflowHeartbeatMs, factoryHeartbeatMs, videoHeartbeatMs.",
    );
  });
});
