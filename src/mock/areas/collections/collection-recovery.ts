import { vectorCount, type CollectionRecord } from "./collection-records.ts";

export type RecoveryStrategy = "auto" | "repair" | "reembed";

export const RECOVERY_STRATEGIES: ReadonlySet<string> = new Set(["auto", "repair", "reembed"]);

/** The outcome of a recovery, in the shape of the recover route's response. */
export interface RecoveryOutcome {
  readonly success: boolean;
  /** `repair`, `reembed`, or `none` when a healthy collection was left alone. */
  readonly strategyUsed: string;
  readonly dataRecovered: boolean;
  readonly vectorCount: number;
  readonly message: string;
}

/**
 * Recovers `collection` with `strategy`, changing its health. `auto` repairs a damaged index and
 * re-embeds lost vectors. A healthy collection is left alone unless `force` is set, and then `auto`
 * re-embeds it. A repair cannot bring back lost vectors, so it fails on such a collection.
 */
export function recoverCollection(
  collection: CollectionRecord,
  strategy: RecoveryStrategy,
  force: boolean,
): RecoveryOutcome {
  const damaged = collection.health !== "healthy";
  if (!damaged && !force) {
    return outcome(
      collection,
      true,
      "none",
      false,
      `Collection ${collection.safeName} is healthy; send force: true to run a recovery anyway.`,
    );
  }
  let chosen: Exclude<RecoveryStrategy, "auto"> = strategy === "auto" ? "reembed" : strategy;
  if (strategy === "auto" && collection.health === "index-damaged") chosen = "repair";
  if (chosen === "repair" && collection.health === "vectors-lost") {
    return outcome(
      collection,
      false,
      "repair",
      false,
      `Collection ${collection.safeName} has no vectors left to repair; recover it with strategy reembed.`,
    );
  }
  collection.health = "healthy";
  const verb = chosen === "repair" ? "Repaired the index of" : "Embedded the chunks again of";
  return outcome(collection, true, chosen, damaged, `${verb} collection ${collection.safeName}.`);
}

function outcome(
  collection: CollectionRecord,
  success: boolean,
  strategyUsed: string,
  dataRecovered: boolean,
  message: string,
): RecoveryOutcome {
  return { success, strategyUsed, dataRecovered, vectorCount: vectorCount(collection), message };
}
