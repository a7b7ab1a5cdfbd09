import {
  InvalidRequestError,
  isJsonObject,
  optionalBoolean,
  optionalObject,
  optionalString,
  optionalStringList,
  requiredHttpUrl,
  requiredString,
  typeName,
  type JsonObject,
} from "../../request-fields.ts";
import { externalServerTools } from "./mcp-server-records.ts";
import type {
  McpOAuthClientConfig,
  McpOAuthTemplate,
  McpSecretField,
  McpServerRecord,
  McpTokenEndpointAuthMethod,
} from "./mcp-server-records.ts";

/**
 * Maximum length of a server or tool name in a tool call.
 * NOTE: the reference pages say oversized names get 400 but give no limit; 200 is an estimate.
 */
export const MAX_NAME_LENGTH = 200;

const TEMPLATE_STRINGS = [
  "authorizationServerIssuer",
  "authorizationServerMetadataUrl",
  "resourceUri",
  "authorizationEndpoint",
  "tokenEndpoint",
] as const;
const AUTH_METHODS: ReadonlySet<string> = new Set(["none", "client_secret_post", "client_secret_basic"]);

/** Reads the body of an external server registration into a server record. */
export function readRegistration(body: JsonObject): McpServerRecord {
  const name = requiredString(body, "name").trim();
  const displayName = stringField(body, "displayName");
  const description = stringField(body, "description");
  const url = requiredHttpUrl(requiredString(body, "url"), "url");
  const authMode = body["authMode"];
  if (authMode !== "none" && authMode !== "oauth2") {
    throw new InvalidRequestError(
      `authMode must be none or oauth2, received ${typeName(authMode)}.`,
      "authMode",
    );
  }
  if (body["enabled"] !== true) {
    throw new InvalidRequestError(
      `enabled must be true for a registration, received ${typeName(body["enabled"])}.`,
      "enabled",
    );
  }
  const template = optionalObject(body, "oauthTemplate");
  if (authMode === "oauth2" && template === undefined) {
    throw new InvalidRequestError(
      "oauthTemplate is missing; an oauth2 server needs the template from discovery.",
      "oauthTemplate",
    );
  }
  const catalogProvider = body["catalogProvider"];
  if (catalogProvider !== undefined && catalogProvider !== "glama" && catalogProvider !== "manual") {
    throw new InvalidRequestError(
      `catalogProvider must be glama or manual, received ${typeName(catalogProvider)}.`,
      "catalogProvider",
    );
  }
  const clientConfig = optionalObject(body, "oauthClientConfig");
  const optional = (field: string): Record<string, string> => {
    const value = optionalString(body, field);
    return value === undefined ? {} : { [field]: value };
  };

  return {
    name,
    displayName,
    description,
    // The API sets both fields to these values, whatever the body contains.
    source: "external",
    transportType: "streamable_http",
    url: url.href,
    authMode,
    ...(template === undefined ? {} : { oauthTemplate: readTemplate(template) }),
    secretFields: readSecretFields(body["secretFields"]),
    ...optional("homepageUrl"),
    ...optional("repositoryUrl"),
    ...optional("licenseName"),
    ...(catalogProvider === undefined ? {} : { catalogProvider }),
    ...optional("catalogId"),
    ...(clientConfig === undefined
      ? {}
      : { oauthClientConfig: readClientConfig(clientConfig, "oauthClientConfig.") }),
    tools: externalServerTools(),
  };
}

