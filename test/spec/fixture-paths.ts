import { fileURLToPath } from "node:url";

/** Absolute path of the root document of a fixture under test/fixtures/spec/. */
export function fixtureSpec(name: string): string {
  return fileURLToPath(new URL(`../fixtures/spec/${name}/openapi.yaml`, import.meta.url));
}

/** Absolute path of a file inside a fixture under test/fixtures/spec/. */
export function fixtureFile(name: string, file: string): string {
  return fileURLToPath(new URL(`../fixtures/spec/${name}/${file}`, import.meta.url));
}
