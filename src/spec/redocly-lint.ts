import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../config/config-error.ts";
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

interface RedoclyRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly error: Error | null;
}

interface RedoclyProblem {
  ruleId: string;
  severity: "error" | "warn";
  message: string;
  location: { source: { ref: string }; pointer: string }[];
}

/**
 * Runs `redocly lint` from the installed @redocly/cli as a child process and returns its problems.
 * Telemetry and update checks are turned off, so the run makes no network requests. A run that
 * ends without a JSON report, such as on a document Redocly cannot read, returns one problem
 * with Redocly's error output.
 * @throws ConfigError when the configuration file is missing or the run exceeds `timeoutMs`.
 */
export async function runRedoclyLint(
  specPath: string,
  options: RedoclyLintOptions = {},
): Promise<SpecProblem[]> {
  const configPath = resolve(options.configPath ?? REDOCLY_CONFIG_PATH);
  const timeoutMs = options.timeoutMs ?? REDOCLY_TIMEOUT_MS;
  if (!existsSync(configPath)) {
    throw new ConfigError(
      `Redocly configuration not found: ${configPath} (option --config). Pass the path of a ` +
        "redocly.yaml, or omit --config to use redocly.yaml at the repository root.",
    );
  }
  const cwd = dirname(configPath);
  const command = `npx redocly lint ${resolve(specPath)} --config ${configPath}`;
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
  const run = await new Promise<RedoclyRun>((resolvePromise, reject) => {
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
        if (error?.killed === true) {
          reject(
            new ConfigError(
              `redocly lint did not finish within ${timeoutMs} ms (option --timeout). Raise --timeout, ` +
                `or run \`${command}\` to see where it stops.`,
            ),
          );
          return;
        }
        // Exit code 1 means "problems found"; the JSON report is on stdout either way.
        resolvePromise({ stdout: out, stderr: err, error });
      },
    );
  });
  let report: { problems?: RedoclyProblem[] };
  try {
    report = JSON.parse(run.stdout) as { problems?: RedoclyProblem[] };
  } catch {
    const output = redoclyMessage(run.stderr) || run.stdout.trim() || (run.error?.message ?? "no output");
    return [
      {
        file: resolve(specPath),
        pointer: "",
        message: `redocly lint ended without a report: ${output}. Run \`${command}\` to see its full output`,
        rule: "redocly",
        severity: "error",
      },
    ];
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

/**
 * Returns Redocly's error output without its framed notices (such as the Node.js 20 deprecation
 * box of @redocly/cli 2.x), joined into one line.
 */
function redoclyMessage(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => !/[║╔╚═]/.test(line))
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("validating "))
    .join(" ");
}
