/**
 * The 71 operations of the API overview's endpoint index (its "Core", "Vector Stores & Files" and
 * "Published/shared agent access" lists plus `POST /v1/chat/cancel` from its OpenAI-compatible
 * list), with `:param` written as `{param}`. `body` marks the operations whose reference page
 * documents a request body, and `stream` marks those that respond with `text/event-stream`.
 * Every other operation in the spec is one of the further endpoints the reference pages document.
 */
export interface OverviewOperation {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  body: boolean;
  stream: boolean;
}

const GET = (path: string): OverviewOperation => ({ method: "GET", path, body: false, stream: false });
const withBody = (method: OverviewOperation["method"], path: string, stream = false): OverviewOperation => ({
  method,
  path,
  body: true,
  stream,
});
const noBody = (method: OverviewOperation["method"], path: string): OverviewOperation => ({
  method,
  path,
  body: false,
  stream: false,
});

export const OVERVIEW_OPERATIONS: readonly OverviewOperation[] = [
  GET("/v1/models"),
  GET("/v1/modelmap"),
  withBody("POST", "/v1/chat/completions", true),
  withBody("POST", "/v1/chat/cancel"),
  withBody("POST", "/v1/embeddings"),
  withBody("POST", "/v1/core/audio/tts"),
  withBody("POST", "/v1/core/audio/tts/stream", true),
  withBody("POST", "/v1/core/audio/stt"),
  GET("/v1/core/providers"),
  withBody("POST", "/v1/core/add/provider"),
  withBody("POST", "/v1/core/delete/provider"),
  withBody("POST", "/v1/core/models"),
  withBody("POST", "/v1/core/add/model"),
  withBody("POST", "/v1/core/delete/model"),
  GET("/v1/core/agents"),
  withBody("POST", "/v1/core/add/agent"),
  withBody("POST", "/v1/core/delete/agent"),
  withBody("POST", "/v1/core/agents/publish"),
  GET("/v1/core/agents/published"),
  GET("/v1/core/agents/shared-with-me"),
  withBody("POST", "/v1/core/agents/{username}/{slug}/shares"),
  GET("/v1/core/agents/{username}/{slug}/shares"),
  withBody("DELETE", "/v1/core/agents/{username}/{slug}/shares"),
  withBody("POST", "/v1/core/generate/prompt"),
  withBody("POST", "/v1/core/agent-workflow", true),
  GET("/v1/core/workflows"),
  withBody("POST", "/v1/core/workflows"),
  withBody("PUT", "/v1/core/workflows/{id}"),
  noBody("DELETE", "/v1/core/workflows/{id}"),
  withBody("POST", "/v1/core/workflow-runs"),
  GET("/v1/core/workflows/{id}/runs"),
  GET("/v1/core/workflow-runs/{runId}"),
  GET("/v1/core/workflow-runs/{runId}/hydrated"),
  { method: "GET", path: "/v1/core/workflow-runs/{runId}/stream", body: false, stream: true },
  noBody("POST", "/v1/core/workflow-runs/{runId}/cancel"),
  GET("/v1/core/config"),
  withBody("POST", "/v1/core/scrape-url"),
  GET("/v1/core/tools"),
  GET("/v1/core/servers"),
  GET("/v1/core/usage/raw"),
  GET("/v1/core/usage/summary"),
  GET("/v1/core/usage/models"),
  GET("/v1/core/usage/timeseries"),
  GET("/v1/core/usage/billing"),
  withBody("POST", "/v1/core/collections/{collectionName}/search"),
  GET("/v1/core/collections/{collectionName}/diagnostics"),
  withBody("POST", "/v1/core/collections/{collectionName}/recover"),
  GET("/v1/core/collections"),
  GET("/v1/vector_stores"),
  withBody("POST", "/v1/vector_stores"),
  GET("/v1/vector_stores/{id}"),
  noBody("DELETE", "/v1/vector_stores/{id}"),
  GET("/v1/vector_stores/{id}/files"),
  withBody("POST", "/v1/vector_stores/{id}/files"),
  GET("/v1/vector_stores/{id}/files/{fileId}"),
  withBody("POST", "/v1/vector_stores/cancel"),
  GET("/v1/files"),
  withBody("POST", "/v1/files"),
  GET("/v1/files/{id}"),
  noBody("DELETE", "/v1/files/{id}"),
  GET("/v1/files/{id}/content"),
  GET("/v1/user-collections"),
  GET("/v1/vector_stores/{id}/file-details"),
  GET("/v1/public/agent/{username}/{slug}"),
  withBody("POST", "/v1/public/agent/{username}/{slug}/chat", true),
  withBody("POST", "/v1/public/agent/{username}/{slug}/speak", true),
  GET("/v1/public/agent/{username}/{slug}/sessions"),
  GET("/v1/public/agent/{username}/{slug}/sessions/{id}"),
  withBody("POST", "/v1/public/agent/{username}/{slug}/sessions"),
  withBody("PATCH", "/v1/public/agent/{username}/{slug}/sessions/{id}/title"),
  noBody("DELETE", "/v1/public/agent/{username}/{slug}/sessions/{id}"),
];

/** Returns the key `METHOD path` used to match operations against this list. */
export function operationKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}
