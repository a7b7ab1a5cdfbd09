import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../config/config-error.ts";
import { registerSecret } from "../log/redact.ts";
import type { TimingModel } from "../mock/timing-model.ts";
import type { MockTimingDrift } from "./bench-report.ts";

/** Messages from the parent to the mock child. */
export type MockParentMessage =
  { type: "start"; timing: TimingModel } | { type: "drift" } | { type: "close" };

/** Messages from the mock child to the parent. */
export type MockChildMessage =
  | { type: "ready"; baseUrl: string; apiKey: string }
  | { type: "drift"; drift: MockTimingDrift }
  | { type: "error"; message: string; configuration: boolean };

export interface EmbeddedMock {
  readonly baseUrl: string;
  /** Key of the first seeded account. */
  readonly apiKey: string;
  /** Process id of the mock's child process, for tools that pin it to a CPU. */
  readonly pid: number | undefined;
  /** Lateness of the mock's sends against its timing model so far. */
  timingDrift(): Promise<MockTimingDrift | undefined>;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const REPLY_TIMEOUT_MS = 5_000;
const CHILD_ENTRY = fileURLToPath(new URL("./mock-child.ts", import.meta.url));
/**
 * URL of the tsx loader as this module resolves it. A bare "tsx" in `--import` would be resolved
 * from the working directory, and that fails when the CLI runs from outside the project.
 */
const TSX_LOADER = import.meta.resolve("tsx");

/**
 * Starts the embedded mock in a child Node process on 127.0.0.1. A separate process keeps the
 * mock's work off the load client's event loop, so client timing is not shared with the server.
 * The child exits when `close` is called or when this process ends.
 */
export async function startEmbeddedMock(timing: TimingModel): Promise<EmbeddedMock> {
  const child = fork(CHILD_ENTRY, [], {
    // A process group of its own keeps a terminal's Ctrl-C, which signals the whole foreground
    // group, away from the mock: the run stops on it and still reads the mock's send lateness for
    // the partial report. The IPC channel ends the child with this process in any case.
    detached: true,
    execArgv: ["--import", TSX_LOADER],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: { ...process.env, MSQ_LOG_LEVEL: process.env["MSQ_LOG_LEVEL"] ?? "silent" },
  });
  const ready = await waitFor(
    child,
    (message) => message.type === "ready" || message.type === "error",
    START_TIMEOUT_MS,
    () => child.send({ type: "start", timing } satisfies MockParentMessage),
  );
  if (ready?.type === "error" && ready.configuration) {
    // A bad timing model is the user's to fix, so it gets the same one-line error as other options.
    child.kill();
    throw new ConfigError(`--mock-timing or the scenario's mock.timing: ${ready.message}`);
  }
  if (ready === undefined || ready.type !== "ready") {
    child.kill();
    const exited =
      child.exitCode !== null
        ? `the mock process exited with code ${child.exitCode} (its error is above)`
        : child.signalCode !== null
          ? `the mock process was ended by ${child.signalCode}`
          : undefined;
    const reason =
      ready?.type === "error"
        ? ready.message
        : (exited ?? `no ready message within ${START_TIMEOUT_MS / 1000} s`);
    throw new Error(`the embedded mock failed to start: ${reason}`);
  }
  registerSecret(ready.apiKey);

  return {
    baseUrl: ready.baseUrl,
    apiKey: ready.apiKey,
    pid: child.pid,
    async timingDrift() {
      if (child.exitCode !== null || !child.connected) return undefined;
      const reply = await waitFor(
        child,
        (message) => message.type === "drift",
        REPLY_TIMEOUT_MS,
        () => child.send({ type: "drift" } satisfies MockParentMessage),
      );
      return reply?.type === "drift" ? reply.drift : undefined;
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      if (child.connected) child.send({ type: "close" } satisfies MockParentMessage);
      const timer = setTimeout(() => child.kill("SIGKILL"), REPLY_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Sends with `trigger` and resolves with the first matching message, or undefined on timeout or exit. */
function waitFor(
  child: ChildProcess,
  match: (message: MockChildMessage) => boolean,
  timeoutMs: number,
  trigger: () => void,
): Promise<MockChildMessage | undefined> {
  return new Promise((resolve) => {
    const finish = (value: MockChildMessage | undefined): void => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(value);
    };
    const onMessage = (message: MockChildMessage): void => {
      if (match(message)) finish(message);
    };
    const onExit = (): void => finish(undefined);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    child.on("message", onMessage);
    child.on("exit", onExit);
    trigger();
  });
}
