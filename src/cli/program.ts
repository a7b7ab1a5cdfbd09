import { Command } from "commander";
import { registerSpecCommands } from "./commands/spec.ts";

/** Builds the `msq-harness` command tree. Each command lives in its own module under `commands/`. */
export function buildProgram(): Command {
  const program = new Command("msq-harness")
    .description("Contract tests and load benchmarks for MissionSquad API deployments")
    .exitOverride()
    .showHelpAfterError();

  registerSpecCommands(program);
  return program;
}
