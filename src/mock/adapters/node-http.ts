import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { IncomingRequest, MockDeployment, PreparedResponse } from "../deployment.ts";
import { JSON_CONTENT_TYPE, SSE_CONTENT_TYPE } from "../mock-response.ts";
import { NodeBodySource } from "./node-body.ts";

/**
 * Creates the fast adapter: a `node:http` request listener that runs the deployment's pipeline
 * directly, without building Fetch API objects.
 */
export function createRequestListener(
  deployment: MockDeployment,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    new NodeExchange(deployment, request, response).run();
  };
}

/**
 * One request and its response. It is the `IncomingRequest` the deployment reads, so the adapter
 * builds no separate request object, signal holder or set of closures per request.
 *
 * The hot path avoids named closures on purpose: tsx (esbuild with `keepNames`) wraps every
 * function assigned to a name, an object property or a class field in a `__name()` call that
 * redefines its `name` property. In CPU profiles of the mock (Node 20, tsx 4) those calls were a
 * large share of a small request. Methods and arrow functions passed directly as arguments are
 * not wrapped.
 */
class NodeExchange implements IncomingRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: NodeBodySource;
  readonly receivedAt: number;
  readonly receivedAtEpochMs: number;
  private controller: AbortController | undefined;

  constructor(
    private readonly deployment: MockDeployment,
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
  ) {
    this.receivedAt = performance.now();
    this.receivedAtEpochMs = Date.now();
    this.method = request.method ?? "GET";
    this.url = request.url ?? "/";
    this.headers = singleValuedHeaders(request.headers);
    this.body = new NodeBodySource(request);
  }

  /**
   * Aborted when the client goes away before the response is complete. Created on first use:
   * most requests finish before anything waits on it, and an AbortController plus a `close`
   * listener per request is a measurable cost on the fast path.
   */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      if (this.disconnected) controller.abort();
      else this.response.once("close", () => this.onClose());
    }
    return this.controller.signal;
  }

  /** True once the connection closed before the response was complete. */
  private get disconnected(): boolean {
    // node:http marks the response destroyed when its socket closes; a finished response stays intact.
    return this.response.destroyed && !this.response.writableFinished;
  }

  run(): void {
    try {
      const prepared = this.deployment.handle(this);
      if (prepared instanceof Promise) {
        prepared.then((ready) => this.write(ready)).catch((error: unknown) => this.fail(error));
      } else {
        this.write(prepared)?.catch((error: unknown) => this.fail(error));
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private onClose(): void {
    if (!this.response.writableFinished) this.controller?.abort();
  }

  private write(prepared: PreparedResponse): Promise<void> | undefined {
    if (this.disconnected) return undefined;
    const mock = prepared.response;
    const response = this.response;
    // Flat [name, value, ...] headers, which writeHead takes without building an object.
    const headers: string[] = [];
    if (mock.headers !== undefined) {
      for (const name in mock.headers) headers.push(name, mock.headers[name] as string);
    }
    // Node drains an unread body before reusing the connection, but a body abandoned for its size
    // may be huge, so that connection closes instead.
    if (this.body.abandoned) headers.push("connection", "close");

    if (mock.kind === "sse") {
      headers.push("content-type", mock.contentType ?? SSE_CONTENT_TYPE, "cache-control", "no-cache");
      response.writeHead(mock.status, headers);
      response.flushHeaders();
      const sink = { write: (text: string) => response.write(text), end: () => response.end() };
      return this.deployment.writeStream(prepared, sink, this.signal);
    }

    let payload: string | Uint8Array;
    if (mock.kind === "json") {
      headers.push("content-type", mock.contentType ?? JSON_CONTENT_TYPE);
      payload = mock.serializedBody ?? JSON.stringify(mock.body) ?? "";
    } else {
      headers.push("content-type", mock.contentType);
      payload = mock.body;
    }
    const length = typeof payload === "string" ? Buffer.byteLength(payload) : payload.byteLength;
    headers.push("content-length", String(length));
    response.writeHead(mock.status, headers);
    response.end(payload);
    this.deployment.recordSend(prepared.at);
    return undefined;
  }

  private fail(error: unknown): void {
    this.deployment.logger.error(
      { err: error, method: this.method },
      "the mock's HTTP adapter failed to send a response",
    );
    const response = this.response;
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.writeHead(500, { "content-type": JSON_CONTENT_TYPE });
    response.end(
      JSON.stringify({ success: false, message: "The mock failed to send a response. See the mock's log." }),
    );
  }
}

/**
 * Returns the headers with one string per name; node:http gives a list for a repeated
 * `set-cookie`, which is joined with ", ". Most requests have no list, so the object is used as
 * it is instead of copied.
 */
function singleValuedHeaders(headers: IncomingHttpHeaders): Readonly<Record<string, string>> {
  for (const name in headers) {
    if (typeof headers[name] !== "string") return joinHeaderLists(headers);
  }
  return headers as Record<string, string>;
}

function joinHeaderLists(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    result[name] = typeof value === "string" ? value : value.join(", ");
  }
  return result;
}
