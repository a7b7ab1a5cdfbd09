import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test, vi } from "vitest";
import { EXIT_CONFIG, EXIT_OK, main } from "../../src/cli/main.ts";

const BIN = fileURLToPath(new URL("../../bin/msq-harness.js", import.meta.url));

afterEach(() => {
  vi.restoreAllMocks();
});

function captureOutput(): { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation(
    (chunk: string | Uint8Array) => out.push(String(chunk)) > 0,
  );
  vi.spyOn(process.stderr, "write").mockImplementation(
    (chunk: string | Uint8Array) => err.push(String(chunk)) > 0,
  );
  return { stdout: () => out.join(""), stderr: () => err.join("") };
}

describe("msq-harness mock", () => {
  test("--list-faults prints every fault", async () => {
    const output = captureOutput();
    expect(await main(["node", "msq-harness", "mock", "--list-faults"])).toBe(EXIT_OK);
    expect(output.stdout()).toMatch(/^NAME +AREA +KIND +RULE IT BREAKS$/m);
    expect(output.stdout()).toMatch(
      /^provider-key-unmasked +providers +masking +Provider API keys are masked in every read\.$/m,
    );
    expect(output.stdout()).toMatch(/^\d+ faults\./m);
  });

  test("unknown fault is a configuration error", async () => {
    const output = captureOutput();
    expect(await main(["node", "msq-harness", "mock", "--fault", "no-such-fault"])).toBe(EXIT_CONFIG);
    expect(output.stderr()).toMatch(/--fault \/ MSQ_MOCK_FAULTS: unknown fault "no-such-fault"/);
  });

  test("non-loopback host is a configuration error", async () => {
    const output = captureOutput();
    expect(await main(["node", "msq-harness", "mock", "--host", "0.0.0.0"])).toBe(EXIT_CONFIG);
    expect(output.stderr()).toMatch(/loopback address/);
  });

  test("busy port is a configuration error", async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const output = captureOutput();
      expect(await main(["node", "msq-harness", "mock", "--port", String(port)])).toBe(EXIT_CONFIG);
      expect(output.stderr()).toContain(
        `Cannot start the mock: 127.0.0.1 port ${port} is already in use (EADDRINUSE).`,
      );
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  test("serves until SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [BIN, "mock", "--port", "0", "--fault", "chat-stream-done-missing"],
      {
        env: { ...process.env, MSQ_LOG_LEVEL: "info", MSQ_MOCK_FAULTS: "provider-key-unmasked" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no base URL within 20 s; output: ${stdout}${stderr}`)),
          20_000,
        );
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /base URL: (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(stdout);
          if (match?.[1] !== undefined && stdout.includes("Press Ctrl+C")) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      expect(stdout).toContain("faults:   chat-stream-done-missing, provider-key-unmasked");
      expect(stdout).toMatch(/alice +alice@example\.com +msq-test-alice-/);

      const response = await fetch(`${baseUrl}/models`, {
        headers: { "x-api-key": "msq-test-bob-000000000000000000002" },
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
    const code = await Promise.race([
      exited,
      new Promise<string>((resolve) => setTimeout(() => resolve("timeout"), 10_000)),
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain('"msg":"mock deployment started"');
    expect(stderr).toContain('"msg":"mock deployment stopped"');
  });
});
