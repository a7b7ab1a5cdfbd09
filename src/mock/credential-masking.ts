/**
 * Masks a stored credential for reads: up to 3 leading and 4 trailing characters around `...`,
 * so `sk-proj-abcdef123456` reads `sk-...3456`. Keys shorter than 12 characters become `***`,
 * because their ends would reveal too much. An empty or absent key reads as the empty string.
 * Mask markers (`.`, `*`, `•`, `…`) are removed from the kept ends, so a masked key never looks
 * like a longer, unmasked one.
 */
export function maskCredential(value: string | undefined): string {
  if (value === undefined || value === "") return "";
  if (value.length < 12) return "***";
  const clean = (part: string): string => part.replace(/[.*•…]/g, "");
  return `${clean(value.slice(0, 3))}...${clean(value.slice(-4))}`;
}
