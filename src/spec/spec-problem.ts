import { displayPath } from "./display-path.ts";

/** A problem found in the OpenAPI document, located in the source file that contains it. */
export interface SpecProblem {
  /** Absolute path of the YAML file, or the root document when no better file is known. */
  file: string;
  /** JSON Pointer inside `file`, such as `/~1v1~1models/get/responses/200`. */
  pointer: string;
  /** 1-based line of the pointer in `file`, when the pointer resolves there. */
  line?: number;
  message: string;
  /** The check that found it: `bundler`, `swagger-parser`, `json-schema`, `x-sse`, a Redocly rule id. */
  rule: string;
  severity: "error" | "warning";
}

/** Formats a problem as `file:line #pointer  message (rule)`, the file relative to `baseDir`. */
export function formatSpecProblem(problem: SpecProblem, baseDir?: string): string {
  const file = displayPath(problem.file, baseDir);
  const line = problem.line === undefined ? "" : `:${problem.line}`;
  const pointer = problem.pointer === "" ? "(document root)" : `#${problem.pointer}`;
  return `${file}${line} ${pointer}  ${problem.message} (${problem.rule})`;
}
