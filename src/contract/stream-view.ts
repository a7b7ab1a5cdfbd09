import type { Exchange } from "../http/exchange.ts";
import type { SseRules } from "../spec/sse-rules.ts";
import type { SseTranscript } from "../sse/read-sse-stream.ts";
import type { ContractFailure } from "../validation/contract-failure.ts";
import type { OperationInfo, ValidatorRegistry } from "../validation/validator-registry.ts";

/** One SSE event of a recorded stream, parsed and recognized against the stream's `x-sse` rules. */
export interface StreamEvent {
  /** Position in the stream, from 0. */
  readonly index: number;
  readonly data: string;
  /** The parsed JSON payload; undefined for the terminator and for data that is not JSON. */
  readonly payload: unknown;
  /** The JSON parse error, when the data is neither JSON nor the terminator. */
  readonly parseError: string | undefined;
  readonly terminator: boolean;
  /** Name of the documented event the payload was recognized as. */
  readonly name: string | undefined;
}

/** A recorded SSE response seen through its documented rules. */
export interface StreamView {
  readonly rules: SseRules;
  readonly transcript: SseTranscript;
  readonly events: readonly StreamEvent[];
  /** Failures of `validateEvent` for every event, in stream order. */
  readonly eventFailures: readonly ContractFailure[];
  /** Failures of `validateComment` for every comment line. */
  readonly commentFailures: readonly ContractFailure[];
  /** The raw body text, for rules about what follows the terminator. */
  readonly text: string;
}

const views = new WeakMap<Exchange, StreamView | null>();

/**
 * Returns the stream view of an exchange whose response is an SSE stream with documented rules,
 * or undefined for any other exchange. The events are validated once and the result is cached.
 */
export function streamView(
  operation: OperationInfo,
  exchange: Exchange,
  validators: ValidatorRegistry,
): StreamView | undefined {
  const cached = views.get(exchange);
  if (cached !== undefined) return cached ?? undefined;
  const view = buildView(operation, exchange, validators);
  views.set(exchange, view ?? null);
  return view;
}

function buildView(
  operation: OperationInfo,
  exchange: Exchange,
  validators: ValidatorRegistry,
): StreamView | undefined {
  const response = exchange.response;
  const transcript = response?.sse;
  if (response === undefined || transcript === undefined) return undefined;
  let rules: SseRules;
  try {
    rules = validators.sseRules(operation.operationId, response.status);
  } catch {
    // The status documents no event stream; content-type-conformance reports the mismatch.
    return undefined;
  }

  const events: StreamEvent[] = [];
  const eventFailures: ContractFailure[] = [];
  for (const event of transcript.events) {
    const result = validators.validateEvent({
      operationId: operation.operationId,
      status: response.status,
      data: event.data,
    });
    eventFailures.push(...result.failures);
    const terminator = result.terminator === true;
    let payload: unknown;
    let parseError: string | undefined;
    if (!terminator) {
      try {
        payload = JSON.parse(event.data);
      } catch (error) {
        parseError = error instanceof Error ? error.message : String(error);
      }
    }
    events.push({
      index: event.index,
      data: event.data,
      payload,
      parseError,
      terminator,
      name: result.event,
    });
  }
  const commentFailures = transcript.comments.flatMap((comment) =>
    validators.validateComment({
      operationId: operation.operationId,
      status: response.status,
      comment: comment.text,
    }),
  );
  return {
    rules,
    transcript,
    events,
    eventFailures,
    commentFailures,
    text: new TextDecoder().decode(response.body),
  };
}
