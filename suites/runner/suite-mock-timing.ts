import { ZERO_TIMING, type TimingModel } from "../../src/mock/timing-model.ts";

/**
 * Timing of the embedded mock in contract runs. One millisecond per token keeps ordinary chat
 * replies (16 tokens) fast. It also lets a workflow run whose agent has a large maxTokens last
 * long enough to be streamed and cancelled while it runs. A 10 ms heartbeat puts comment lines
 * on the workflow, factory and video run streams.
 */
export const SUITE_MOCK_TIMING: TimingModel = {
  ...ZERO_TIMING,
  chat: { ...ZERO_TIMING.chat, interTokenMs: 1 },
  workflowHeartbeatMs: 10,
  factoryHeartbeatMs: 10,
  videoHeartbeatMs: 10,
};
