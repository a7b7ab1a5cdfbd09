import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { SUITE_MOCK_TIMING } from "../../suites/runner/suite-mock-timing.ts";

const CLI = fileURLToPath(new URL("../../bin/msq-harness.js", import.meta.url));
const PREFIX = "msqh-interrupt-test";
let mock: RunningMock;

beforeAll(async () => {
  mock = await startMock({ timing: SUITE_MOCK_TIMING });
});

afterAll(async () => {
  await mock.close();
});

/** Names of the first account's voices, agents and providers that carry the test's prefix. */
async function prefixedResources(): Promise<string[]> {
  const key = mock.accounts[0]?.apiKey ?? "";
  const names: string[] = [];
  for (const [path, pick] of [
    ["/v1/core/voices", (body: any) => (body.data ?? []).map((item: any) => item.name)],
    ["/v1/core/agents", (body: any) => Object.keys(body.data ?? {})],
    ["/v1/core/providers", (body: any) => (body.data ?? []).map((item: any) => item.providerKey)],
  ] as const) {
    const response = await fetch(`${mock.origin}${path}`, {
      headers: { "x-api-key": key },
      signal: AbortSignal.timeout(10_000),
    });
    names.push(...(pick(await response.json()) as string[]));
  }
  return names.filter((name) => name.startsWith(PREFIX));
}

describe("interrupted run", () => {
  test("SIGINT deletes what the run created", { timeout: 240_000 }, async () => {
    const reportDir = mkdtempSync(join(tmpdir(), "msqh-interrupt-"));
    const [alice, bob, carol] = mock.accounts;
    const child = spawn(
      process.execPath,
      [CLI, "test", "agents", "voices", "--report-dir", reportDir, "--run-prefix", PREFIX],
      {
        env: {
          PATH: process.env["PATH"] ?? "",
          NO_COLOR: "1",
          MSQ_BASE_URL: mock.baseUrl,
          MSQ_API_KEY: alice?.apiKey ?? "",
          MSQ_API_KEY_2: bob?.apiKey ?? "",
          MSQ_API_KEY_3: carol?.apiKey ?? "",
          MSQ_SECOND_USERNAME: bob?.username ?? "",
          MSQ_CHAT_MODEL: "msq-mock-chat",
          MSQ_TTS_PROVIDER: "openai",
          MSQ_TTS_VOICE: "alloy",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));

    // Interrupt as soon as the ledger shows a created resource, at most 60 s after the start.
    const ledger = join(reportDir, `.ledger-${PREFIX}.jsonl`);
    for (
      let attempt = 0;
      attempt < 600 && !(existsSync(ledger) && readFileSync(ledger, "utf8").includes('"created"'));
      attempt += 1
    ) {
      await sleep(100);
    }
    expect(existsSync(ledger), output.slice(-2000)).toBe(true);
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    const exitCode = await exited;
    clearTimeout(timer);

    expect(exitCode, output.slice(-2000)).toBe(130);
    expect(output).toContain("SIGINT: stopping the suites and deleting the resources this run created...");
    expect(await prefixedResources()).toEqual([]);
    expect(readdirSync(reportDir).filter((name) => name.startsWith(".ledger-"))).toEqual([]);
    const markdown = readFileSync(join(reportDir, "contract.md"), "utf8");
    expect(markdown.split("\n")[0]).toBe("## Contract report: interrupted");
  });
});
