import { mulberry32 } from "./seeded-random.ts";
import type { TimingModel } from "./timing-model.ts";

/**
 * Turns the timing model into planned send times, applying the model's seeded jitter.
 *
 * Planned times are absolute (ms on the `performance.now()` clock). The jitter sequence is
 * deterministic for a seed, but calls from concurrent requests interleave, so only the
 * distribution of delays is reproducible, not which request gets which delay.
 */
export class TimingPlanner {
  private readonly random: (() => number) | undefined;
  /** True when the model has no delay at all, so handlers and the deployment can skip planning. */
  readonly isZero: boolean;

  constructor(readonly model: TimingModel) {
    this.random = model.jitter === undefined ? undefined : mulberry32(model.jitter.seed);
    const { chat, latencyMs, embedding } = model;
    this.isZero =
      chat.ttftMs === 0 &&
      chat.interTokenMs === 0 &&
      (embedding?.batchMs ?? 0) === 0 &&
      Object.values(latencyMs).every((ms) => ms === 0);
  }

  /** Applies jitter to one delay: `ms * (1 + u)` with `u` uniform in ±ratio. */
  jitter(ms: number): number {
    if (this.random === undefined || ms === 0 || this.model.jitter === undefined) return ms;
    const ratio = this.model.jitter.ratio;
    return ms * (1 + (this.random() * 2 - 1) * ratio);
  }

  /** Returns the planned start of the response of `operationId` to a request that arrived at `receivedAt`. */
  responseStart(operationId: string, receivedAt: number): number {
    const latency = this.model.latencyMs[operationId] ?? this.model.latencyMs.default;
    return receivedAt + this.jitter(latency);
  }

  /**
   * Planned times of a chat completion's content deltas: the first at `ttftMs` after arrival
   * (never before the stream opens at `openAt`), then one every `interTokenMs`.
   */
  chatDeltaTimes(receivedAt: number, openAt: number, deltaCount: number): number[] {
    const { ttftMs, interTokenMs } = this.model.chat;
    const times: number[] = [];
    let at = Math.max(openAt, receivedAt + this.jitter(ttftMs));
    for (let index = 0; index < deltaCount; index += 1) {
      if (index > 0) at += this.jitter(interTokenMs);
      times.push(at);
    }
    return times;
  }
}
