import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runAutocannonTrial } from "../../src/bench/autocannon-driver.ts";
import { runClosedLoop } from "../../src/bench/closed-loop.ts";
import { InFlightRequests } from "../../src/bench/in-flight-requests.ts";
import { runOpenLoop } from "../../src/bench/open-loop.ts";
import type { PreparedRequest } from "../../src/bench/prepared-request.ts";
import { sendRequest } from "../../src/bench/request-client.ts";
import type { RequestOutcome } from "../../src/bench/request-outcome.ts";
import {
  embeddingsBody,
  neverReply,
  replyJson,
  resetSocket,
  startTestServer,
  type TestServer,
} from "../helpers/test-server.ts";

/** A send function that takes `durationMs` and records concurrency. */
function fakeSend(durationMs: number) {
  const state = { running: 0, maxRunning: 0, sent: [] as { plannedAt: number; sentAt: number }[] };
  const send = async (plannedAt: number): Promise<RequestOutcome> => {
    const sentAt = performance.now();
    state.running += 1;
    state.maxRunning = Math.max(state.maxRunning, state.running);
    state.sent.push({ plannedAt, sentAt });
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    state.running -= 1;
    const endedAt = performance.now();
    return {
      plannedAt,
      sentAt,
      headersAt: endedAt,
      firstByteAt: endedAt,
      endedAt,
      status: 200,
      bytesReceived: 1,
      failure: undefined,
      stream: undefined,
      outputTokens: undefined,
      aborted: false,
    };
  };
  return { state, send };
}

