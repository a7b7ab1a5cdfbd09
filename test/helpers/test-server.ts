import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A scriptable HTTP server on 127.0.0.1 for tests of the harness's own error paths: it streams SSE
 * frames at planned times, replies late, never replies, resets the socket or sends broken SSE.
 * Routes are keyed "METHOD /path"; unknown routes get a 404 JSON body.
 */

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
  /** `performance.now()` when the request body had been read. */
  readonly receivedAt: number;
}

/** Socket of a request and a timer whose times are relative to `request.receivedAt`. */
export interface ResponderContext {
  readonly socket: Socket;
  /**
   * Runs `action` at `atMs` after the request arrived, correcting for time already passed. Skipped
   * when the socket is gone; cancelled by `TestServer.close`.
   */
  schedule(atMs: number, action: () => void): void;
}

/** Sends the response for one request. */
export type Responder = (
  request: RecordedRequest,
  response: ServerResponse,
  context: ResponderContext,
) => void;

export interface TestServer {
  /** "http://127.0.0.1:<port>" */
  readonly origin: string;
  /** "http://127.0.0.1:<port>/v1" */
  readonly baseUrl: string;
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Closes the server and destroys open sockets, also those of responders that never reply. */
  close(): Promise<void>;
}

export async function startTestServer(routes: Readonly<Record<string, Responder>>): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const path = (incoming.url ?? "/").split("?")[0] ?? "/";
      const request: RecordedRequest = {
        method: incoming.method ?? "GET",
        path,
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        receivedAt: performance.now(),
      };
      requests.push(request);
      const socket = incoming.socket;
      const context: ResponderContext = {
        socket,
        schedule(atMs, action) {
          const delay = Math.max(0, request.receivedAt + atMs - performance.now());
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (!socket.destroyed) action();
          }, delay);
          timers.add(timer);
        },
      };
      const responder =
        routes[`${request.method} ${path}`] ??
        replyJson({ error: { message: `no test route for ${request.method} ${path}` } }, { status: 404 });
      responder(request, response, context);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    baseUrl: `${origin}/v1`,
    requests,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ReplyOptions {
  readonly status?: number;
  readonly delayMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Replies with a JSON body, `delayMs` after the request arrived. */
export function replyJson(body: unknown, options: ReplyOptions = {}): Responder {
  return (_request, response, context) => {
    context.schedule(options.delayMs ?? 0, () => {
      const text = JSON.stringify(body);
      response.writeHead(options.status ?? 200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
        ...options.headers,
      });
      response.end(text);
    });
  };
}

/** Reads the request and never sends a byte back; `TestServer.close` ends the socket. */
export function neverReply(): Responder {
  return () => undefined;
}

export interface ResetOptions {
  /** When to reset, after the request arrived. */
  readonly afterMs?: number;
  /** Raw bytes written before the reset, such as a status line and part of a body. */
  readonly writeFirst?: string;
}

/** Resets the TCP connection (RST), optionally after writing some raw bytes. */
export function resetSocket(options: ResetOptions = {}): Responder {
  return (_request, _response, context) => {
    if (options.writeFirst !== undefined) context.socket.write(options.writeFirst);
    context.schedule(options.afterMs ?? 0, () => context.socket.resetAndDestroy());
  };
}

export interface SseFrame {
  /** Send time after the request arrived, in milliseconds. */
  readonly atMs: number;
  /** Raw text or bytes written as they are, so a test can send broken or split SSE. */
  readonly text: string | Uint8Array;
}

export interface SseOptions {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** What happens after the last frame: end the response (default), reset the socket, or hang. */
  readonly after?: "end" | "reset" | "hang";
}

/** Streams raw frames at their planned times as a `text/event-stream` response. */
export function sendSse(frames: readonly SseFrame[], options: SseOptions = {}): Responder {
  return (_request, response, context) => {
    response.writeHead(options.status ?? 200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      ...options.headers,
    });
    response.flushHeaders();
    const after = options.after ?? "end";
    const finish = (): void => {
      if (after === "end") response.end();
      else if (after === "reset") context.socket.resetAndDestroy();
    };
    // Frames planned for the same time go out in one timer callback, and the end goes with the last
    // of them. Separate timers for equal times could fire out of order, because each delay is
    // computed at a slightly different moment, and the response could then end before [DONE].
    const times = [...new Set(frames.map((frame) => frame.atMs))].sort((a, b) => a - b);
    if (times.length === 0) {
      context.schedule(0, finish);
      return;
    }
    times.forEach((atMs, index) => {
      context.schedule(atMs, () => {
        for (const frame of frames) if (frame.atMs === atMs) response.write(frame.text);
        if (index === times.length - 1) finish();
      });
    });
  };
}

