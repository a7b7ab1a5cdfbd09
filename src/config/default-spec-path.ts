import { fileURLToPath } from "node:url";

/** Absolute path of the repository's root OpenAPI document, `spec/openapi.yaml`. */
export const DEFAULT_SPEC_PATH = fileURLToPath(new URL("../../spec/openapi.yaml", import.meta.url));

/** Absolute path of the repository root, used to print spec file names relative to it. */
export const REPOSITORY_ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
