import { Writable } from "node:stream";
import type { Dispatcher } from "undici";
import { redactText } from "../log/redact.ts";
import { createSseReader, SseBufferOverflowError } from "../sse/sse-reader.ts";
import { ChatChunkAccumulator } from "./chat-chunk-accumulator.ts";
import { TIMEOUT_REASON, type InFlightRequests } from "./in-flight-requests.ts";
import type { PreparedRequest } from "./prepared-request.ts";
import { truncateMessage, type RequestFailure, type RequestOutcome } from "./request-outcome.ts";
import { classifyTransportError } from "./transport-failure.ts";

export interface SendOptions {
  /** Whole-request limit in milliseconds, from the send to the end of the body. */
  readonly timeoutMs: number;
  readonly inFlight: InFlightRequests;
}

const ERROR_BODY_LIMIT = 2048;

/**
 * Sends a streaming chat completion through an undici dispatcher (a Pool) and times every chunk:
 * headers, first body byte, each non-empty content delta and the end of the stream.
 * Each body read is stamped with `performance.now()` as it reaches the Writable, before SSE
 * parsing, so the parsing cost of a read does not shift the time of the events it carries.
 */
export async function sendStreamingChat(
  dispatcher: Dispatcher,
  request: PreparedRequest,
  plannedAt: number,
  options: SendOptions,
): Promise<RequestOutcome> {
  const controller = options.inFlight.track();
  const timer = setTimeout(() => controller.abort(TIMEOUT_REASON), options.timeoutMs);
  const accumulator = new ChatChunkAccumulator();
  const reader = createSseReader({ onEvent: (event) => accumulator.add(event) });
  const sentAt = performance.now();
  let headersAt: number | undefined;
  let firstByteAt: number | undefined;
  let status: number | undefined;
  let bytesReceived = 0;
  let errorBody = "";
  let contentType: string | undefined;
  let failure: RequestFailure | undefined;

  try {
    await dispatcher.stream(
      {
        origin: request.origin,
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      },
      ({ statusCode, headers }) => {
        headersAt = performance.now();
        status = statusCode;
        contentType = headerValue(headers["content-type"]);
        const ok = statusCode >= 200 && statusCode < 300;
        return new Writable({
          write(chunk: Buffer, _encoding, callback) {
            const receivedAt = performance.now();
            firstByteAt ??= receivedAt;
            bytesReceived += chunk.byteLength;
            if (!ok) {
              if (errorBody.length < ERROR_BODY_LIMIT) errorBody += chunk.toString("utf8");
              callback();
              return;
            }
            try {
              reader.push(chunk, receivedAt);
              callback();
            } catch (error) {
              callback(error as Error);
            }
          },
        });
      },
    );
    const endedAt = performance.now();
    failure = streamFailure(status, errorBody, accumulator, reader.end(endedAt).discardedData);
    failure = withContentTypeNote(failure, contentType);
    return outcome(endedAt, failure, false);
  } catch (error) {
    const endedAt = performance.now();
    if (error instanceof SseBufferOverflowError) {
      return outcome(endedAt, { kind: "invalid-response", message: truncateMessage(error.message) }, false);
    }
    const classified = classifyTransportError(
      error,
      controller.signal,
      headersAt !== undefined,
      true,
      options.timeoutMs,
    );
    if (classified === "aborted") return outcome(endedAt, undefined, true);
    return outcome(endedAt, classified, false);
  } finally {
    clearTimeout(timer);
    options.inFlight.release(controller);
  }

  function outcome(endedAt: number, result: RequestFailure | undefined, aborted: boolean): RequestOutcome {
    return {
      plannedAt,
      sentAt,
      headersAt,
      firstByteAt,
      endedAt,
      status,
      bytesReceived,
      failure: result,
      stream: result === undefined && !aborted ? accumulator.timing() : undefined,
      outputTokens: undefined,
      aborted,
    };
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * Prefixes the content type to the failure of a 2xx response that is not `text/event-stream`. Such
 * a body is often a proxy's login or error page, and without the note it shows only as a stream
 * without `[DONE]`.
 */
function withContentTypeNote(
  failure: RequestFailure | undefined,
  contentType: string | undefined,
): RequestFailure | undefined {
  if (failure === undefined || failure.kind === "http-status") return failure;
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType === "text/event-stream") return failure;
  const received = contentType === undefined ? "no content-type" : `content-type "${contentType}"`;
  return {
    kind: failure.kind,
    message: truncateMessage(`the 2xx response has ${received}, not text/event-stream: ${failure.message}`),
  };
}

function streamFailure(
  status: number | undefined,
  errorBody: string,
  accumulator: ChatChunkAccumulator,
  discardedData: string | undefined,
): RequestFailure | undefined {
  if (status === undefined || status < 200 || status >= 300) {
    return {
      kind: "http-status",
      message: truncateMessage(`HTTP ${status ?? "?"}: ${redactText(errorBody)}`),
    };
  }
  if (accumulator.failure !== undefined) return accumulator.failure;
  if (!accumulator.done) {
    const tail = discardedData === undefined ? "" : `; unfinished event: ${discardedData}`;
    return {
      kind: "stream-incomplete",
      message: truncateMessage(`stream ended without data: [DONE]${tail}`),
    };
  }
  if (accumulator.timing().deltaTimes.length === 0) {
    return { kind: "invalid-response", message: "stream ended with [DONE] but carried no content delta" };
  }
  return undefined;
}
