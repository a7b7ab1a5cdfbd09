import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  test("an unusable spec exits 2", { timeout: 90_000 }, () => {
    const directory = mkdtempSync(join(tmpdir(), "msq-cli-spec-"));
    try {
      const spec = join(directory, "empty.yaml");
      writeFileSync(spec, "");
      const result = spawnSync(process.execPath, [CLI, "test", "models", "--spec", spec], {
        encoding: "utf8",
        timeout: 80_000,
        env: { ...process.env, MSQ_BASE_URL: "", MSQ_API_KEY: "", MSQ_CONFIG: "" },
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`msq-harness: Invalid OpenAPI document ${spec}`);
      expect(result.stderr).not.toContain("    at ");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
