/**
 * Catalog entries every account can register and install. Their URLs are example hosts that the
 * mock never contacts; discovery of them follows `discoverServer`.
 */
export const MCP_CATALOG: readonly Record<string, unknown>[] = [
  {
    name: "example-notes",
    displayName: "Example Notes",
    description: "Notes and tasks over MCP, authorized with OAuth.",
    url: "https://mcp.example.com/mcp",
    authMode: "oauth2",
    homepageUrl: "https://example.com/notes",
    licenseName: "MIT",
    catalogProvider: "glama",
    catalogId: "example-notes",
  },
  {
    name: "example-search",
    displayName: "Example Search",
    description: "Web search with an API key.",
    url: "https://search.example.com/mcp",
    authMode: "none",
    catalogProvider: "manual",
    catalogId: "example-search",
  },
  {
    name: "example-tasks",
    displayName: "Example Tasks",
    description: "Task lists whose authorization server registers clients dynamically.",
    url: "https://tasks.dcr.example.com/mcp",
    authMode: "oauth2",
    repositoryUrl: "https://example.com/tasks-mcp",
    catalogProvider: "glama",
    catalogId: "example-tasks",
  },
];
