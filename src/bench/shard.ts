import { ConfigError } from "../config/config-error.ts";

/** One process's share of a run split over `count` processes; `index` is 0-based. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Parses `--shard i/n` with `i` from 1 to n, as CI matrices number their jobs. A Kubernetes
 * Indexed Job counts from 0, so pass `$((JOB_COMPLETION_INDEX + 1))/n` there.
 */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const number = match === null ? Number.NaN : Number(match[1]);
  const count = match === null ? Number.NaN : Number(match[2]);
  if (!Number.isInteger(number) || !Number.isInteger(count) || count < 1 || number < 1 || number > count) {
    throw new ConfigError(
      `--shard: invalid value "${text}". Use i/n with i from 1 to n, for example --shard 1/4 for the ` +
        "first of four shards.",
    );
  }
  return { index: number - 1, count };
}

/** Splits a total (connections, requests) over shards: the first `total % count` shards get one more. */
export function shareOf(total: number, shard: Shard | undefined): number {
  if (shard === undefined) return total;
  const base = Math.floor(total / shard.count);
  return base + (shard.index < total % shard.count ? 1 : 0);
}

/** Formats a shard as the `i/n` that `--shard` takes. */
export function formatShard(shard: Shard): string {
  return `${shard.index + 1}/${shard.count}`;
}

/** Counts shards in words: "1 shard", "4 shards". */
export function countShards(count: number): string {
  return count === 1 ? "1 shard" : `${count} shards`;
}

/** Describes missing shards, 1-based: "shard 2 is missing", "shards 2, 3 are missing". */
export function describeMissingShards(missing: readonly number[]): string {
  return missing.length === 1 ? `shard ${missing[0]} is missing` : `shards ${missing.join(", ")} are missing`;
}
