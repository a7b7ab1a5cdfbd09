import { redactText } from "../log/redact.ts";
import { STOPPED_REASON, TIMEOUT_REASON } from "./in-flight-requests.ts";
import { truncateMessage, type RequestFailure } from "./request-outcome.ts";

/**
 * Classifies an error thrown by undici while a request was in flight. Returns "aborted" when the
 * run was stopped, because such a request is neither a success nor a failure of the target.
 * `timeoutMs` is the request timeout, named in the message of a timeout.
 */
export function classifyTransportError(
  error: unknown,
  signal: AbortSignal,
  headersReceived: boolean,
  streaming: boolean,
  timeoutMs: number,
): RequestFailure | "aborted" {
  if (signal.aborted && signal.reason === STOPPED_REASON) return "aborted";
  const code = errorCode(error);
  const text = describeError(error);
  const timeout = describeTimeout(signal, code, headersReceived, timeoutMs);
  if (timeout !== undefined) return { kind: "timeout", message: `timed out: ${timeout}` };
  if (streaming && headersReceived) {
    return { kind: "stream-incomplete", message: truncateMessage(`stream broke before [DONE]: ${text}`) };
  }
  return { kind: "connection-error", message: truncateMessage(redactText(text)) };
}

/**
 * Returns what timed out, with the limit and the option that sets it, or undefined for an error
 * that is not a timeout. undici's header and body timeouts are set to the request timeout too.
 */
function describeTimeout(
  signal: AbortSignal,
  code: string | undefined,
  headersReceived: boolean,
  timeoutMs: number,
): string | undefined {
  const limit = `${timeoutMs} ms (--timeout-ms)`;
  if (signal.aborted && signal.reason === TIMEOUT_REASON) {
    const stage = headersReceived ? "the response body did not end" : "no response headers arrived";
    return `${stage} within the request timeout of ${limit}`;
  }
  if (code === "UND_ERR_HEADERS_TIMEOUT") return `no response headers arrived within ${limit}`;
  if (code === "UND_ERR_BODY_TIMEOUT") return `no response body data arrived for ${limit}`;
  if (code === "UND_ERR_CONNECT_TIMEOUT") {
    return "the connection was not open within the connect timeout (--connect-timeout-ms)";
  }
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? undefined : errorCode(cause);
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = errorCode(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${code === undefined ? "" : `${code} `}${error.message}${cause}`;
}
