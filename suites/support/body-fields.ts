/** Small readers for JSON response bodies whose shape the checks have already validated. */

/** Returns `value[key]` when `value` is an object, else undefined. */
export function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** Returns `value[key]` as an array, or an empty array. */
export function arrayField(value: unknown, key: string): unknown[] {
  const inner = field(value, key);
  return Array.isArray(inner) ? inner : [];
}

/** Returns the string values of `key` in each object of a list. */
export function stringsOf(items: readonly unknown[], key: string): string[] {
  return items.map((item) => field(item, key)).filter((value): value is string => typeof value === "string");
}
