import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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

/** Starts a live-target run of the agents and voices suites against `target`, with `prefix`. */
function startRun(reportDir: string, prefix: string, target: RunningMock = mock) {
  const [alice, bob, carol] = target.accounts;
  const child = spawn(
    process.execPath,
    [CLI, "test", "agents", "voices", "--report-dir", reportDir, "--run-prefix", prefix],
    {
      env: {
        PATH: process.env["PATH"] ?? "",
        NO_COLOR: "1",
        MSQ_BASE_URL: target.baseUrl,
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
  const run = {
    child,
    output: "",
    exited: new Promise<number | null>((resolve) => child.on("close", resolve)),
  };
  child.stdout.on("data", (chunk: Buffer) => (run.output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (run.output += chunk.toString()));
  return run;
}

/** Waits until the run's ledger shows a created resource, at most 60 s. */
async function waitForCreatedResource(reportDir: string, prefix: string): Promise<boolean> {
  const ledger = join(reportDir, `.ledger-${prefix}.jsonl`);
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (existsSync(ledger) && readFileSync(ledger, "utf8").includes('"created"')) return true;
    await sleep(100);
  }
  return false;
}

/** Waits for the run to exit, and kills it after 120 s. */
async function exitCodeOf(run: ReturnType<typeof startRun>): Promise<number | null> {
  const timer = setTimeout(() => run.child.kill("SIGKILL"), 120_000);
  const exitCode = await run.exited;
  clearTimeout(timer);
  return exitCode;
}

describe("interrupted run", () => {
  test("SIGINT deletes what the run created", { timeout: 240_000 }, async () => {
    const reportDir = mkdtempSync(join(tmpdir(), "msqh-interrupt-"));
    const run = startRun(reportDir, PREFIX);
    expect(await waitForCreatedResource(reportDir, PREFIX), run.output.slice(-2000)).toBe(true);
    run.child.kill("SIGINT");
    const exitCode = await exitCodeOf(run);

    expect(exitCode, run.output.slice(-2000)).toBe(130);
    expect(run.output).toContain(
      "SIGINT: stopping the suites and deleting the resources this run created (send it again to quit at once)...",
    );
    expect(await prefixedResources()).toEqual([]);
    expect(readdirSync(reportDir).filter((name) => name.startsWith(".ledger-"))).toEqual([]);
    const markdown = readFileSync(join(reportDir, "contract.md"), "utf8");
    expect(markdown.split("\n")[0]).toBe("## Contract report: interrupted");
  });

  test("a second SIGINT quits at once", { timeout: 240_000 }, async () => {
    const prefix = "msqh-interrupt-twice";
    const reportDir = mkdtempSync(join(tmpdir(), "msqh-interrupt-twice-"));
    // A report of an earlier run, which must not survive as if it were this run's.
    writeFileSync(join(reportDir, "contract.md"), "## Contract report: passed\n");
    // Deletes take 3 s on this mock, so the second SIGINT comes while the first one's cleanup runs.
    const slowDeletes = await startMock({
      timing: {
        ...SUITE_MOCK_TIMING,
        latencyMs: {
          ...SUITE_MOCK_TIMING.latencyMs,
          deleteVoice: 3000,
          deleteAgent: 3000,
          deleteProvider: 3000,
        },
      },
    });
    let exitCode: number | null;
    let run: ReturnType<typeof startRun>;
    try {
      run = startRun(reportDir, prefix, slowDeletes);
      expect(await waitForCreatedResource(reportDir, prefix), run.output.slice(-2000)).toBe(true);
      run.child.kill("SIGINT");
      await sleep(500);
      run.child.kill("SIGINT");
      exitCode = await exitCodeOf(run);
    } finally {
      await slowDeletes.close();
    }

    expect(exitCode, run.output.slice(-2000)).toBe(130);
    expect(run.output).toContain(
      `SIGINT again: quitting without cleanup or reports. Resources of this run may remain; run \`msq-harness cleanup --prefix ${prefix}\``,
    );
    // Either no report, or this run's, written when the first SIGINT cancelled the suites.
    const markdown = join(reportDir, "contract.md");
    const firstLine = existsSync(markdown) ? readFileSync(markdown, "utf8").split("\n")[0] : "none";
    expect(firstLine).not.toBe("## Contract report: passed");
  });
});
