import { redactText } from "../log/redact.ts";
import { STOPPED_REASON, TIMEOUT_REASON } from "./in-flight-requests.ts";
import { truncateMessage, type RequestFailure } from "./request-outcome.ts";

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * Classifies an error thrown by undici while a request was in flight. Returns "aborted" when the
 * run was stopped, because such a request is neither a success nor a failure of the target.
 */
export function classifyTransportError(
  error: unknown,
  signal: AbortSignal,
  headersReceived: boolean,
  streaming: boolean,
): RequestFailure | "aborted" {
  if (signal.aborted && signal.reason === STOPPED_REASON) return "aborted";
  const code = errorCode(error);
  const text = describeError(error);
  if (
    (signal.aborted && signal.reason === TIMEOUT_REASON) ||
    (code !== undefined && TIMEOUT_CODES.has(code))
  ) {
    return { kind: "timeout", message: truncateMessage(`timed out: ${text}`) };
  }
  if (streaming && headersReceived) {
    return { kind: "stream-incomplete", message: truncateMessage(`stream broke before [DONE]: ${text}`) };
  }
  return { kind: "connection-error", message: truncateMessage(redactText(text)) };
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
