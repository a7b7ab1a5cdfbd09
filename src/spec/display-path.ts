import { isAbsolute, relative } from "node:path";
import { REPOSITORY_ROOT } from "../config/default-spec-path.ts";

/** Returns `file` relative to the repository root when it lies inside it, else unchanged. */
export function displayPath(file: string, baseDir: string = REPOSITORY_ROOT): string {
  const relativePath = relative(baseDir, file);
  return relativePath.startsWith("..") || isAbsolute(relativePath) ? file : relativePath;
}
