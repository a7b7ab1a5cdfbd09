/**
 * Finds the key of the Responses Object entry that documents `status`: the exact code, then the
 * range (`4XX`, case-insensitive), then `default`. Returns undefined when none covers it.
 */
export function findResponseKey(responseKeys: readonly string[], status: number): string | undefined {
  const exact = responseKeys.find((key) => key === String(status));
  if (exact !== undefined) return exact;
  const range = `${Math.floor(status / 100)}XX`;
  const ranged = responseKeys.find((key) => key.toUpperCase() === range);
  if (ranged !== undefined) return ranged;
  return responseKeys.find((key) => key === "default");
}
