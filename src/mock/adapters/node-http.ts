import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { MockDeployment, PreparedResponse } from "../deployment.ts";
import { JSON_CONTENT_TYPE, SSE_CONTENT_TYPE } from "../mock-response.ts";
import { NodeBodySource } from "./node-body.ts";

/**
 * The fast adapter: a `node:http` request listener that runs the deployment's pipeline directly,
 * without building Fetch API objects.
 */
export function createRequestListener(deployment: MockDeployment): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const receivedAt = performance.now();
    const aborter = new AbortController();
    response.on("close", () => {
      if (!response.writableFinished) aborter.abort();
    });
    deployment
      .handle({
        method: request.method ?? "GET",
        url: request.url ?? "/",
        headers: flattenHeaders(request.headers),
        body: new NodeBodySource(request),
        receivedAt,
        receivedAtEpochMs: Date.now(),
        signal: aborter.signal,
      })
      .then((prepared) => writeResponse(deployment, prepared, request, response, aborter.signal))
      .catch((error: unknown) => {
        deployment.logger.error({ err: error, method: request.method }, "the mock's HTTP adapter failed to answer");
        if (!response.headersSent) {
          response.writeHead(500, { "content-type": JSON_CONTENT_TYPE });
          response.end(JSON.stringify({ success: false, message: "The mock failed to answer. See the mock's log." }));
        } else {
          response.destroy();
        }
      });
  };
}

function writeResponse(
  deployment: MockDeployment,
  prepared: PreparedResponse,
  request: IncomingMessage,
  response: ServerResponse,
  signal: AbortSignal,
): Promise<void> | void {
  if (signal.aborted) return;
  const mock = prepared.response;
  const headers: OutgoingHttpHeaders = { ...mock.headers };
  // A body the pipeline did not read (or rejected) would otherwise be drained on a kept-alive socket.
  if (!request.complete) headers["connection"] = "close";

  if (mock.kind === "sse") {
    headers["content-type"] = mock.contentType ?? SSE_CONTENT_TYPE;
    headers["cache-control"] = "no-cache";
    response.writeHead(mock.status, headers);
    response.flushHeaders();
    return deployment.writeStream(prepared, { write: (text) => response.write(text), end: () => response.end() }, signal);
  }

  let body: string | Uint8Array;
  if (mock.kind === "json") {
    headers["content-type"] = mock.contentType ?? JSON_CONTENT_TYPE;
    body = mock.serializedBody ?? JSON.stringify(mock.body) ?? "";
  } else {
    headers["content-type"] = mock.contentType;
    body = mock.body;
  }
  headers["content-length"] = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  response.writeHead(mock.status, headers);
  response.end(body);
  deployment.recordSend(prepared.at);
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
