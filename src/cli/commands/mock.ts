import type { Command } from "commander";

/** Registers `msq-harness mock`: serves the embedded mock deployment over HTTP. */
export function registerMockCommand(program: Command): void {
  program.command("mock").description("Serve the embedded mock MissionSquad deployment over HTTP");
}
