import { distance } from "fastest-levenshtein";

/** Returns the `count` names closest to `name` by Levenshtein distance, ignoring case, nearest first. */
export function closestNames(name: string, candidates: Iterable<string>, count = 3): string[] {
  const target = name.toLowerCase();
  return [...candidates]
    .map((candidate) => ({ candidate, score: distance(target, candidate.toLowerCase()) }))
    .sort((left, right) => left.score - right.score || left.candidate.localeCompare(right.candidate))
    .slice(0, count)
    .map(({ candidate }) => candidate);
}