export interface ChatStreamOptions {
  /** Time of the first content delta after the request arrived. The role-only chunk goes at 0. */
  readonly ttftMs: number;
  readonly interTokenMs: number;
  /** Tokens in the response; the request's `max_tokens` caps it. */
  readonly tokens: number;
  readonly tokensPerChunk?: number;
  /** Line ending of every SSE line. */
  readonly lineEnding?: "\n" | "\r\n" | "\r";
  /** Send the usage chunk: "request" (default) follows `stream_options.include_usage`. */
  readonly usage?: "request" | "always" | "never";
  /** Leave out `data: [DONE]`, and end, reset or hang as `after` says. */
  readonly omitDone?: boolean;
  readonly after?: SseOptions["after"];
  /** Send an in-band error event instead of the chunk that would carry this token index. */
  readonly errorAtToken?: number;
  /** Send `: heartbeat` comment lines between chunks. */
  readonly heartbeats?: boolean;
}

/**
 * Streams an OpenAI-style chat completion with known timing: a role-only chunk at once, the first
 * content delta at `ttftMs`, then one delta every `interTokenMs`, a finish_reason chunk, an
 * optional usage chunk and `data: [DONE]`.
 */
export function chatCompletionStream(options: ChatStreamOptions): Responder {
  return (request, response, context) => {
    const body = parseJsonObject(request.body);
    const maxTokens = typeof body["max_tokens"] === "number" ? body["max_tokens"] : Number.POSITIVE_INFINITY;
    const tokens = Math.min(options.tokens, maxTokens);
    const perChunk = options.tokensPerChunk ?? 1;
    const end = options.lineEnding ?? "\n";
    const streamOptions = body["stream_options"] as { include_usage?: unknown } | undefined;
    const usageMode = options.usage ?? "request";
    const includeUsage =
      usageMode === "always" || (usageMode === "request" && streamOptions?.include_usage === true);

    const base = {
      id: "chatcmpl-test",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "test-chat",
    };
    const frame = (atMs: number, payload: unknown): SseFrame => ({
      atMs,
      text: `data: ${JSON.stringify(payload)}${end}${end}`,
    });
    const frames: SseFrame[] = [
      frame(0, {
        ...base,
        choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
      }),
    ];

    let sent = 0;
    let atMs = options.ttftMs;
    while (sent < tokens) {
      if (options.errorAtToken !== undefined && sent >= options.errorAtToken) {
        frames.push(frame(atMs, { error: { message: "test stream failure", type: "server_error" } }));
        break;
      }
      const count = Math.min(perChunk, tokens - sent);
      const content = Array.from({ length: count }, (_unused, i) => `tok${sent + i} `).join("");
      if (options.heartbeats === true) frames.push({ atMs, text: `: heartbeat${end}` });
      frames.push(frame(atMs, { ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] }));
      sent += count;
      atMs += options.interTokenMs;
    }
    const lastAt = atMs - options.interTokenMs;

    const failed = options.errorAtToken !== undefined && sent < tokens;
    if (!failed) {
      frames.push(frame(lastAt, { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }));
      if (includeUsage) {
        const usage = { prompt_tokens: 5, completion_tokens: sent, total_tokens: sent + 5 };
        frames.push(frame(lastAt, { ...base, choices: [], usage }));
      }
    }
    if (options.omitDone !== true) frames.push({ atMs: lastAt, text: `data: [DONE]${end}${end}` });
    sendSse(frames, options.after === undefined ? {} : { after: options.after })(request, response, context);
  };
}

/** A non-streaming chat completion body with `tokens` output tokens. */
export function chatCompletionBody(tokens: number): unknown {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "test-chat",
    choices: [
      { index: 0, message: { role: "assistant", content: "tok ".repeat(tokens) }, finish_reason: "stop" },
    ],
    usage: { prompt_tokens: 5, completion_tokens: tokens, total_tokens: tokens + 5 },
  };
}

/** An embeddings response body with one vector of `dimensions` per input. */
export function embeddingsBody(inputs: number, dimensions: number): unknown {
  return {
    object: "list",
    model: "test-embedding",
    data: Array.from({ length: inputs }, (_unused, index) => ({
      object: "embedding",
      index,
      embedding: Array.from({ length: dimensions }, (_zero, i) => (i % 7) / 7),
    })),
    usage: { prompt_tokens: inputs * 3, total_tokens: inputs * 3 },
  };
}

function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
