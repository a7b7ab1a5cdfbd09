import { formatSpecProblem, type SpecProblem } from "./spec-problem.ts";

/**
 * The OpenAPI document cannot be used: a `$ref` does not resolve, the document breaks the
 * OpenAPI 3.1 schema, or a schema breaks the JSON Schema 2020-12 meta-schema. The message lists
 * every problem with its file, JSON pointer and line.
 */
export class SpecLoadError extends Error {
  override readonly name = "SpecLoadError";
  readonly problems: readonly SpecProblem[];

  constructor(specPath: string, problems: readonly SpecProblem[]) {
    const lines = problems.map((problem) => `  ${formatSpecProblem(problem)}`);
    super(
      `Invalid OpenAPI document ${specPath}: ${problems.length} problem(s). ` +
        `Fix each one in the named file at the named pointer, then run \`msq-harness spec lint\`.\n` +
        lines.join("\n"),
    );
    this.problems = problems;
  }
}
