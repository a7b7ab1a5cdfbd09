import { http, type HttpHandler } from "msw";
import type { MockDeployment, PreparedResponse } from "../deployment.ts";
import { JSON_CONTENT_TYPE, SSE_CONTENT_TYPE } from "../mock-response.ts";
import { FALLBACK_ORIGIN } from "../request-origin.ts";
import { FetchBodySource } from "./fetch-body.ts";

/**
 * Origin whose requests the msw handlers take by default: the server URL of the spec. msw
 * intercepts requests in-process, so nothing needs to listen there.
 */
export const DEFAULT_MSW_ORIGIN = FALLBACK_ORIGIN;

/**
 * Creates the in-process adapter: msw request handlers for `setupServer` that run the
 * deployment's pipeline for every request under `origin`.
 */
export function createMswHandlers(
  deployment: MockDeployment,
  origin: string = DEFAULT_MSW_ORIGIN,
): HttpHandler[] {
  const base = origin.replace(/\/+$/, "");
  return [
    http.all(`${base}/*`, async ({ request }) => {
      const receivedAt = performance.now();
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const aborter = new AbortController();
      request.signal.addEventListener("abort", () => aborter.abort(), { once: true });
      const prepared = await deployment.handle({
        method: request.method,
        url: `${url.pathname}${url.search}`,
        headers,
        body: new FetchBodySource(request),
        receivedAt,
        receivedAtEpochMs: Date.now(),
        signal: aborter.signal,
      });
      return toFetchResponse(deployment, prepared, aborter);
    }),
  ];
}

function toFetchResponse(
  deployment: MockDeployment,
  prepared: PreparedResponse,
  aborter: AbortController,
): Response {
  const mock = prepared.response;
  const headers = new Headers(mock.headers);

  if (mock.kind === "sse") {
    headers.set("content-type", mock.contentType ?? SSE_CONTENT_TYPE);
    headers.set("cache-control", "no-cache");
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const sink = {
          write: (text: string) => controller.enqueue(encoder.encode(text)),
          end: () => {
            if (!aborter.signal.aborted) controller.close();
          },
        };
        void deployment.writeStream(prepared, sink, aborter.signal);
      },
      cancel() {
        aborter.abort();
      },
    });
    return new Response(stream, { status: mock.status, headers });
  }

  let body: string | Uint8Array<ArrayBuffer>;
  if (mock.kind === "json") {
    headers.set("content-type", mock.contentType ?? JSON_CONTENT_TYPE);
    const serialized = mock.serializedBody;
    if (serialized === undefined) body = JSON.stringify(mock.body) ?? "";
    else if (typeof serialized === "string") body = serialized;
    else body = serialized.slice();
  } else if (mock.kind === "text") {
    headers.set("content-type", mock.contentType);
    body = mock.body;
  } else {
    headers.set("content-type", mock.contentType);
    body = mock.body.slice();
  }
  deployment.recordSend(prepared.at);
  return new Response(body, { status: mock.status, headers });
}
