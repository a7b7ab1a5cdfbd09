/**
 * Dot paths into trigger payloads, as conditions, transforms and prompt templates use them:
 * `body.pull_request.title` walks object keys, and a `*` segment maps over the elements of an array.
 */

/** The values a path selects; `values` is empty when the path does not resolve. */
export interface PathResult {
  readonly resolved: boolean;
  /** One value, or one per matching array element when the path has a `*` segment. */
  readonly values: readonly unknown[];
  readonly wildcard: boolean;
}

export function resolvePath(root: unknown, path: string): PathResult {
  const segments = path.split(".");
  const values = collect(root, segments, 0);
  return { resolved: values.length > 0, values, wildcard: segments.includes("*") };
}

function collect(value: unknown, segments: readonly string[], index: number): unknown[] {
  const segment = segments[index];
  if (segment === undefined) return [value];
  if (segment === "*") {
    return Array.isArray(value)
      ? value.flatMap((element: unknown) => collect(element, segments, index + 1))
      : [];
  }
  if (value === null || typeof value !== "object" || !Object.hasOwn(value, segment)) return [];
  return collect((value as Record<string, unknown>)[segment], segments, index + 1);
}

/** Formats a resolved value for text: strings as they are, other values as JSON. */
export function formatValue(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "");
}

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;

/**
 * Replaces each `{{path}}` in `template` with the value at that path under `root`. A path with a
 * `*` segment renders its values as a JSON array. `missing` decides what an unresolved
 * placeholder becomes: the placeholder itself (`keep`) or the empty string (`empty`).
 */
export function renderTemplate(template: string, root: unknown, missing: "keep" | "empty"): string {
  return template.replace(PLACEHOLDER, (placeholder, path: string) => {
    const result = resolvePath(root, path);
    if (!result.resolved) return missing === "keep" ? placeholder : "";
    return formatValue(result.wildcard ? result.values : result.values[0]);
  });
}
