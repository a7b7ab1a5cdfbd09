import { createHash } from "node:crypto";
import { InvalidRequestError } from "../../request-fields.ts";
import type { Account, MockStore } from "../../store.ts";
import {
  MAX_PENDING_AUTHORIZATIONS,
  MCP_SERVERS,
  type McpOAuthClientConfig,
  type McpOAuthTemplate,
  type McpPendingAuthorization,
  type McpServerRecord,
} from "./mcp-server-records.ts";

/** Path of the public OAuth client metadata document. */
export const CLIENT_METADATA_PATH = "/.well-known/oauth/client-metadata.json";

/** Path the authorization server redirects to after the user approves. */
export const OAUTH_CALLBACK_PATH = "/webhooks/oauth/callback";

/** MissionSquad's OAuth Client ID Metadata Document, served at `CLIENT_METADATA_PATH`. */
export function clientMetadataDocument(origin: string): Record<string, unknown> {
  return {
    client_id: `${origin}${CLIENT_METADATA_PATH}`,
    client_name: "MissionSquad",
    redirect_uris: [`${origin}${OAUTH_CALLBACK_PATH}`],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  };
}

/** Body fields of `oauth/start`. */
export interface OAuthStartInput {
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly scopes?: readonly string[];
}

export interface OAuthStartResult {
  readonly authorizationUrl: string;
  readonly callbackUrl: string;
  readonly webhookId: string;
}

/**
 * Starts the authorization-code + PKCE flow for `server`: resolves the OAuth client, creates
 * `state` and the code verifier, records the pending authorization and builds the authorization
 * URL. Nothing is contacted: a `dcr` client id is derived instead of registered.
 * @throws InvalidRequestError when the server is not set up for OAuth, a URL is missing, manual
 * credentials were sent for a `cimd` or `dcr` server, or a `manual` server has no client id.
 */
export function startAuthorization(
  store: MockStore,
  account: Account,
  server: McpServerRecord,
  input: OAuthStartInput,
  origin: string,
  now: number,
): OAuthStartResult {
  const template = server.oauthTemplate;
  if (server.authMode !== "oauth2" || template === undefined) {
    throw new InvalidRequestError(
      `MCP server ${server.name} is not configured for OAuth (authMode ${server.authMode}); register it with authMode oauth2 and an oauthTemplate.`,
    );
  }
  if (template.authorizationEndpoint.trim() === "") {
    throw new InvalidRequestError(
      `MCP server ${server.name} has no authorizationEndpoint in its oauthTemplate; register it again with one.`,
    );
  }
  const state = store.slot(account, MCP_SERVERS);
  const clientId = resolveClientId(
    server,
    template,
    input,
    state.installs.get(server.name)?.oauthClientConfig,
    origin,
  );
  const scopes =
    input.scopes ??
    clientConfigOf(state.installs.get(server.name)?.oauthClientConfig, server)?.scopes ??
    template.challengedScopes ??
    template.scopesSupported ??
    [];

  const stateParameter = `st_${digest(`${store.nextId("oauth")}:${account.id}:${server.name}`).slice(0, 24)}`;
  const codeVerifier = digest(`verifier:${account.id}:${stateParameter}`);
  const callbackUrl = `${origin}${OAUTH_CALLBACK_PATH}`;
  const webhookId = store.nextId("wh_oauth");

  const url = new URL(template.authorizationEndpoint);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("redirect_uri", callbackUrl);
  url.searchParams.set("state", stateParameter);
  url.searchParams.set("code_challenge", digest(codeVerifier));
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("resource", template.resourceUri);
  if (scopes.length > 0) url.searchParams.set("scope", scopes.join(" "));
  for (const parameter of template.authorizationRequestParams ?? [])
    url.searchParams.set(parameter.name, parameter.value);

  const pending: McpPendingAuthorization = {
    state: stateParameter,
    serverName: server.name,
    webhookId,
    clientId,
    codeVerifier,
    redirectUri: callbackUrl,
    scopes,
    createdAt: now,
  };
  state.pendingAuthorizations.set(stateParameter, pending);
  if (state.pendingAuthorizations.size > MAX_PENDING_AUTHORIZATIONS) {
    const oldest = state.pendingAuthorizations.keys().next().value;
    if (oldest !== undefined) state.pendingAuthorizations.delete(oldest);
  }
  return { authorizationUrl: url.href, callbackUrl, webhookId };
}

function resolveClientId(
  server: McpServerRecord,
  template: McpOAuthTemplate,
  input: OAuthStartInput,
  installConfig: McpOAuthClientConfig | undefined,
  origin: string,
): string {
  const manualSent = input.clientId !== undefined || input.clientSecret !== undefined;
  if (template.registrationMode !== "manual") {
    if (manualSent && template.manualClientCredentialsAllowed !== true) {
      throw new InvalidRequestError(
        `MCP server ${server.name} uses ${template.registrationMode} client registration, which takes no manual clientId or clientSecret; send neither.`,
      );
    }
    if (manualSent && input.clientId !== undefined) return input.clientId;
    if (template.registrationMode === "cimd") return `${origin}${CLIENT_METADATA_PATH}`;
    if (template.registrationEndpoint === undefined || template.registrationEndpoint.trim() === "") {
      throw new InvalidRequestError(
        `MCP server ${server.name} uses dcr client registration but has no registrationEndpoint; register it again with one.`,
      );
    }
    // A real deployment registers at registrationEndpoint; the mock derives a stable client id instead.
    return `dcr_${digest(`${template.registrationEndpoint}:${origin}`).slice(0, 20)}`;
  }
  const clientId = input.clientId ?? clientConfigOf(installConfig, server)?.clientId;
  if (clientId === undefined || clientId.trim() === "") {
    throw new InvalidRequestError(
      `MCP server ${server.name} uses manual client registration and no clientId is known; send clientId, or install the server with oauthClientConfig.clientId.`,
      "clientId",
    );
  }
  return clientId;
}

function clientConfigOf(
  installConfig: McpOAuthClientConfig | undefined,
  server: McpServerRecord,
): McpOAuthClientConfig | undefined {
  return installConfig ?? server.oauthClientConfig;
}

/**
 * Completes a pending authorization as the OAuth callback does after the code exchange: stores
 * the grant for the server and deletes the pending entry. Returns undefined when no account has a
 * pending authorization with this `state`. The mock exchanges nothing; the tokens are derived
 * from `code`.
 */
export function completeAuthorization(
  store: MockStore,
  stateParameter: string,
  code: string,
  now: number,
): { readonly account: Account; readonly authorization: McpPendingAuthorization } | undefined {
  for (const account of store.accounts()) {
    const state = store.slot(account, MCP_SERVERS);
    const authorization = state.pendingAuthorizations.get(stateParameter);
    if (authorization === undefined) continue;
    state.pendingAuthorizations.delete(stateParameter);
    state.grants.set(authorization.serverName, {
      accessToken: `mcp_at_${digest(`access:${code}:${stateParameter}`).slice(0, 32)}`,
      refreshToken: `mcp_rt_${digest(`refresh:${code}:${stateParameter}`).slice(0, 32)}`,
      scopes: authorization.scopes,
      state: "connected",
      grantedAt: now,
    });
    return { account, authorization };
  }
  return undefined;
}

/** base64url of the SHA-256 of `text`, the form of a PKCE S256 code challenge. */
function digest(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}
