import type { Account, MockStore } from "../../store.ts";
import { listAccountMcpServers, type McpServerRecord } from "../mcp-servers/mcp-server-records.ts";
import { serverReadiness } from "../mcp-servers/mcp-server-view.ts";
import { toolListing } from "../mcp-servers/mcp-tools.ts";

/** A server of the MCP servers area with the account's install state. */
interface AvailableServer {
  readonly server: McpServerRecord;
  readonly installed: boolean;
  readonly enabled: boolean;
  readonly connected: boolean;
}

/**
 * Lists the MCP servers available to the account: platform servers that are enabled, and external
 * servers that are installed and enabled. `includeDisabled` lists the others too, and only a fault
 * sets it.
 */
export function availableServers(
  store: MockStore,
  account: Account,
  includeDisabled = false,
): AvailableServer[] {
  return listAccountMcpServers(store, account)
    .map((server) => {
      const readiness = serverReadiness(store, account, server);
      return {
        server,
        installed: readiness.installed,
        enabled: readiness.enabled,
        connected: readiness.connected,
      };
    })
    .filter(
      (entry) =>
        includeDisabled || (entry.enabled && (entry.server.source === "platform" || entry.installed)),
    );
}

/** Builds the `CoreServer` view of an available server. */
export function coreServerView(entry: AvailableServer): Record<string, unknown> {
  const { server } = entry;
  return {
    name: server.name,
    displayName: server.displayName,
    description: server.description,
    source: server.source,
    transportType: server.transportType,
    status: entry.connected ? "connected" : "disconnected",
    enabled: entry.enabled,
    installed: entry.installed,
  };
}

/**
 * Lists the tools agents can call, as one `{ <server name>: tools }` object per available server
 * that is connected. A server waiting for OAuth or secrets offers no tools yet.
 */
export function availableTools(store: MockStore, account: Account): Record<string, unknown>[] {
  return availableServers(store, account)
    .filter((entry) => entry.connected)
    .map((entry) => ({ [entry.server.name]: entry.server.tools.map(toolListing) }));
}
