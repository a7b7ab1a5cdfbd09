import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { MockDeployment, PreparedResponse } from "../deployment.ts";
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
    const receivedAt = performance.now();
    const disconnect = new DisconnectSignal();
    response.on("close", () => {
      if (!response.writableFinished) disconnect.trigger();
    });
    const fail = (error: unknown): void => {
      deployment.logger.error(
        { err: error, method: request.method },
        "the mock's HTTP adapter failed to send a response",
      );
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": JSON_CONTENT_TYPE });
        response.end(
          JSON.stringify({
            success: false,
            message: "The mock failed to send a response. See the mock's log.",
          }),
        );
      } else {
        response.destroy();
      }
    };
    const body = new NodeBodySource(request);
    try {
      const prepared = deployment.handle({
        method: request.method ?? "GET",
        url: request.url ?? "/",
        headers: flattenHeaders(request.headers),
        body,
        receivedAt,
        receivedAtEpochMs: Date.now(),
        get signal() {
          return disconnect.signal;
        },
      });
      if (prepared instanceof Promise) {
        prepared.then((ready) => writeResponse(deployment, ready, body, response, disconnect)).catch(fail);
      } else {
        writeResponse(deployment, prepared, body, response, disconnect)?.catch(fail);
      }
    } catch (error) {
      fail(error);
    }
  };
}

function writeResponse(
  deployment: MockDeployment,
  prepared: PreparedResponse,
  body: NodeBodySource,
  response: ServerResponse,
  disconnect: DisconnectSignal,
): Promise<void> | void {
  if (disconnect.triggered) return;
  const mock = prepared.response;
  const headers: OutgoingHttpHeaders = { ...mock.headers };
  // Node drains an unread body before reusing the connection, but a body abandoned for its size
  // may be huge, so that connection closes instead.
  if (body.abandoned) headers["connection"] = "close";

  if (mock.kind === "sse") {
    headers["content-type"] = mock.contentType ?? SSE_CONTENT_TYPE;
    headers["cache-control"] = "no-cache";
    response.writeHead(mock.status, headers);
    response.flushHeaders();
    const sink = { write: (text: string) => response.write(text), end: () => response.end() };
    return deployment.writeStream(prepared, sink, disconnect.signal);
  }

  let payload: string | Uint8Array;
  if (mock.kind === "json") {
    headers["content-type"] = mock.contentType ?? JSON_CONTENT_TYPE;
    payload = mock.serializedBody ?? JSON.stringify(mock.body) ?? "";
  } else {
    headers["content-type"] = mock.contentType;
    payload = mock.body;
  }
  headers["content-length"] = typeof payload === "string" ? Buffer.byteLength(payload) : payload.byteLength;
  response.writeHead(mock.status, headers);
  response.end(payload);
  deployment.recordSend(prepared.at);
}

/**
 * The request's abort signal, created on first use: most requests finish before anything waits
 * on it, and an AbortController per request is a measurable cost on the fast path.
 */
class DisconnectSignal {
  private controller: AbortController | undefined;
  triggered = false;

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.triggered) this.controller.abort();
    }
    return this.controller.signal;
  }

  /** Marks the client as gone and aborts the signal if it exists. */
  trigger(): void {
    this.triggered = true;
    this.controller?.abort();
  }
}

function flattenHeaders(headers: IncomingMessage["headers"]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    result[name] = typeof value === "string" ? value : value.join(", ");
  }
  return result;
}
