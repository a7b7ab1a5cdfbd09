import { Command } from "commander";
import { registerBenchCommands } from "./commands/bench.ts";
import { registerCleanupCommand } from "./commands/cleanup.ts";
import { registerMockCommand } from "./commands/mock.ts";
import { registerSpecCommands } from "./commands/spec.ts";
import { registerTestCommand } from "./commands/test.ts";

/** Builds the `msq-harness` command tree. Each command lives in its own module under `commands/`. */
export function buildProgram(): Command {
  const program = new Command("msq-harness")
    .description("Contract tests and load benchmarks for MissionSquad API deployments")
    .exitOverride()
    .showHelpAfterError();

  registerSpecCommands(program);
  registerMockCommand(program);
  registerTestCommand(program);
  registerCleanupCommand(program);
  registerBenchCommands(program);
  return program;
}
