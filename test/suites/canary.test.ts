import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SEEDED_LEGACY_KEYS } from "../../src/mock/seeded-accounts.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { SUITE_MOCK_TIMING } from "../../suites/runner/suite-mock-timing.ts";
import { runCli, type CliResult } from "./run-cli.ts";

/**
 * The whole suite runs against a mock as if it were a live target, so every key travels through
 * the environment like a user's would. The mock has a fault, so failure messages, curl commands
 * and junit errors are written too. No output and no report may contain any of the keys.
 */
let mock: RunningMock;
let reportDir: string;
let result: CliResult;
let canaries: string[];

beforeAll(async () => {
  mock = await startMock({ faults: ["not-found-answered-500"], timing: SUITE_MOCK_TIMING });
  const [alice, bob, carol] = mock.accounts;
  if (alice === undefined || bob === undefined || carol === undefined)
    throw new Error("the mock seeds three accounts");
  const legacy = SEEDED_LEGACY_KEYS[alice.username] ?? "";
  canaries = [alice.apiKey, bob.apiKey, carol.apiKey, legacy];
  reportDir = mkdtempSync(join(tmpdir(), "msqh-canary-"));
  result = await runCli(["test", "--report-dir", reportDir], {
    MSQ_BASE_URL: mock.baseUrl,
    MSQ_API_KEY: alice.apiKey,
    MSQ_API_KEY_2: bob.apiKey,
    MSQ_API_KEY_3: carol.apiKey,
    MSQ_API_KEY_LEGACY: legacy,
    MSQ_SECOND_USERNAME: bob.username,
    MSQ_THIRD_EMAIL: carol.email,
    MSQ_CHAT_MODEL: "msq-mock-chat",
    MSQ_EMBEDDING_MODEL: "text-embedding-3-small",
    MSQ_TTS_PROVIDER: "openai",
    MSQ_TTS_VOICE: "alloy",
    MSQ_STT_PROVIDER: "openai",
    MSQ_LOG_LEVEL: "debug",
  });
}, 300_000);

afterAll(async () => {
  await mock.close();
});

/** Lists every file under `directory`, including hidden ones such as ledgers. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("secret redaction", () => {
  test("the run fails on the fault", () => {
    expect(result.exitCode, result.stderr.slice(-2000)).toBe(1);
    expect(result.stdout + result.stderr).toContain("reproduce: curl");
    // A live run names its prefix before any resource exists, for cleanup after a kill.
    expect(result.stdout).toMatch(/^Run prefix msqh-[a-z0-9]+-[0-9a-f]{4}: every resource this run creates/m);
  });

  test("stdout and stderr hold no key", () => {
    for (const canary of canaries) {
      expect(result.stdout.includes(canary), "stdout").toBe(false);
      expect(result.stderr.includes(canary), "stderr").toBe(false);
    }
  });

  test("no report holds a key", () => {
    const files = filesUnder(reportDir);
    expect(files.map((file) => file.slice(reportDir.length + 1)).sort()).toEqual(
      expect.arrayContaining(["contract.json", "contract.md", "junit.xml"]),
    );
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const canary of canaries) expect(text.includes(canary), file).toBe(false);
    }
  });

  test("curl commands name the key variables", () => {
    const report = readFileSync(join(reportDir, "contract.json"), "utf8");
    expect(report).toContain("$MSQ_API_KEY");
  });
});
