import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

/** The folder dependencies ARCHITECTURE.md documents: each folder may import only these. */
const ALLOWED_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  "src/cli": [
    "suites",
    "src/bench",
    "src/contract",
    "src/mock",
    "src/http",
    "src/validation",
    "src/spec",
    "src/config",
    "src/sse",
    "src/log",
    "src/generated",
  ],
  suites: ["src/contract", "src/http", "src/mock", "src/validation", "src/spec", "src/config", "src/log"],
  bench: ["src/bench", "src/mock"],
  "src/bench": ["src/mock", "src/sse", "src/config", "src/log"],
  "src/contract": ["src/http", "src/validation", "src/sse", "src/spec", "src/config", "src/log"],
  "src/mock": ["src/spec", "src/config", "src/log"],
  "src/http": ["src/sse", "src/log"],
  "src/validation": ["src/spec", "src/config", "src/log"],
  "src/spec": ["src/config"],
  "src/config": ["src/log"],
  "src/sse": [],
  "src/log": [],
  "src/generated": [],
};

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const IMPORT_PATTERN = /(?:from\s+|import\(\s*)["'](\.[^"']+)["']/g;

function folderOf(path: string): string {
  const [top, second] = relative(ROOT, path).split("/");
  return top === "src" ? `src/${second}` : (top ?? "");
}

function typeScriptFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(ROOT, folder, name));
}

describe("folder dependencies", () => {
  const files = ["src", "suites", "bench"].flatMap(typeScriptFiles);

  test("every folder is listed", () => {
    const folders = new Set(files.map(folderOf));
    expect([...folders].filter((folder) => !(folder in ALLOWED_IMPORTS))).toEqual([]);
  });

  test("imports follow ARCHITECTURE.md", () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      for (const match of readFileSync(file, "utf8").matchAll(IMPORT_PATTERN)) {
        const to = folderOf(normalize(join(dirname(file), match[1] ?? "")));
        if (to !== from && !(ALLOWED_IMPORTS[from] ?? []).includes(to)) {
          violations.push(`${relative(ROOT, file)} imports ${match[1]} (${from} -> ${to})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
