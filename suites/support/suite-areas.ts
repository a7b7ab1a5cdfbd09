/**
 * API areas that some suite file declares in `setupSuite`, named like the mock's areas (the
 * spec's lowercase tags). The mutation check runs a fault of one of these areas only with the
 * suites that declare it. A fault of any other area runs with every suite.
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