function readTemplate(template: JsonObject): McpOAuthTemplate {
  const strings: Record<string, string> = {};
  for (const field of TEMPLATE_STRINGS) strings[field] = requiredString(template, field);
  requiredHttpUrl(strings["authorizationEndpoint"] ?? "", "oauthTemplate.authorizationEndpoint");

  const registrationMode = template["registrationMode"];
  if (registrationMode !== "cimd" && registrationMode !== "dcr" && registrationMode !== "manual") {
    throw new InvalidRequestError(
      `oauthTemplate.registrationMode must be cimd, dcr or manual, received ${typeName(registrationMode)}.`,
      "oauthTemplate.registrationMode",
    );
  }
  const discoveryMode = template["discoveryMode"];
  if (discoveryMode !== "auto" && discoveryMode !== "manual") {
    throw new InvalidRequestError(
      `oauthTemplate.discoveryMode must be auto or manual, received ${typeName(discoveryMode)}.`,
      "oauthTemplate.discoveryMode",
    );
  }

  const discoverySource = template["discoverySource"];
  if (discoverySource !== undefined && discoverySource !== "prm" && discoverySource !== "issuer_override") {
    throw new InvalidRequestError(
      `oauthTemplate.discoverySource must be prm or issuer_override, received ${typeName(discoverySource)}.`,
      "oauthTemplate.discoverySource",
    );
  }
  const pkceRequired = optionalBoolean(template, "pkceRequired");
  if (pkceRequired === undefined) {
    throw new InvalidRequestError(
      "oauthTemplate.pkceRequired is missing; send true or false.",
      "oauthTemplate.pkceRequired",
    );
  }

  const methods = optionalStringList(
    template["codeChallengeMethodsSupported"],
    "oauthTemplate.codeChallengeMethodsSupported",
  );
  if (methods === undefined) {
    throw new InvalidRequestError(
      'oauthTemplate.codeChallengeMethodsSupported is missing; send an array such as ["S256"].',
    );
  }
  const authMethods = optionalStringList(
    template["tokenEndpointAuthMethodsSupported"],
    "oauthTemplate.tokenEndpointAuthMethodsSupported",
  );
  if (authMethods?.some((method) => !AUTH_METHODS.has(method)) === true) {
    throw new InvalidRequestError(
      "oauthTemplate.tokenEndpointAuthMethodsSupported may hold only none, client_secret_post and client_secret_basic.",
    );
  }
  const scopesSupported = optionalStringList(template["scopesSupported"], "oauthTemplate.scopesSupported");
  const challengedScopes = optionalStringList(template["challengedScopes"], "oauthTemplate.challengedScopes");

  const optionalText = (field: string): Record<string, string> => {
    const value = optionalString(template, field);
    return value === undefined ? {} : { [field]: value };
  };
  const manualAllowed = optionalBoolean(template, "manualClientCredentialsAllowed");
  const cimdSupported = optionalBoolean(template, "clientIdMetadataDocumentSupported");
  return {
    authorizationServerIssuer: strings["authorizationServerIssuer"] ?? "",
    authorizationServerMetadataUrl: strings["authorizationServerMetadataUrl"] ?? "",
    ...optionalText("resourceMetadataUrl"),
    resourceUri: strings["resourceUri"] ?? "",
    authorizationEndpoint: strings["authorizationEndpoint"] ?? "",
    tokenEndpoint: strings["tokenEndpoint"] ?? "",
    ...(scopesSupported === undefined ? {} : { scopesSupported }),
    ...(challengedScopes === undefined ? {} : { challengedScopes }),
    codeChallengeMethodsSupported: methods,
    pkceRequired,
    discoveryMode,
    ...(discoverySource === undefined ? {} : { discoverySource }),
    registrationMode,
    ...(manualAllowed === undefined ? {} : { manualClientCredentialsAllowed: manualAllowed }),
    ...(cimdSupported === undefined ? {} : { clientIdMetadataDocumentSupported: cimdSupported }),
    ...optionalText("registrationEndpoint"),
    ...(authMethods === undefined
      ? {}
      : { tokenEndpointAuthMethodsSupported: authMethods as McpTokenEndpointAuthMethod[] }),
    ...readRequestParams(template["authorizationRequestParams"]),
  };
}

function readRequestParams(value: unknown): Pick<McpOAuthTemplate, "authorizationRequestParams"> {
  if (value === undefined || value === null) return {};
  const field = "oauthTemplate.authorizationRequestParams";
  if (!Array.isArray(value))
    throw new InvalidRequestError(`${field} must be an array of { name, value }.`, field);
  const params = value.map((entry: unknown, index) => {
    if (!isJsonObject(entry) || typeof entry["name"] !== "string" || typeof entry["value"] !== "string") {
      throw new InvalidRequestError(
        `${field}[${index}] must be an object with string name and value.`,
        field,
      );
    }
    return { name: entry["name"], value: entry["value"] };
  });
  return { authorizationRequestParams: params };
}

function readSecretFields(value: unknown): McpSecretField[] {
  if (!Array.isArray(value)) {
    throw new InvalidRequestError(
      `secretFields must be an array (empty for none), received ${typeName(value)}.`,
      "secretFields",
    );
  }
  return value.map((entry: unknown, index) => {
    const field = `secretFields[${index}]`;
    if (!isJsonObject(entry)) throw new InvalidRequestError(`${field} must be an object.`, field);
    const name = requiredString(entry, "name");
    const required = optionalBoolean(entry, "required");
    if (required === undefined)
      throw new InvalidRequestError(`${field}.required is missing; send true or false.`, field);
    if (entry["inputType"] !== "password") {
      throw new InvalidRequestError(
        `${field}.inputType must be password, received ${typeName(entry["inputType"])}.`,
        field,
      );
    }
    return {
      name,
      label: optionalString(entry, "label") ?? name,
      description: optionalString(entry, "description") ?? "",
      required,
      inputType: "password",
    };
  });
}

/**
 * Reads clientId, clientSecret and scopes from `oauthClientConfig` or from an `oauth/start` body.
 * `prefix` is prepended to field names in messages (`oauthClientConfig.` or empty).
 */
export function readClientConfig(config: JsonObject, prefix: string): McpOAuthClientConfig {
  const clientId = optionalString(config, "clientId");
  if (clientId !== undefined && clientId.trim() === "") {
    throw new InvalidRequestError(`${prefix}clientId must not be blank.`, `${prefix}clientId`);
  }
  const clientSecret = optionalString(config, "clientSecret");
  const scopes = optionalStringList(config["scopes"], `${prefix}scopes`);
  return {
    ...(clientId === undefined ? {} : { clientId }),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    ...(scopes === undefined ? {} : { scopes }),
  };
}

/** Reads the `secrets` list of a secrets request. */
export function readSecrets(body: JsonObject): { name: string; value: string }[] {
  const secrets = body["secrets"];
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new InvalidRequestError("secrets must be a non-empty array of { name, value }.", "secrets");
  }
  return secrets.map((entry: unknown, index) => {
    if (!isJsonObject(entry))
      throw new InvalidRequestError(`secrets[${index}] must be an object with name and value.`, "secrets");
    const name = requiredString(entry, "name");
    const value = entry["value"];
    // The value is a secret, so the message names its type only.
    if (typeof value !== "string" || value === "") {
      throw new InvalidRequestError(`secrets[${index}].value must be a non-empty string.`, "secrets");
    }
    return { name, value };
  });
}

function stringField(body: JsonObject, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined) throw new InvalidRequestError(`${name} is missing; send it as a string.`, name);
  return value;
}