describe("runClosedLoop", () => {
  test("keeps concurrency requests in flight", async () => {
    const { state, send } = fakeSend(20);
    await runClosedLoop({
      concurrency: 3,
      startAt: performance.now(),
      warmupMs: 0,
      durationMs: 200,
      maxRequests: 1000,
      send,
      onOutcome: () => undefined,
      inFlight: new InFlightRequests(),
    });
    expect(state.maxRunning).toBe(3);
    expect(state.sent.length).toBeGreaterThan(10);
  });

  test("stops at maxRequests", async () => {
    const { state, send } = fakeSend(1);
    await runClosedLoop({
      concurrency: 2,
      startAt: performance.now(),
      warmupMs: 0,
      durationMs: 10_000,
      maxRequests: 7,
      send,
      onOutcome: () => undefined,
      inFlight: new InFlightRequests(),
    });
    expect(state.sent).toHaveLength(7);
  });

  test("stops when the run is stopped", async () => {
    const { send } = fakeSend(5);
    const inFlight = new InFlightRequests();
    setTimeout(() => inFlight.stopAll(), 50);
    const started = performance.now();
    await runClosedLoop({
      concurrency: 2,
      startAt: started,
      warmupMs: 0,
      durationMs: 10_000,
      maxRequests: 1_000_000,
      send,
      onOutcome: () => undefined,
      inFlight,
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("runOpenLoop", () => {
  test("sends at the planned times", async () => {
    const { state, send } = fakeSend(1);
    const offsets = Float64Array.from([0, 30, 60, 90]);
    const startAt = performance.now() + 10;
    await runOpenLoop({
      offsetsMs: offsets,
      startAt,
      maxInFlight: 100,
      timeoutMs: 30_000,
      send,
      onOutcome: () => undefined,
      inFlight: new InFlightRequests(),
    });
    expect(state.sent.map((item) => item.plannedAt - startAt)).toEqual([0, 30, 60, 90]);
    for (const item of state.sent) expect(item.sentAt - item.plannedAt).toBeLessThan(25);
  });

  test("does not wait for slow responses", async () => {
    const { state, send } = fakeSend(200);
    const offsets = Float64Array.from([0, 10, 20, 30]);
    await runOpenLoop({
      offsetsMs: offsets,
      startAt: performance.now(),
      maxInFlight: 100,
      timeoutMs: 30_000,
      send,
      onOutcome: () => undefined,
      inFlight: new InFlightRequests(),
    });
    expect(state.maxRunning).toBe(4);
  });

  test("queues past maxInFlight and keeps planned times", async () => {
    const { state, send } = fakeSend(50);
    const outcomes: RequestOutcome[] = [];
    const offsets = Float64Array.from([0, 1, 2, 3]);
    await runOpenLoop({
      offsetsMs: offsets,
      startAt: performance.now(),
      maxInFlight: 2,
      timeoutMs: 30_000,
      send,
      onOutcome: (outcome) => outcomes.push(outcome),
      inFlight: new InFlightRequests(),
    });
    expect(state.maxRunning).toBe(2);
    const queued = outcomes.filter((outcome) => outcome.sentAt - outcome.plannedAt > 40);
    expect(queued).toHaveLength(2);
  });

  test("drops unsent arrivals when stopped", async () => {
    const { state, send } = fakeSend(1);
    const inFlight = new InFlightRequests();
    const offsets = Float64Array.from([0, 5000, 10_000]);
    setTimeout(() => inFlight.stopAll(), 50);
    await runOpenLoop({
      offsetsMs: offsets,
      startAt: performance.now(),
      maxInFlight: 10,
      timeoutMs: 30_000,
      send,
      onOutcome: () => undefined,
      inFlight,
    });
    expect(state.sent).toHaveLength(1);
  });

  test("times out arrivals queued past the timeout", async () => {
    const { state, send } = fakeSend(400);
    const outcomes: RequestOutcome[] = [];
    const started = performance.now();
    await runOpenLoop({
      offsetsMs: Float64Array.from([0, 1, 2, 3, 4]),
      startAt: started,
      maxInFlight: 1,
      timeoutMs: 100,
      send,
      onOutcome: (outcome) => outcomes.push(outcome),
      inFlight: new InFlightRequests(),
    });
    expect(state.sent).toHaveLength(1);
    expect(outcomes).toHaveLength(5);
    const timedOut = outcomes.filter((outcome) => outcome.failure?.kind === "timeout");
    expect(timedOut).toHaveLength(4);
    expect(timedOut[0]?.failure?.message).toContain("client queue");
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("request client and autocannon", () => {
  let server: TestServer;
  let pool: Pool;

  beforeAll(async () => {
    server = await startTestServer({
      "POST /v1/embeddings": replyJson(embeddingsBody(2, 4), { delayMs: 2 }),
      "POST /v1/embeddings-short": replyJson(embeddingsBody(1, 4)),
      "POST /v1/not-found": replyJson(
        { error: { message: "model not found", type: "invalid_request_error" } },
        { status: 404 },
      ),
      "POST /v1/not-json": (_request, response) => response.end("<html>"),
      "POST /v1/reset": resetSocket(),
      "POST /v1/never": neverReply(),
      "POST /v1/close": (_request, _response, context) => context.socket.end(),
      // Replies to its first 10 requests at once and to none after them.
      "POST /v1/stall": (() => {
        let answered = 0;
        const answer = replyJson(embeddingsBody(2, 4));
        return (request, response, context) => {
          answered += 1;
          if (answered <= 10) answer(request, response, context);
        };
      })(),
    });
    pool = new Pool(server.origin, { connections: 4 });
  });

  afterAll(async () => {
    await pool.close();
    await server.close();
  });

  const request = (path: string): PreparedRequest => ({
    origin: server.origin,
    path: `/v1/${path}`,
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "msq-test-key-123456" },
    body: JSON.stringify({ model: "m", input: ["a", "b"] }),
    expectedEmbeddings: 2,
  });

  test("accepts one vector per input", async () => {
    const outcome = await sendRequest(pool, request("embeddings"), performance.now(), {
      timeoutMs: 5000,
      inFlight: new InFlightRequests(),
    });
    expect(outcome.failure).toBeUndefined();
    expect(outcome.status).toBe(200);
  });

  test.each([
    ["embeddings-short", "invalid-response", /expected 2 embeddings in data\[\], received 1/],
    ["not-found", "http-status", /HTTP 404: .*model not found/],
    ["not-json", "invalid-response", /not JSON/],
    ["reset", "connection-error", /./],
    ["never", "timeout", /timed out/],
  ])("classifies %s as %s", async (path, kind, message) => {
    const outcome = await sendRequest(pool, request(path), performance.now(), {
      timeoutMs: 300,
      inFlight: new InFlightRequests(),
    });
    expect(outcome.failure?.kind).toBe(kind);
    expect(outcome.failure?.message).toMatch(message);
  });

  test("records autocannon responses in microseconds", async () => {
    const trial = await runAutocannonTrial({
      request: request("embeddings"),
      connections: 2,
      warmupMs: 0,
      durationMs: 1000,
      maxRequests: 40,
      timeoutMs: 5000,
      slo: {},
      inFlight: new InFlightRequests(),
    });
    expect(trial.counts.succeeded).toBe(40);
    expect(trial.metrics.e2e?.summary.count).toBe(40);
    expect(trial.metrics.e2e?.summary.p50).toBeGreaterThan(1000);
    expect(trial.autocannon).toEqual({
      non2xx: 0,
      errors: 0,
      timeouts: 0,
      resets: 0,
      unanswered: 0,
      lost: 0,
    });
  });

  test("ends an autocannon trial at its duration", async () => {
    const started = performance.now();
    const trial = await runAutocannonTrial({
      request: request("embeddings"),
      connections: 2,
      warmupMs: 200,
      durationMs: 300,
      maxRequests: 1_000_000,
      timeoutMs: 5000,
      slo: {},
      inFlight: new InFlightRequests(),
    });
    const elapsedMs = performance.now() - started;
    expect(trial.counts.succeeded).toBeGreaterThan(0);
    // Warm-up and duration take 500 ms. autocannon's default sample interval stretched each to 1 s,
    // so the bounds leave room for a loaded machine and still fail that.
    expect(elapsedMs).toBeLessThan(1500);
    expect(trial.durationSec).toBeLessThan(0.8);
  });

  test("counts autocannon non-2xx as failures", async () => {
    const trial = await runAutocannonTrial({
      request: request("not-found"),
      connections: 1,
      warmupMs: 0,
      durationMs: 1000,
      maxRequests: 5,
      timeoutMs: 5000,
      slo: {},
      inFlight: new InFlightRequests(),
    });
    expect(trial.counts.failures["http-status"]).toBe(5);
    expect(trial.metrics.e2e).toBeUndefined();
    expect(trial.autocannon?.non2xx).toBe(5);
  });

  test.each(["never", "close"])("counts autocannon requests on %s as unanswered", async (path) => {
    const trial = await runAutocannonTrial({
      request: request(path),
      connections: 2,
      warmupMs: 0,
      durationMs: 300,
      maxRequests: 1000,
      timeoutMs: 5000,
      slo: {},
      inFlight: new InFlightRequests(),
    });
    expect(trial.counts.sent).toBe(0);
    expect(trial.autocannon?.errors).toBe(0);
    expect(trial.autocannon?.unanswered).toBeGreaterThanOrEqual(2);
    // On "never" each connection waits on its one request, and none is lost. On "close" autocannon
    // sends again on every new connection, so the requests beyond one per connection are lost.
    if (path === "never") expect(trial.autocannon?.lost).toBe(0);
    else expect(trial.autocannon?.lost).toBeGreaterThan(0);
  });

  test("times a stalled autocannon trial whole", async () => {
    const trial = await runAutocannonTrial({
      request: request("stall"),
      connections: 2,
      warmupMs: 0,
      durationMs: 400,
      maxRequests: 1000,
      timeoutMs: 5000,
      slo: {},
      inFlight: new InFlightRequests(),
    });
    expect(trial.counts.succeeded).toBe(10);
    expect(trial.autocannon?.unanswered).toBeGreaterThanOrEqual(2);
    // The 10 responses come within milliseconds, and the trial still lasted its 400 ms.
    expect(trial.durationSec).toBeGreaterThanOrEqual(0.35);
    expect(trial.throughput.requestsPerSec).toBeLessThan(30);
  });
});
