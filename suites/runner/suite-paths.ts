import { fileURLToPath } from "node:url";

/** Absolute path of the suites' vitest configuration. */
export const SUITES_CONFIG = fileURLToPath(new URL("../vitest.config.ts", import.meta.url));

/** Absolute path of the repository root, vitest's root for the suites. */
export const REPOSITORY_ROOT = fileURLToPath(new URL("../..", import.meta.url));
