import type { JsonObject } from "./request-fields.ts";
import { defineAccountSlot } from "./store.ts";

/**
 * Workflows and factories whose runs other areas can start, and MCP tools other areas can call.
 * The webhook trigger runs its actions through these entries. The workflows, factories and MCP
 * server areas own the configs and keep the entries in step with them, as the agents area does
 * with `CHAT_AGENTS`.
 */

/** The outcome of starting a run or calling a tool on behalf of another area. */
export type DispatchOutcome =
  | { readonly ok: true; readonly result: JsonObject; readonly runId?: string }
  | { readonly ok: false; readonly status: number; readonly message: string; readonly errorCode?: string };

/**
 * A workflow or factory config whose runs can be started by id. Factory runs started here record
 * `trigger: "manual"`, because the factory run schema allows only `manual` and `scheduler`.
 * Workflow runs carry no trigger field.
 */
export interface StartableConfig {
  /**
   * Starts a run. `payload` is JSON text, the workflow's data payload or the factory's initial
   * carry payload; undefined means the config's own payload.
   */
  start(payload: string | undefined): DispatchOutcome;
}

/** A tool of an MCP server that can be called with JSON arguments. */
export type CallableTool = (args: JsonObject) => DispatchOutcome;

/** Each account's workflow configs by id. */
export const STARTABLE_WORKFLOWS = defineAccountSlot(
  "startable-workflows",
  () => new Map<string, StartableConfig>(),
);

/**
 * Each account's factory configs by id. A start past the account's concurrent run limit fails with
 * status 429 and errorCode `FACTORY_CONCURRENT_LIMIT_REACHED`.
 */
export const STARTABLE_FACTORIES = defineAccountSlot(
  "startable-factories",
  () => new Map<string, StartableConfig>(),
);

/** Each account's callable MCP tools, keyed by `mcpToolKey`. */
export const CALLABLE_MCP_TOOLS = defineAccountSlot(
  "callable-mcp-tools",
  () => new Map<string, CallableTool>(),
);

/** The key of a tool in `CALLABLE_MCP_TOOLS`. */
export function mcpToolKey(serverName: string, toolName: string): string {
  return `${serverName}/${toolName}`;
}
