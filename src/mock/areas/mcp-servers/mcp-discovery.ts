import type { McpRegistrationMode, McpTokenEndpointAuthMethod } from "./mcp-server-records.ts";

/** One authorization server found by discovery. */
export interface DiscoveredAuthorizationServer {
  readonly issuer: string;
  readonly authorizationServerMetadataUrl: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly scopesSupported: readonly string[];
  readonly codeChallengeMethodsSupported: readonly string[];
  readonly clientIdMetadataDocumentSupported: boolean;
  readonly registrationEndpoint?: string;
  readonly tokenEndpointAuthMethodsSupported: readonly McpTokenEndpointAuthMethod[];
}

/** The fields of a discovery response besides `success`. */
export interface DiscoveryResult {
  readonly serverUrl: string;
  readonly resourceMetadataUrl?: string;
  readonly resourceUri: string;
  readonly discoverySource: "prm" | "issuer_override";
  readonly authorizationServers: readonly DiscoveredAuthorizationServer[];
  readonly recommendedRegistrationMode: McpRegistrationMode;
}

/**
 * Derives the OAuth metadata of a remote MCP server from its URL alone. The mock never fetches
 * anything, so the metadata follows the well-known URL layout of RFC 9728 (protected resource
 * metadata) and RFC 8414 (authorization server metadata) on the server's own origin, or on
 * `issuerOverride` when given.
 *
 * The host name picks the registration strategy, so tests can reach all three. A host with a
 * `dcr` label offers dynamic client registration and no client metadata documents. A host with a
 * `manual` label offers neither. Every other host accepts client metadata documents (CIMD).
 */
export function discoverServer(serverUrl: URL, issuerOverride: URL | undefined): DiscoveryResult {
  const resource = new URL(serverUrl.href);
  resource.hash = "";
  const resourcePath = resource.pathname === "/" ? "" : resource.pathname;
  const issuer = (issuerOverride ?? new URL(resource.origin)).href.replace(/\/+$/, "");
  const labels = new Set(resource.hostname.split("."));
  const dcr = labels.has("dcr");
  const manual = labels.has("manual");

  let recommendedRegistrationMode: McpRegistrationMode = "cimd";
  if (dcr) recommendedRegistrationMode = "dcr";
  else if (manual) recommendedRegistrationMode = "manual";

  const authorizationServer: DiscoveredAuthorizationServer = {
    issuer,
    authorizationServerMetadataUrl: `${issuer}/.well-known/oauth-authorization-server`,
    authorizationEndpoint: `${issuer}/authorize`,
    tokenEndpoint: `${issuer}/token`,
    scopesSupported: ["read", "write"],
    codeChallengeMethodsSupported: ["S256"],
    clientIdMetadataDocumentSupported: !dcr && !manual,
    ...(dcr ? { registrationEndpoint: `${issuer}/register` } : {}),
    tokenEndpointAuthMethodsSupported: manual ? ["client_secret_post", "client_secret_basic"] : ["none"],
  };
  return {
    serverUrl: serverUrl.href,
    ...(issuerOverride === undefined
      ? { resourceMetadataUrl: `${resource.origin}/.well-known/oauth-protected-resource${resourcePath}` }
      : {}),
    resourceUri: resource.href,
    discoverySource: issuerOverride === undefined ? "prm" : "issuer_override",
    authorizationServers: [authorizationServer],
    recommendedRegistrationMode,
  };
}
