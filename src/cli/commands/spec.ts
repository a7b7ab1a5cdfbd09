import { relative } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { computeCoverage } from "../../spec/coverage.ts";
import { formatCoverageTable } from "../../spec/coverage-format.ts";
import { DEFAULT_SPEC_PATH } from "../../config/default-spec-path.ts";
import { findTypesDrift, GENERATED_TYPES_PATH, writeGeneratedTypes } from "../../spec/generate-types.ts";
import { checkSpec, loadSpec } from "../../spec/load-spec.ts";
import { REDOCLY_CONFIG_PATH, REDOCLY_TIMEOUT_MS, runRedoclyLint } from "../../spec/redocly-lint.ts";
import { SpecLoadError } from "../../spec/spec-load-error.ts";
import { formatSpecProblem, type SpecProblem } from "../../spec/spec-problem.ts";
import { checkSseResponses } from "../../spec/sse-rules.ts";
import { checkSchemasStrict } from "../../validation/strict-schema-check.ts";
import { ValidatorRegistry } from "../../validation/validator-registry.ts";

/** Exit code of a check that found problems, as `main.ts` documents. */
const EXIT_FAILED = 1;

/** Registers `msq-harness spec ...`: commands that inspect and check the OpenAPI document. */
export function registerSpecCommands(program: Command): void {
  const spec = program.command("spec").description("Inspect and check the OpenAPI document in spec/");

  spec
    .command("coverage")
    .description(
      "Count, per area and in total, the operations with request, success, error and SSE event schemas",
    )
    .option("--spec <file>", "root OpenAPI document", DEFAULT_SPEC_PATH)
    .option("--json", "print the report as JSON, with one entry per operation")
    .action(async (options: { spec: string; json?: boolean }) =>
      reportSpecLoadErrors(async () => {
        const { document } = await loadSpec(options.spec);
        const report = computeCoverage(document);
        process.stdout.write(
          options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatCoverageTable(report),
        );
      }),
    );

  spec
    .command("lint")
    .description(
      "Validate the document (swagger-parser, JSON Schema, ajv strict mode, x-sse) and lint it with Redocly",
    )
    .option("--spec <file>", "root OpenAPI document", DEFAULT_SPEC_PATH)
    .option("--config <file>", "Redocly configuration", REDOCLY_CONFIG_PATH)
    .option(
      "--timeout <ms>",
      "time limit of the Redocly run, in milliseconds",
      parsePositiveInteger,
      REDOCLY_TIMEOUT_MS,
    )
    .action(async (options: { spec: string; config: string; timeout: number }) => {
      const problems = await lintSpec(options.spec, options.config, options.timeout);
      for (const problem of problems) process.stdout.write(`${formatSpecProblem(problem)}\n`);
      const errors = problems.filter((problem) => problem.severity === "error").length;
      const warnings = problems.length - errors;
      process.stdout.write(
        `${errors} error(s), ${warnings} warning(s) in ${relative(process.cwd(), options.spec) || options.spec}\n`,
      );
      if (errors > 0) process.exitCode = EXIT_FAILED;
    });

  spec
    .command("generate")
    .description("Generate TypeScript types from the spec with openapi-typescript")
    .option("--spec <file>", "root OpenAPI document", DEFAULT_SPEC_PATH)
    .option("--out <file>", "output file", GENERATED_TYPES_PATH)
    .option("--check", "write nothing; exit 1 when the output file differs from what the spec generates")
    .action(async (options: { spec: string; out: string; check?: boolean }) =>
      reportSpecLoadErrors(() => generate(options)),
    );
}

/**
 * Runs `action`, and prints a `SpecLoadError` (every problem with its file, pointer and line) as
 * the failure of the command, with exit code 1 as `spec lint` uses for the same problems.
 */
async function reportSpecLoadErrors(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof SpecLoadError)) throw error;
    process.stderr.write(`msq-harness: ${error.message}\n`);
    process.exitCode = EXIT_FAILED;
  }
}

/** Writes the generated types, or with `check` compares them with the output file. */
async function generate(options: { spec: string; out: string; check?: boolean }): Promise<void> {
  if (options.check !== true) {
    const written = await writeGeneratedTypes(options.spec, options.out);
    process.stdout.write(`Wrote ${relative(process.cwd(), written)}\n`);
    return;
  }
  const drift = await findTypesDrift(options.spec, options.out);
  if (drift === undefined) {
    process.stdout.write(`${relative(process.cwd(), options.out)} matches the spec\n`);
    return;
  }
  process.stdout.write(
    `${relative(process.cwd(), options.out)} differs from the spec at line ${drift.line}: ` +
      `committed ${JSON.stringify(drift.committed)}, generated ${JSON.stringify(drift.generated)}. ` +
      "Run `npm run generate` and commit the result.\n",
  );
  process.exitCode = EXIT_FAILED;
}

/**
 * Runs every check of the document: loading (bundler, swagger-parser, JSON Schema meta-schema,
 * unique operationIds), then, when it loads, the x-sse rules and ajv strict compilation, and
 * Redocly lint in any case.
 */
export async function lintSpec(
  specPath: string,
  configPath: string,
  timeoutMs: number,
): Promise<SpecProblem[]> {
  const problems = await checkSpec(specPath);
  if (problems.length === 0) {
    const spec = await loadSpec(specPath);
    problems.push(...checkSseResponses(spec.document, spec.locator));
    problems.push(...checkSchemasStrict(spec));
    problems.push(...new ValidatorRegistry(spec).compileAll());
  }
  problems.push(...(await runRedoclyLint(specPath, { configPath, timeoutMs })));
  return problems;
}

function parsePositiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new InvalidArgumentError(
      `expected a positive whole number of milliseconds, received ${JSON.stringify(value)}`,
    );
  }
  return parsed;
}
