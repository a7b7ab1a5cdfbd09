import { execFileSync } from "node:child_process";
import { availableParallelism, cpus, hostname, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

/** Where a report was measured, so that two reports can be compared honestly. */
export interface BenchEnvironment {
  /** Commit of the harness checkout, or "unknown" outside a git checkout. */
  readonly gitSha: string;
  /** True when the checkout had uncommitted changes. */
  readonly gitDirty: boolean;
  readonly nodeVersion: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpuModel: string;
  /** Logical CPUs the process may use (`os.availableParallelism()`). */
  readonly cores: number;
  readonly totalMemoryBytes: number;
  readonly hostname: string;
  /** True when the `CI` environment variable is set. */
  readonly ci: boolean;
}

const REPOSITORY_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function captureEnvironment(): BenchEnvironment {
  const cpuList = cpus();
  return {
    gitSha: git(["rev-parse", "HEAD"]) ?? "unknown",
    gitDirty: (git(["status", "--porcelain", "--untracked-files=no"]) ?? "") !== "",
    nodeVersion: process.version,
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpuList[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    totalMemoryBytes: totalmem(),
    hostname: hostname(),
    ci: isCi(),
  };
}

/** Runs git in the harness checkout; returns undefined when git is missing or fails. */
function git(args: readonly string[]): string | undefined {
  try {
    return execFileSync("git", [...args], {
      cwd: REPOSITORY_ROOT,
      encoding: "utf8",
      timeout: 5000,
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
}

/** Returns true when the `CI` environment variable is set to anything but "", "0" or "false". */
export function isCi(): boolean {
  const value = process.env["CI"];
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}
