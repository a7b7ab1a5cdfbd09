import type { Command } from "commander";

/** Registers `msq-harness test`: runs the contract suites against a target or the embedded mock. */
export function registerTestCommand(program: Command): void {
  program.command("test").description("Run the contract suites against a deployment or the embedded mock");
}
