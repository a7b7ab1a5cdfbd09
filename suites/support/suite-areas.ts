/**
 * API areas (the mock's area names, which are the spec's lowercase tags) that some suite file
 * declares in `setupSuite`. The mutation check runs a fault of one of these areas only with the
 * suites that declare it; a fault of any other area runs with every suite.
 */
export const SUITE_AREAS: ReadonlySet<string> = new Set([
  "auth",
  "common",
  "models",
  "providers",
  "chat",
  "embeddings",
  "voices",
  "audio",
  "usage",
  "settings",
  "utilities",
  "agents",
  "public-agents",
  "files",
  "vector-stores",
  "collections",
  "webhooks",
  "workflows",
  "mcp-servers",
  "factories",
  "video",
]);
