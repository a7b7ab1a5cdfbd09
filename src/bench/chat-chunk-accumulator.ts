import type { SseEvent } from "../sse/sse-reader.ts";
import { truncateMessage, type RequestFailure, type StreamTiming } from "./request-outcome.ts";

/** Data payload that ends an OpenAI-style stream. */
export const DONE_PAYLOAD = "[DONE]";

/**
 * Follows the events of one streamed chat completion and keeps only what the metrics need: the
 * receive time of every non-empty content delta, the `usage` token count, `[DONE]`, and the first
 * defect (an error event or a payload that is not JSON).
 */
export class ChatChunkAccumulator {
  private readonly deltaTimes: number[] = [];
  private usageTokens: number | undefined;
  private doneSeen = false;
  private defect: RequestFailure | undefined;

  /** Takes one SSE event; events after `[DONE]` are ignored. */
  add(event: SseEvent): void {
    if (this.doneSeen || this.defect !== undefined) return;
    if (event.data === DONE_PAYLOAD) {
      this.doneSeen = true;
      return;
    }

    let payload: unknown;
    try {
      payload = JSON.parse(event.data);
    } catch {
      this.defect = {
        kind: "invalid-response",
        message: truncateMessage(`stream event ${event.index} is not JSON: ${event.data}`),
      };
      return;
    }
    if (event.event === "error" || hasProperty(payload, "error")) {
      this.defect = { kind: "stream-error-event", message: truncateMessage(`error event: ${event.data}`) };
      return;
    }
    if (!isObject(payload)) return;

    if (hasContentDelta(payload["choices"])) this.deltaTimes.push(event.receivedAt);
    const usage = payload["usage"];
    if (isObject(usage) && typeof usage["completion_tokens"] === "number") {
      this.usageTokens = usage["completion_tokens"];
    }
  }

  get done(): boolean {
    return this.doneSeen;
  }

  get failure(): RequestFailure | undefined {
    return this.defect;
  }

  /** Timing of the stream; output tokens come from `usage` when the server sent it. */
  timing(): StreamTiming {
    if (this.usageTokens !== undefined) {
      return { deltaTimes: this.deltaTimes, outputTokens: this.usageTokens, tokenSource: "usage" };
    }
    return {
      deltaTimes: this.deltaTimes,
      outputTokens: this.deltaTimes.length,
      tokenSource: "counted-deltas",
    };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function hasProperty(value: unknown, name: string): boolean {
  return isObject(value) && value[name] !== undefined && value[name] !== null;
}

/** True when any choice carries a non-empty `delta.content` string. */
function hasContentDelta(choices: unknown): boolean {
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    if (!isObject(choice)) continue;
    const delta = choice["delta"];
    if (isObject(delta) && typeof delta["content"] === "string" && delta["content"] !== "") return true;
  }
  return false;
}
