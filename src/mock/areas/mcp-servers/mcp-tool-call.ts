import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { InvalidRequestError, isJsonObject, requireBodyObject, requiredString } from "../../request-fields.ts";
import { MCP_FAULTS } from "./mcp-faults.ts";
import { findMcpServer } from "./mcp-server-records.ts";
import { serverReadiness } from "./mcp-server-view.ts";
import { MAX_NAME_LENGTH } from "./mcp-requests.ts";
import { readToolArguments, ToolExecutionError } from "./mcp-tools.ts";

/**
 * `POST /v1/mcp/tool/call`: runs one of the mock's own tool implementations. The checks follow the
 * documented order of failures: 400 for the body, 404 for the server or tool, 409 for a server
 * that is not installed and enabled, 401 for OAuth that needs authorization, 500 when the tool fails.
 */
export function callMcpTool(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const serverName = boundedName(requiredString(body, "serverName"), "serverName");
  const method = boundedName(requiredString(body, "method"), "method");
  const args = body["args"];
  if (!isJsonObject(args)) {
    throw new InvalidRequestError("args must be a JSON object of the tool's arguments (send {} for none).", "args");
  }

  const server = findMcpServer(context.store, context.account, serverName);
  if (server === undefined) {
    return context.error(404, `No MCP server named ${serverName} in this account. List them with GET /v1/mcp/servers.`);
  }
  const tool = server.tools.find((candidate) => candidate.name === method);
  if (tool === undefined) {
    return context.error(
      404,
      `MCP server ${serverName} has no tool named ${method}. List its tools with GET /v1/mcp/servers/${encodeURIComponent(serverName)}/tools.`,
    );
  }
  const readiness = serverReadiness(context.store, context.account, server);
  const usable = readiness.installed && readiness.enabled;
  if (!usable && !context.faults.has(MCP_FAULTS.disabledToolCallAccepted)) {
    return context.error(
      409,
      `MCP server ${serverName} is ${readiness.installed ? "disabled" : "not installed"} for this account; ` +
        `enable it with PUT /v1/mcp/servers/${encodeURIComponent(serverName)}/install.`,
    );
  }
  if (readiness.authState === "not_connected" || readiness.authState === "reauth_required") {
    return context.error(
      401,
      `MCP server ${serverName} needs OAuth authorization; start it with POST /v1/mcp/servers/${encodeURIComponent(serverName)}/oauth/start.`,
    );
  }
  if (readiness.missingSecrets.length > 0) {
    return context.error(
      500,
      `MCP server ${serverName} failed: the secrets ${readiness.missingSecrets.join(", ")} are not saved. ` +
        `Save them with POST /v1/mcp/servers/${encodeURIComponent(serverName)}/secrets.`,
    );
  }

  try {
    const content = tool.run(readToolArguments(tool, args));
    return jsonResponse(200, { success: true, data: { content, contentType: "text/plain" } });
  } catch (error) {
    if (!(error instanceof ToolExecutionError)) throw error;
    return context.error(500, `Tool ${method} of MCP server ${serverName} failed: ${error.message}`);
  }
}

function boundedName(value: string, field: string): string {
  if (value.length > MAX_NAME_LENGTH) {
    throw new InvalidRequestError(`${field} is longer than ${MAX_NAME_LENGTH} characters (received ${value.length}).`, field);
  }
  return value;
}
