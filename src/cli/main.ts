import { CommanderError } from "commander";
import { buildProgram } from "./program.ts";
import { ConfigError } from "../config/config-error.ts";
import { redactText } from "../log/redact.ts";
import { SpecLoadError } from "../spec/spec-load-error.ts";

/** Exit codes shared by every command: 0 success, 1 a check or gate failed, 2 bad configuration. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_CONFIG = 2;

/** Runs the CLI with `argv` and returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed the usage error; --help and --version end here with code 0.
      return error.exitCode === 0 ? EXIT_OK : EXIT_CONFIG;
    }
    if (error instanceof ConfigError) {
      // The message repeats the value received, which may be a URL or file text that holds a key.
      process.stderr.write(`msq-harness: ${redactText(error.message)}\n`);
      return EXIT_CONFIG;
    }
    if (error instanceof SpecLoadError) {
      // An unusable --spec document is a configuration error of this run, not a failed check.
      process.stderr.write(`msq-harness: ${redactText(error.message)}\n`);
      return EXIT_CONFIG;
    }
    throw error;
  }
}

/**
 * Ends the process when the reader of stdout goes away (`msq-harness spec coverage --json | head`),
 * as command-line tools do, instead of crashing on EPIPE.
 */
function exitQuietlyOnClosedPipe(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(EXIT_OK);
    throw error;
  });
}
