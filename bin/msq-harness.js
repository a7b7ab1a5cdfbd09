#!/usr/bin/env node
// Entry point of the msq-harness CLI. The sources are TypeScript, so the tsx loader is registered
// before the program is imported; no build step is needed on a fresh clone.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv);
