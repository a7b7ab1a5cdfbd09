import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import {
  InvalidRequestError,
  isJsonObject,
  requireBodyObject,
  requiredString,
  type JsonObject,
} from "../../request-fields.ts";
import { CALLABLE_MCP_TOOLS, mcpToolKey, type DispatchOutcome } from "../../run-directory.ts";
import type { Account, MockStore } from "../../store.ts";
import { MCP_FAULTS } from "./mcp-faults.ts";
import { findMcpServer, type McpServerRecord } from "./mcp-server-records.ts";
import { serverReadiness } from "./mcp-server-view.ts";
import { MAX_NAME_LENGTH } from "./mcp-requests.ts";
import { readToolArguments, ToolExecutionError } from "./mcp-tools.ts";

/**
 * `POST /v1/mcp/tool/call`: runs one of the mock's own tool implementations. The checks follow the
 * documented failures: 400 for the body, then those of `invokeMcpTool`.
 */
export function callMcpTool(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const serverName = boundedName(requiredString(body, "serverName"), "serverName");
  const method = boundedName(requiredString(body, "method"), "method");
  const args = body["args"];
  if (!isJsonObject(args)) {
    throw new InvalidRequestError(
      "args must be a JSON object of the tool's arguments (send {} for none).",
      "args",
    );
  }
  const outcome = invokeMcpTool(context.store, context.account, serverName, method, args, {
    allowDisabled: context.faults.has(MCP_FAULTS.disabledToolCallAccepted),
  });
  return outcome.ok ? jsonResponse(200, outcome.result) : context.error(outcome.status, outcome.message);
}

/**
 * Calls a tool of one of the account's servers. It fails with 404 for an unknown server or tool,
 * 409 for a server that is not installed and enabled, and 401 for OAuth that needs authorization.
 * It fails with 500 when a required secret is not saved or the tool fails.
 */
export function invokeMcpTool(
  store: MockStore,
  account: Account,
  serverName: string,
  method: string,
  args: JsonObject,
  options: { readonly allowDisabled: boolean } = { allowDisabled: false },
): DispatchOutcome {
  const failure = (status: number, message: string): DispatchOutcome => ({ ok: false, status, message });
  const encodedName = encodeURIComponent(serverName);
  const server = findMcpServer(store, account, serverName);
  if (server === undefined)
    return failure(
      404,
      `No MCP server named ${serverName} in this account. List them with GET /v1/mcp/servers.`,
    );
  const tool = server.tools.find((candidate) => candidate.name === method);
  if (tool === undefined) {
    return failure(
      404,
      `MCP server ${serverName} has no tool named ${method}. List its tools with GET /v1/mcp/servers/${encodedName}/tools.`,
    );
  }

  const readiness = serverReadiness(store, account, server);
  if (!(readiness.installed && readiness.enabled) && !options.allowDisabled) {
    const state = readiness.installed ? "disabled" : "not installed";
    return failure(
      409,
      `MCP server ${serverName} is ${state} for this account; enable it with PUT /v1/mcp/servers/${encodedName}/install.`,
    );
  }
  if (readiness.authState === "not_connected" || readiness.authState === "reauth_required") {
    return failure(
      401,
      `MCP server ${serverName} needs OAuth authorization; start it with POST /v1/mcp/servers/${encodedName}/oauth/start.`,
    );
  }
  if (readiness.missingSecrets.length > 0) {
    return failure(
      500,
      `MCP server ${serverName} failed: the secrets ${readiness.missingSecrets.join(", ")} are not saved. ` +
        `Save them with POST /v1/mcp/servers/${encodedName}/secrets.`,
    );
  }

  try {
    const content = tool.run(readToolArguments(tool, args));
    return { ok: true, result: { success: true, data: { content, contentType: "text/plain" } } };
  } catch (error) {
    if (!(error instanceof ToolExecutionError)) throw error;
    return failure(500, `Tool ${method} of MCP server ${serverName} failed: ${error.message}`);
  }
}

/**
 * Keeps the account's entries of `CALLABLE_MCP_TOOLS` in step with a server's tools, so other
 * areas (the webhook trigger) call them through `invokeMcpTool`.
 */
export function registerCallableTools(store: MockStore, account: Account, server: McpServerRecord): void {
  const callable = store.slot(account, CALLABLE_MCP_TOOLS);
  const prefix = mcpToolKey(server.name, "");
  for (const key of [...callable.keys()]) {
    if (key.startsWith(prefix)) callable.delete(key);
  }
  for (const tool of server.tools) {
    callable.set(mcpToolKey(server.name, tool.name), (args) =>
      invokeMcpTool(store, account, server.name, tool.name, args),
    );
  }
}

function boundedName(value: string, field: string): string {
  if (value.length > MAX_NAME_LENGTH) {
    throw new InvalidRequestError(
      `${field} is longer than ${MAX_NAME_LENGTH} characters (received ${value.length}).`,
      field,
    );
  }
  return value;
}
