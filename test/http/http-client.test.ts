import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { HttpClient } from "../../src/http/http-client.ts";
import { responseJson, type Exchange } from "../../src/http/exchange.ts";
import {
  neverReply,
  replyJson,
  resetSocket,
  sendSse,
  startTestServer,
  type Responder,
  type TestServer,
} from "../helpers/test-server.ts";

const KEY = "msq-http-client-test-key-000001";

const echo: Responder = (request, response) => {
  const text = JSON.stringify({ headers: request.headers, body: request.body });
  response.writeHead(200, { "content-type": "application/json" });
  response.end(text);
};

/** Returns the request headers that the echo route sent back. */
function echoedHeaders(exchange: Exchange): Record<string, string> {
  const echoed = responseJson(exchange);
  if (!echoed.ok) throw new Error(`The echo route sent no JSON: ${echoed.error}`);
  return (echoed.value as { headers: Record<string, string> }).headers;
}

let server: TestServer;
let client: HttpClient;

beforeAll(async () => {
  server = await startTestServer({
    "GET /v1/models": replyJson({ object: "list", data: [] }),
    "POST /v1/echo": echo,
    "GET /v1/slow": replyJson({ late: true }, { delayMs: 2_000 }),
    "GET /v1/never": neverReply(),
    "GET /v1/reset": resetSocket(),
    "GET /v1/stream": sendSse([
      { atMs: 0, text: 'data: {"n":1}\r\n\r\n: keepalive\n' },
      { atMs: 5, text: '\ndata:{"n":2}\n\ndata: [DONE]\n\n' },
    ]),
  });
  client = new HttpClient({ root: server.origin, requestTimeoutMs: 300, connectTimeoutMs: 300 });
});

afterAll(async () => {
  await client.close();
  await server.close();
});

describe("HttpClient", () => {
  test("records status, headers and body", async () => {
    const exchange = await client.send({ method: "GET", path: "/v1/models", credential: { scheme: "none" } });
    expect(exchange.response?.status).toBe(200);
    expect(exchange.response?.headers["content-type"]).toBe("application/json");
    expect(responseJson(exchange)).toEqual({ ok: true, value: { object: "list", data: [] } });
    expect(exchange.error).toBeUndefined();
  });

  test("sends x-api-key but does not record it", async () => {
    const exchange = await client.send({
      method: "POST",
      path: "/v1/echo",
      json: { hello: "world" },
      credential: { scheme: "x-api-key", key: KEY, variable: "MSQ_API_KEY" },
    });
    expect(echoedHeaders(exchange)["x-api-key"]).toBe(KEY);
    expect(JSON.stringify(exchange.request)).not.toContain(KEY);
    expect(exchange.request.credential).toEqual({ scheme: "x-api-key", variable: "MSQ_API_KEY" });
    expect(exchange.request.headers["content-type"]).toBe("application/json");
  });

  test("sends Bearer keys in Authorization", async () => {
    const exchange = await client.send({
      method: "POST",
      path: "/v1/echo",
      credential: { scheme: "bearer", key: KEY, variable: "MSQ_API_KEY" },
    });
    expect(echoedHeaders(exchange)["authorization"]).toBe(`Bearer ${KEY}`);
  });

  test("drops credential headers given as plain headers", async () => {
    const exchange = await client.send({
      method: "POST",
      path: "/v1/echo",
      headers: { "X-Api-Key": KEY },
      credential: { scheme: "none" },
    });
    expect(echoedHeaders(exchange)["x-api-key"]).toBeUndefined();
  });

  test("sends multipart fields and files", async () => {
    const exchange = await client.send({
      method: "POST",
      path: "/v1/echo",
      multipart: [
        { name: "purpose", value: "assistants" },
        {
          name: "file",
          filename: "note.txt",
          contentType: "text/plain",
          data: new TextEncoder().encode("hi there"),
        },
      ],
      credential: { scheme: "none" },
    });
    const echoed = responseJson(exchange);
    const received = echoed.ok
      ? (echoed.value as { headers: Record<string, string>; body: string })
      : undefined;
    expect(received?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(received?.body).toContain('name="file"; filename="note.txt"');
    expect(received?.body).toContain("hi there");
  });

  test("times out a late response", async () => {
    const exchange = await client.send({ method: "GET", path: "/v1/slow", credential: { scheme: "none" } });
    expect(exchange.error?.kind).toBe("timeout");
    expect(exchange.error?.message).toBe("no complete response within 300 ms");
    expect(exchange.response).toBeUndefined();
  });

  test("times out a server that never replies", async () => {
    const exchange = await client.send({
      method: "GET",
      path: "/v1/never",
      credential: { scheme: "none" },
      timeoutMs: 150,
    });
    expect(exchange.error?.kind).toBe("timeout");
    expect(exchange.durationMs).toBeLessThan(1_000);
  });

  test("records a reset connection", async () => {
    const exchange = await client.send({ method: "GET", path: "/v1/reset", credential: { scheme: "none" } });
    expect(exchange.error?.kind).toBe("connection");
  });

  test("records a refused connection", async () => {
    const closed = new HttpClient({
      root: "http://127.0.0.1:1",
      requestTimeoutMs: 300,
      connectTimeoutMs: 300,
    });
    const exchange = await closed.send({ method: "GET", path: "/v1/models", credential: { scheme: "none" } });
    await closed.close();
    expect(exchange.error?.kind).toBe("connection");
    expect(exchange.error?.message).toContain("ECONNREFUSED");
  });

  test("reads event streams as SSE", async () => {
    const exchange = await client.send({ method: "GET", path: "/v1/stream", credential: { scheme: "none" } });
    const sse = exchange.response?.sse;
    expect(sse?.events.map((event) => event.data)).toEqual(['{"n":1}', '{"n":2}', "[DONE]"]);
    expect(sse?.comments.map((comment) => comment.text)).toEqual(["keepalive"]);
    expect(new TextDecoder().decode(exchange.response?.body)).toContain("data: [DONE]");
  });

  test("appends the query string", async () => {
    const exchange = await client.send({
      method: "GET",
      path: "/v1/models",
      query: { limit: 5, after: undefined, order: "asc" },
      credential: { scheme: "none" },
    });
    expect(exchange.request.url).toBe(`${server.origin}/v1/models?limit=5&order=asc`);
    expect(exchange.request.path).toBe("/v1/models");
  });
});
