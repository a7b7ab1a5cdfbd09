/**
 * Child-process entry of the embedded mock for benchmarks (see `mock-process.ts`). It starts the
 * mock on 127.0.0.1 with the timing model it receives over IPC, and sends back its address and the
 * first seeded account's key. It replies to drift requests and exits on "close" or when the parent
 * is gone.
 */
import { ConfigError } from "../config/config-error.ts";
import { startMock, type RunningMock } from "../mock/server.ts";
import type { TimingModel } from "../mock/timing-model.ts";
import type { MockChildMessage, MockParentMessage } from "./mock-process.ts";

let mock: RunningMock | undefined;

function send(message: MockChildMessage): void {
  process.send?.(message);
}

async function shutdown(code: number): Promise<never> {
  const running = mock;
  mock = undefined;
  await running?.close().catch(() => undefined);
  process.exit(code);
}

process.on("message", (message: MockParentMessage) => {
  if (message.type === "start") void start(message.timing);
  else if (message.type === "drift" && mock !== undefined) send({ type: "drift", drift: mock.timingDrift() });
  else if (message.type === "close") void shutdown(0);
});
process.on("disconnect", () => void shutdown(0));

async function start(timing: TimingModel): Promise<void> {
  try {
    mock = await startMock({ host: "127.0.0.1", port: 0, timing });
    const account = mock.accounts[0];
    if (account === undefined) throw new Error("the mock has no seeded account");
    send({ type: "ready", baseUrl: mock.baseUrl, apiKey: account.apiKey });
  } catch (error) {
    send({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
      configuration: error instanceof ConfigError,
    });
    await shutdown(1);
  }
}
