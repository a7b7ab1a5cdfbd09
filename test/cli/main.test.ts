import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const CLI = fileURLToPath(new URL("../../bin/msq-harness.js", import.meta.url));

describe("msq-harness CLI", () => {
  test("output piped into head ends quietly", { timeout: 90_000 }, () => {
    // `head -1` closes the pipe after the first line, while the CLI is still writing.
    const script = `"${process.execPath}" "${CLI}" spec coverage --json | head -1 > /dev/null; echo "exit=\${PIPESTATUS[0]}"`;
    const result = spawnSync("bash", ["-c", script], { encoding: "utf8", timeout: 80_000 });
    expect(result.stderr).not.toContain("EPIPE");
    expect(result.stdout.trim()).toBe("exit=0");
  });
});
