import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { InFlightRequests } from "../../src/bench/in-flight-requests.ts";
import type { PreparedRequest } from "../../src/bench/prepared-request.ts";
import { sendStreamingChat } from "../../src/bench/stream-client.ts";
import {
  chatCompletionStream,
  neverReply,
  replyJson,
  resetSocket,
  sendSse,
  startTestServer,
  type TestServer,
} from "../helpers/test-server.ts";

const chatBody = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model: "test-chat", messages: [{ role: "user", content: "hi" }], stream: true, ...extra });

describe("sendStreamingChat", () => {
  let server: TestServer;
  let pool: Pool;

  beforeAll(async () => {
    server = await startTestServer({
      "POST /v1/timed": chatCompletionStream({ ttftMs: 60, interTokenMs: 15, tokens: 5 }),
      "POST /v1/crlf-chunked": chatCompletionStream({
        ttftMs: 0,
        interTokenMs: 0,
        tokens: 6,
        tokensPerChunk: 2,
        lineEnding: "\r\n",
        heartbeats: true,
      }),
      "POST /v1/status-500": replyJson({ error: { message: "boom" } }, { status: 500 }),
      "POST /v1/error-event": chatCompletionStream({
        ttftMs: 0,
        interTokenMs: 0,
        tokens: 4,
        errorAtToken: 2,
      }),
      "POST /v1/no-done": chatCompletionStream({ ttftMs: 0, interTokenMs: 0, tokens: 3, omitDone: true }),
      "POST /v1/reset-mid-stream": chatCompletionStream({
        ttftMs: 0,
        interTokenMs: 5,
        tokens: 3,
        omitDone: true,
        after: "reset",
      }),
      "POST /v1/reset-before-headers": resetSocket(),
      "POST /v1/never": neverReply(),
      "POST /v1/not-json": sendSse([{ atMs: 0, text: "data: {not json\n\ndata: [DONE]\n\n" }]),
      "POST /v1/no-content": sendSse([
        { atMs: 0, text: 'data: {"choices":[{"delta":{"role":"assistant"}}]}\n\ndata: [DONE]\n\n' },
      ]),
      "POST /v1/slow": chatCompletionStream({ ttftMs: 2000, interTokenMs: 10, tokens: 3 }),
      "POST /v1/html-page": (_request, response) => {
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        response.end("<html><body>Sign in</body></html>");
      },
    });
    pool = new Pool(server.origin, { connections: 8 });
  });

  afterAll(async () => {
    await pool.close();
    await server.close();
  });

  const send = (path: string, body = chatBody(), timeoutMs = 5000, inFlight = new InFlightRequests()) => {
    const request: PreparedRequest = {
      origin: server.origin,
      path: `/v1/${path}`,
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "msq-test-key-123456" },
      body,
      expectedEmbeddings: undefined,
    };
    return sendStreamingChat(pool, request, performance.now(), { timeoutMs, inFlight });
  };

  test("times content deltas against the plan", async () => {
    const outcome = await send("timed");
    expect(outcome.failure).toBeUndefined();
    const times = outcome.stream?.deltaTimes ?? [];
    expect(times).toHaveLength(5);
    const ttft = (times[0] ?? 0) - outcome.plannedAt;
    expect(ttft).toBeGreaterThanOrEqual(59);
    // The upper bound leaves room for a loaded machine, where the test files run in parallel.
    expect(ttft).toBeLessThan(60 + 250);
    // The server sends delta i at 60 + 15 i ms, so no delta can be stamped before that, and one stamp
    // shared by every delta fails this.
    times.forEach((time, i) => expect(time - outcome.plannedAt).toBeGreaterThanOrEqual(59 + 15 * i));
    const gaps = times.slice(1).map((time, i) => time - (times[i] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(0);
  });

  test("counts deltas when usage is absent", async () => {
    const outcome = await send("timed");
    expect(outcome.stream?.tokenSource).toBe("counted-deltas");
    expect(outcome.stream?.outputTokens).toBe(5);
  });

  test("takes tokens from usage when requested", async () => {
    const outcome = await send("crlf-chunked", chatBody({ stream_options: { include_usage: true } }));
    expect(outcome.failure).toBeUndefined();
    expect(outcome.stream?.tokenSource).toBe("usage");
    expect(outcome.stream?.outputTokens).toBe(6);
    expect(outcome.stream?.deltaTimes).toHaveLength(3);
  });

  test("stamps headers before the first byte", async () => {
    const outcome = await send("timed");
    expect(outcome.headersAt).toBeGreaterThanOrEqual(outcome.sentAt);
    expect(outcome.firstByteAt).toBeGreaterThanOrEqual(outcome.headersAt ?? Infinity);
    expect(outcome.endedAt).toBeGreaterThanOrEqual(outcome.firstByteAt ?? Infinity);
  });

  const failureCases: [string, string, number | undefined][] = [
    ["status-500", "http-status", undefined],
    ["error-event", "stream-error-event", undefined],
    ["no-done", "stream-incomplete", undefined],
    ["reset-mid-stream", "stream-incomplete", undefined],
    ["reset-before-headers", "connection-error", undefined],
    ["never", "timeout", 300],
    ["not-json", "invalid-response", undefined],
    ["no-content", "invalid-response", undefined],
  ];

  test.each(failureCases)("classifies %s as %s", async (path, kind, timeoutMs) => {
    const outcome = await send(path, chatBody(), timeoutMs ?? 5000);
    expect(outcome.failure?.kind).toBe(kind);
    expect(outcome.stream).toBeUndefined();
    expect(outcome.aborted).toBe(false);
  });

  test("names the timeout and its option", async () => {
    const outcome = await send("never", chatBody(), 300);
    expect(outcome.failure?.kind).toBe("timeout");
    expect(outcome.failure?.message).toContain("300 ms (--timeout-ms)");
    expect(outcome.failure?.message).not.toContain("msq-harness:");
  });

  test("names the content type of an HTML page", async () => {
    const outcome = await send("html-page");
    expect(outcome.failure?.kind).toBe("stream-incomplete");
    expect(outcome.failure?.message).toMatch(
      /^the 2xx response has content-type "text\/html; charset=utf-8", not text\/event-stream: /,
    );
  });

  test("keeps the API key out of failure messages", async () => {
    const outcome = await send("status-500");
    expect(outcome.failure?.message).toContain("HTTP 500");
    expect(outcome.failure?.message).not.toContain("msq-test-key-123456");
  });

  test("reports a stopped run as aborted", async () => {
    const inFlight = new InFlightRequests();
    const pending = send("slow", chatBody(), 5000, inFlight);
    setTimeout(() => inFlight.stopAll(), 50);
    const outcome = await pending;
    expect(outcome.aborted).toBe(true);
    expect(outcome.failure).toBeUndefined();
  });
});
