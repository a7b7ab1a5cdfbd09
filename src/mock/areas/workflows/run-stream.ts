import type { OperationContext } from "../../area.ts";
import type { SseFrame, SseResponse } from "../../mock-response.ts";
import { DEFAULT_WORKFLOW_HEARTBEAT_MS } from "../../timing-model.ts";
import type { TimingScheduler } from "../../timing-scheduler.ts";
import type { RunEvent, RunState } from "./run-records.ts";
import { runRecordView } from "./run-views.ts";

/** Text of a heartbeat comment line without its leading colon: `workflow-heartbeat <epoch-ms>`. */
export function heartbeatComment(epochMs: number): string {
  return `workflow-heartbeat ${Math.round(epochMs)}`;
}

/**
 * Builds the SSE response of `GET /v1/core/workflow-runs/{runId}/stream`: the `snapshot` of the
 * run first, then each event of the run as it happens, a `:workflow-heartbeat <epoch-ms>` comment
 * line every heartbeat interval, and `[DONE]` after the run's terminal event. A run that already
 * ended gets its snapshot, its terminal event and `[DONE]`.
 */
export function runStreamResponse(context: OperationContext, run: RunState): SseResponse {
  const heartbeatMs = context.timing.model.workflowHeartbeatMs ?? DEFAULT_WORKFLOW_HEARTBEAT_MS;
  const { receivedAt, receivedAtEpochMs } = context.request;
  const scheduler = context.scheduler;

  function* endOfRun(event: RunEvent): Generator<SseFrame> {
    yield { data: event.payload };
    yield { data: "[DONE]" };
  }

  async function* frames(signal: AbortSignal): AsyncGenerator<SseFrame> {
    // Subscribe in the same step as the snapshot, so no event falls between the two.
    const snapshot: SseFrame = { data: { type: "snapshot", record: runRecordView(run) } };
    const ended = run.terminalEvent;
    if (ended !== undefined) {
      yield snapshot;
      yield* endOfRun(ended);
      return;
    }
    const queue = new EventQueue(scheduler);
    const subscriber = (event: RunEvent): void => queue.push(event);
    run.subscribers.add(subscriber);
    try {
      yield snapshot;
      let heartbeatAt = scheduler.now() + heartbeatMs;
      for (;;) {
        const next = await queue.next(heartbeatAt, signal);
        if (next === "aborted") return;
        if (next === "heartbeat") {
          const epochMs = receivedAtEpochMs + (heartbeatAt - receivedAt);
          yield { at: heartbeatAt, raw: `:${heartbeatComment(epochMs)}\n\n` };
          heartbeatAt += heartbeatMs;
          continue;
        }
        yield { at: next.at, data: next.payload };
        if (next === run.terminalEvent) {
          yield { at: next.at, data: "[DONE]" };
          return;
        }
      }
    } finally {
      run.subscribers.delete(subscriber);
    }
  }

  return { kind: "sse", status: 200, frames };
}

/** Events of one stream waiting to be sent, with a wait that also ends at the next heartbeat. */
class EventQueue {
  private readonly events: RunEvent[] = [];
  private wake: (() => void) | undefined;

  constructor(private readonly scheduler: TimingScheduler) {}

  push(event: RunEvent): void {
    this.events.push(event);
    this.wake?.();
  }

  /** Returns the next event, or `heartbeat` once `heartbeatAt` passes first, or `aborted`. */
  async next(heartbeatAt: number, signal: AbortSignal): Promise<RunEvent | "heartbeat" | "aborted"> {
    for (;;) {
      const event = this.events.shift();
      if (event !== undefined) return event;
      if (signal.aborted) return "aborted";
      if (this.scheduler.now() >= heartbeatAt) return "heartbeat";
      const woken = new AbortController();
      this.wake = () => woken.abort();
      try {
        await this.scheduler.waitUntil(heartbeatAt, AbortSignal.any([signal, woken.signal]));
      } finally {
        this.wake = undefined;
      }
    }
  }
}
