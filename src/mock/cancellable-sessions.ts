import { defineAccountSlot, type Account, type MockStore } from "./store.ts";

/**
 * In-flight work that `POST /v1/chat/cancel` can end: chat streams by session id, and runs by
 * run id for areas that register them.
 */
export interface CancellableWork {
  readonly sessionId?: string;
  readonly runId?: string;
  /** Stops the work; called at most once. */
  readonly cancel: () => void;
}

interface SessionRegistry {
  readonly active: Set<ActiveEntry>;
  /** Session and run ids cancelled recently, oldest first, so a repeated cancel reports `alreadyCancelled`. */
  readonly cancelled: string[];
}

interface ActiveEntry {
  readonly work: CancellableWork;
  cancelled: boolean;
}

/** Cancelled ids remembered per account. */
const REMEMBERED_CANCELLATIONS = 1000;

const SESSIONS = defineAccountSlot<SessionRegistry>("cancellable-sessions", () => ({
  active: new Set(),
  cancelled: [],
}));

/** Registers in-flight work; call the returned function when the work ends. */
export function registerCancellableWork(
  store: MockStore,
  account: Account,
  work: CancellableWork,
): () => void {
  const registry = store.slot(account, SESSIONS);
  const entry: ActiveEntry = { work, cancelled: false };
  registry.active.add(entry);
  return () => {
    registry.active.delete(entry);
  };
}

/** The documented outcome of a cancellation lookup. */
export interface CancelOutcome {
  success: true;
  found: boolean;
  cancelled: boolean;
  alreadyCancelled: boolean;
}

/** Cancels the caller's in-flight work matching `sessionId`, or `runId` when given. */
export function cancelWork(
  store: MockStore,
  account: Account,
  sessionId: string,
  runId: string | undefined,
): CancelOutcome {
  const registry = store.slot(account, SESSIONS);
  const matches = [...registry.active].filter(
    (entry) => entry.work.sessionId === sessionId || (runId !== undefined && entry.work.runId === runId),
  );
  const live = matches.filter((entry) => !entry.cancelled);
  for (const entry of live) {
    entry.cancelled = true;
    entry.work.cancel();
    remember(registry, sessionId);
    if (entry.work.runId !== undefined) remember(registry, entry.work.runId);
  }
  if (live.length > 0) return { success: true, found: true, cancelled: true, alreadyCancelled: false };
  const already =
    matches.length > 0 ||
    registry.cancelled.includes(sessionId) ||
    (runId !== undefined && registry.cancelled.includes(runId));
  return { success: true, found: already, cancelled: false, alreadyCancelled: already };
}

function remember(registry: SessionRegistry, id: string): void {
  if (registry.cancelled.includes(id)) return;
  registry.cancelled.push(id);
  if (registry.cancelled.length > REMEMBERED_CANCELLATIONS) registry.cancelled.shift();
}
