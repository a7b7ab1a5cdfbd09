import type { Dispatcher } from "undici";
import { redactText } from "../log/redact.ts";
import { TIMEOUT_REASON } from "./in-flight-requests.ts";
import type { PreparedRequest } from "./prepared-request.ts";
import { truncateMessage, type RequestFailure, type RequestOutcome } from "./request-outcome.ts";
import type { SendOptions } from "./stream-client.ts";
import { classifyTransportError } from "./transport-failure.ts";

/**
 * Sends a non-streaming request (chat completion or embeddings) through an undici dispatcher and
 * checks the 2xx body before it counts as a success: valid JSON, and for embeddings one vector
 * per input. Latency ends when the last body byte arrives; the check runs after that.
 */
export async function sendRequest(
  dispatcher: Dispatcher,
  request: PreparedRequest,
  plannedAt: number,
  options: SendOptions,
): Promise<RequestOutcome> {
  const controller = options.inFlight.track();
  const timer = setTimeout(() => controller.abort(TIMEOUT_REASON), options.timeoutMs);
  const sentAt = performance.now();
  let headersAt: number | undefined;
  let firstByteAt: number | undefined;
  let status: number | undefined;
  let bytesReceived = 0;

  const outcome = (
    endedAt: number,
    failure: RequestFailure | undefined,
    outputTokens: number | undefined,
    aborted = false,
  ): RequestOutcome => ({
    plannedAt,
    sentAt,
    headersAt,
    firstByteAt,
    endedAt,
    status,
    bytesReceived,
    failure,
    stream: undefined,
    outputTokens,
    aborted,
  });

  try {
    const response = await dispatcher.request({
      origin: request.origin,
      path: request.path,
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    headersAt = performance.now();
    status = response.statusCode;
    const chunks: Buffer[] = [];
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      firstByteAt ??= performance.now();
      bytesReceived += chunk.byteLength;
      chunks.push(chunk);
    }
    const endedAt = performance.now();
    const text = Buffer.concat(chunks).toString("utf8");
    if (status < 200 || status >= 300) {
      return outcome(
        endedAt,
        { kind: "http-status", message: truncateMessage(`HTTP ${status}: ${redactText(text)}`) },
        undefined,
      );
    }
    const checked = checkBody(text, request.expectedEmbeddings);
    return typeof checked === "object"
      ? outcome(endedAt, checked, undefined)
      : outcome(endedAt, undefined, checked);
  } catch (error) {
    const endedAt = performance.now();
    const classified = classifyTransportError(
      error,
      controller.signal,
      headersAt !== undefined,
      false,
      options.timeoutMs,
    );
    if (classified === "aborted") return outcome(endedAt, undefined, undefined, true);
    return outcome(endedAt, classified, undefined);
  } finally {
    clearTimeout(timer);
    options.inFlight.release(controller);
  }
}

/** Returns the output tokens of a valid body (undefined when it states none), or the defect. */
function checkBody(
  text: string,
  expectedEmbeddings: number | undefined,
): number | undefined | RequestFailure {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: "invalid-response", message: truncateMessage(`2xx body is not JSON: ${text}`) };
  }
  if (body === null || typeof body !== "object") {
    return { kind: "invalid-response", message: truncateMessage(`2xx body is not a JSON object: ${text}`) };
  }
  const record = body as Record<string, unknown>;
  if (expectedEmbeddings !== undefined) {
    const data = record["data"];
    const vectors = Array.isArray(data) ? data.length : 0;
    if (vectors !== expectedEmbeddings) {
      return {
        kind: "invalid-response",
        message: `expected ${expectedEmbeddings} embeddings in data[], received ${vectors}`,
      };
    }
  }
  const usage = record["usage"] as Record<string, unknown> | undefined;
  const tokens = usage?.["completion_tokens"];
  return typeof tokens === "number" ? tokens : undefined;
}
