import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parsePointer, toPointer } from "./json-pointer.ts";
import { SourceLocator } from "./source-locator.ts";
import type { SpecProblem } from "./spec-problem.ts";

/** Redocly configuration at the repository root. */
export const REDOCLY_CONFIG_PATH = fileURLToPath(new URL("../../redocly.yaml", import.meta.url));

/** Time limit of one Redocly CLI run. Linting the full spec takes a few seconds. */
export const REDOCLY_TIMEOUT_MS = 120_000;

export interface RedoclyLintOptions {
  configPath?: string;
  timeoutMs?: number;
}

interface RedoclyProblem {
  ruleId: string;
  severity: "error" | "warn";
  message: string;
  location: { source: { ref: string }; pointer: string }[];
}

/**
 * Runs `redocly lint` from the installed @redocly/cli as a child process and returns its problems.
 * Telemetry and update checks are turned off, so the run makes no network requests.
 * Throws when the CLI cannot run, times out or prints no JSON report.
 */
export async function runRedoclyLint(
  specPath: string,
  options: RedoclyLintOptions = {},
): Promise<SpecProblem[]> {
  const configPath = resolve(options.configPath ?? REDOCLY_CONFIG_PATH);
  const timeoutMs = options.timeoutMs ?? REDOCLY_TIMEOUT_MS;
  const cwd = dirname(configPath);
  const cli = join(
    dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")),
    "bin",
    "cli.js",
  );
  const args = [
    cli,
    "lint",
    resolve(specPath),
    "--config",
    configPath,
    "--format",
    "json",
    "--max-problems",
    "10000",
  ];
  const stdout = await new Promise<string>((resolvePromise, reject) => {
    execFile(
      process.execPath,
      args,
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: "off",
          REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
          REDOCLY_SUPPRESS_NOTIFICATIONS: "true",
        },
      },
      (error, out, err) => {
        // Exit code 1 means "problems found"; the JSON report is on stdout either way.
        if (error !== null && (error.killed || out.trim() === "")) {
          const reason = error.killed
            ? `timed out after ${timeoutMs} ms`
            : `failed: ${err.trim() || error.message}`;
          reject(
            new Error(
              `redocly lint ${reason}. Run \`npx redocly lint --config ${configPath}\` to see its output.`,
            ),
          );
          return;
        }
        resolvePromise(out);
      },
    );
  });
  let report: { problems?: RedoclyProblem[] };
  try {
    report = JSON.parse(stdout) as { problems?: RedoclyProblem[] };
  } catch {
    throw new Error(`redocly lint printed no JSON report; its output starts with: ${stdout.slice(0, 200)}`);
  }
  const locator = new SourceLocator(resolve(specPath));
  return (report.problems ?? []).map((problem) => {
    const location = problem.location[0];
    const file = location === undefined ? resolve(specPath) : resolve(cwd, location.source.ref);
    const pointer = toPointer(parsePointer(location?.pointer ?? ""));
    const line = locator.lineOf(file, pointer);
    return {
      file,
      pointer,
      ...(line === undefined ? {} : { line }),
      message: problem.message,
      rule: problem.ruleId,
      severity: problem.severity === "warn" ? "warning" : "error",
    };
  });
}
