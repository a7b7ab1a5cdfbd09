import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { CONFIG_OPTIONS } from "../../src/config/config-options.ts";

const README = readFileSync(new URL("../../suites/README.md", import.meta.url), "utf8");

describe("suites README options table", () => {
  test.for(CONFIG_OPTIONS)("documents $env", (option) => {
    const row = README.split("\n").find((line) => line.includes(`| \`${option.env}\` |`));
    expect(row, option.env).toBeDefined();
    expect(row).toContain(`| \`${option.key}\` |`);
    expect(row).toContain(option.description);
    if (option.flag !== undefined) expect(row).toContain(`\`${option.flag}`);
  });
});
