import { fnv1a32, mulberry32 } from "../../seeded-random.ts";

const WORDS = [
  "page",
  "section",
  "guide",
  "update",
  "release",
  "team",
  "product",
  "service",
  "customer",
  "report",
  "describes",
  "explains",
  "lists",
  "covers",
  "compares",
  "announces",
  "summarizes",
  "outlines",
  "new",
  "current",
  "detailed",
  "short",
  "public",
  "main",
  "recent",
  "annual",
  "weekly",
  "simple",
  "features",
  "pricing",
  "results",
  "steps",
  "questions",
  "changes",
  "examples",
  "options",
  "terms",
];

const SENTENCES = 4;

/**
 * Returns the text the mock reports for a scraped page. The mock never fetches the URL, because
 * its host has no network access: the text is derived from the URL, so equal URLs always get equal
 * text. The first line names the host and path.
 */
export function scrapedPageText(url: URL): string {
  const random = mulberry32(fnv1a32(url.href));
  const sentences: string[] = [];
  for (let sentence = 0; sentence < SENTENCES; sentence += 1) {
    const length = 8 + Math.floor(random() * 7);
    const words = Array.from({ length }, () => WORDS[Math.floor(random() * WORDS.length)] as string);
    const text = words.join(" ");
    sentences.push(`${text.charAt(0).toUpperCase()}${text.slice(1)}.`);
  }
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${url.hostname}${path}\n\n${sentences.join(" ")}`;
}
