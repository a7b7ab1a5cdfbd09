import type { Command } from "commander";

/** Registers `msq-harness spec ...`: commands that inspect and check the OpenAPI document. */
export function registerSpecCommands(program: Command): void {
  program.command("spec").description("Inspect and check the OpenAPI document in spec/");
}
