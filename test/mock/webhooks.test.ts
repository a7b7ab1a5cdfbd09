import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CHAT_AGENTS } from "../../src/mock/agent-directory.ts";
import type { JsonObject } from "../../src/mock/request-fields.ts";
import {
  CALLABLE_MCP_TOOLS,
  STARTABLE_FACTORIES,
  STARTABLE_WORKFLOWS,
  mcpToolKey,
  type DispatchOutcome,
} from "../../src/mock/run-directory.ts";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import type { Account, MockStore } from "../../src/mock/store.ts";
import { parseTimingModel } from "../../src/mock/timing-model.ts";
import { usageRows } from "../../src/mock/usage-recording.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { startMswDeployment, withoutClock, type MswDeployment } from "./support/adapter-pair.ts";
import { expectConforms } from "./support/contract-checks.ts";
import { expectProbeBreaksRule, faultNamesOf } from "./support/fault-probes.ts";
import { jsonBody, sendRequest, type Caller, type MockExchange } from "./support/mock-exchange.ts";

/** Origin the msw handlers intercept in this file. Nothing listens there. */
const MSW_ORIGIN = "http://127.0.0.1:4996";

/** A bring-your-own secret of the documented form. */
const OWN_SECRET = "use-a-long-random-string-here";

let mock: RunningMock;
let registry: ValidatorRegistry;

beforeAll(async () => {
  mock = await startMock();
  registry = await ValidatorRegistry.load();
});

afterAll(async () => {
  await mock.close();
});

interface SendOptions {
  /** Sent as JSON with `Content-Type: application/json`. */
  readonly json?: unknown;
  /** Sent as is, with `contentType` when given. */
  readonly raw?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends a request as `caller` with the test user agent; a `raw` body goes with its `contentType`. */
function send(
  origin: string,
  caller: Caller,
  method: string,
  path: string,
  options: SendOptions = {},
): Promise<MockExchange> {
  const headers: Record<string, string> = { "user-agent": "msq-harness-test", ...options.headers };
  if (options.contentType !== undefined) headers["content-type"] = options.contentType;
  return sendRequest(origin, caller, method, path, options.json ?? options.raw, headers);
}

const json = jsonBody;

function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

function account(store: MockStore, username: string): Account {
  const found = store.findAccountByUsername(username);
  if (found === undefined) throw new Error(`${username} is not seeded`);
  return found;
}

/** A client of one running mock that checks every response against the spec. */
class Client {
  constructor(readonly target: RunningMock) {}

  get store(): MockStore {
    return this.target.deployment.store;
  }

  async call(
    operationId: string,
    caller: Caller,
    method: string,
    path: string,
    options: SendOptions = {},
  ): Promise<MockExchange> {
    const exchange = await send(this.target.origin, caller, method, path, options);
    expectConforms(registry, operationId, exchange);
    return exchange;
  }

  /** Creates a webhook and returns its id and the raw secret of the 201 body. */
  async create(
    caller: Caller,
    body: JsonObject,
  ): Promise<{ id: string; secret: string; body: Record<string, unknown> }> {
    const exchange = await this.call("createWebhook", caller, "POST", "/v1/webhooks", { json: body });
    expect(exchange.status, exchange.text).toBe(201);
    const created = json(exchange);
    return {
      id: String((created["webhook"] as Record<string, unknown>)["webhookId"]),
      secret: String(created["secret"]),
      body: created,
    };
  }

  /** Creates a header-secret trigger of `action` with `OWN_SECRET`. */
  async createTrigger(caller: Caller, triggerConfig: JsonObject, extra: JsonObject = {}): Promise<string> {
    return (
      await this.create(caller, {
        name: "Trigger",
        type: "generic_trigger",
        secret: OWN_SECRET,
        triggerConfig,
        ...extra,
      })
    ).id;
  }

  trigger(id: string, options: SendOptions = { json: {} }): Promise<MockExchange> {
    const headers = { "x-webhook-secret": OWN_SECRET, ...options.headers };
    return this.call("triggerWebhook", "none", "POST", `/webhooks/trigger/${id}`, { ...options, headers });
  }

  /** Sends `body` signed with `OWN_SECRET` to an hmac_sha256 webhook. */
  triggerSigned(id: string, body: string, headers: Record<string, string> = {}): Promise<MockExchange> {
    return this.call("triggerWebhook", "none", "POST", `/webhooks/trigger/${id}`, {
      raw: body,
      contentType: "application/json",
      headers: { "x-hub-signature-256": sign(OWN_SECRET, body), ...headers },
    });
  }

  async webhook(caller: Caller, id: string): Promise<Record<string, unknown>> {
    return json(await this.call("getWebhook", caller, "GET", `/v1/webhooks/${id}`))["webhook"] as Record<
      string,
      unknown
    >;
  }

  async executions(caller: Caller, id: string, query = ""): Promise<Record<string, unknown>[]> {
    const list = json(
      await this.call("listWebhookExecutions", caller, "GET", `/v1/webhooks/${id}/executions${query}`),
    );
    return list["executions"] as Record<string, unknown>[];
  }

  addAgent(username: string, name: string, modelName = "msq-mock-chat"): void {
    this.store
      .slot(account(this.store, username), CHAT_AGENTS)
      .set(name, { name, slug: name, modelName, published: false, sharedWith: [], maxTokens: 6 });
  }

  /** Registers a workflow whose starts record their payloads. */
  addWorkflow(username: string, id: string): (string | undefined)[] {
    const payloads: (string | undefined)[] = [];
    this.store.slot(account(this.store, username), STARTABLE_WORKFLOWS).set(id, {
      start: (payload) => {
        payloads.push(payload);
        return {
          ok: true,
          result: { success: true, runId: `run_${payloads.length}` },
          runId: `run_${payloads.length}`,
        };
      },
    });
    return payloads;
  }
}

const GENERIC = { action: "custom" };

describe("webhook creation", () => {
  test("generic trigger shows its secret once", async () => {
    const client = new Client(mock);
    const created = await client.create("alice", {
      name: "Lead intake",
      type: "generic_trigger",
      triggerConfig: GENERIC,
      tags: ["sales"],
    });
    expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(created.body["secretNotice"]).toBe("Store this secret now. It cannot be retrieved again.");
    const webhook = created.body["webhook"] as Record<string, unknown>;
    expect(webhook).toMatchObject({
      name: "Lead intake",
      type: "generic_trigger",
      enabled: true,
      triggerCount: 0,
      tags: ["sales"],
    });
    expect(webhook["triggerUrl"]).toBe(`${mock.origin}/webhooks/trigger/${created.id}`);

    const read = await client.call("getWebhook", "alice", "GET", `/v1/webhooks/${created.id}`);
    expect(read.text).not.toContain(created.secret);
    const list = await client.call("listWebhooks", "alice", "GET", "/v1/webhooks");
    expect(list.text).not.toContain(created.secret);
  });

  test("own secret is returned", async () => {
    const created = await new Client(mock).create("alice", {
      name: "Own",
      type: "generic_trigger",
      secret: OWN_SECRET,
      triggerConfig: GENERIC,
    });
    expect(created.secret).toBe(OWN_SECRET);
  });

  test("chosen webhookId is used", async () => {
    const created = await new Client(mock).create("alice", {
      webhookId: "wh_chosen",
      name: "Chosen",
      type: "generic_trigger",
      triggerConfig: GENERIC,
    });
    expect(created.id).toBe("wh_chosen");
  });

  test("oauth_callback has no secret", async () => {
    const created = await new Client(mock).create("alice", {
      name: "Callback",
      type: "oauth_callback",
      oauthConfig: { provider: "github", state: "state-creation", redirectUri: "https://example.com/cb" },
    });
    expect(created.body["secret"]).toBeUndefined();
    const webhook = created.body["webhook"] as Record<string, unknown>;
    expect(webhook["callbackUrl"]).toBe(`${mock.origin}/webhooks/oauth/callback/${created.id}`);
    expect(webhook["triggerUrl"]).toBeUndefined();
  });

  test("outbound has no secret", async () => {
    const created = await new Client(mock).create("alice", {
      name: "Outbound",
      type: "outbound",
      outboundConfig: {
        targetUrl: "https://hooks.example.com/msq",
        eventTypes: ["workflow.completed"],
        retry: { maxAttempts: 3, delayMs: 2000 },
      },
    });
    expect(created.body["secret"]).toBeUndefined();
    expect((created.body["webhook"] as Record<string, unknown>)["triggerUrl"]).toBeUndefined();
  });

  const trigger = (triggerConfig: unknown): JsonObject => ({
    name: "x",
    type: "generic_trigger",
    triggerConfig,
  });
  test.each([
    ["name missing", { type: "generic_trigger", triggerConfig: GENERIC }],
    ["type missing", { name: "x", triggerConfig: GENERIC }],
    ["type unknown", { name: "x", type: "inbound" }],
    ["triggerConfig missing", { name: "x", type: "generic_trigger" }],
    ["oauthConfig missing", { name: "x", type: "oauth_callback" }],
    [
      "oauth state missing",
      {
        name: "x",
        type: "oauth_callback",
        oauthConfig: { provider: "github", redirectUri: "https://e.com" },
      },
    ],
    ["outboundConfig missing", { name: "x", type: "outbound" }],
    [
      "outbound targetUrl invalid",
      { name: "x", type: "outbound", outboundConfig: { targetUrl: "not a url", eventTypes: [] } },
    ],
    ["action unknown", trigger({ action: "run_script" })],
    ["run_agent without agentName", trigger({ action: "run_agent", actionParams: {} })],
    ["run_workflow without workflowId", trigger({ action: "run_workflow", actionParams: {} })],
    [
      "run_factory without factoryConfigId",
      trigger({ action: "run_factory", actionParams: { workflowId: "w" } }),
    ],
    [
      "call_mcp_tool without tool",
      trigger({ action: "call_mcp_tool", actionParams: { mcpServerName: "notes" } }),
    ],
    [
      "dataPayload not JSON",
      trigger({ action: "run_workflow", actionParams: { workflowId: "w", dataPayload: "{oops" } }),
    ],
    ["executionMode unknown", trigger({ action: "custom", executionMode: "later" })],
    [
      "conditions invalid",
      trigger({ action: "custom", conditions: { all: [{ path: "body.a", op: "like", value: "x" }] } }),
    ],
    ["transform invalid", trigger({ action: "custom", payloadTransform: { "bad key": 1 } })],
    [
      "hmac on oauth_callback",
      {
        name: "x",
        type: "oauth_callback",
        verificationMode: "hmac_sha256",
        oauthConfig: { provider: "g", state: "s", redirectUri: "r" },
      },
    ],
    [
      "hmac with sync",
      { ...trigger({ action: "custom", executionMode: "sync" }), verificationMode: "hmac_sha256" },
    ],
    ["verificationMode unknown", { ...trigger(GENERIC), verificationMode: "basic" }],
    ["secret too short", { ...trigger(GENERIC), secret: "short" }],
    ["secret with space", { ...trigger(GENERIC), secret: "has a space in the secret text" }],
    ["expiresAt invalid", { ...trigger(GENERIC), expiresAt: "next week" }],
    ["tags not strings", { ...trigger(GENERIC), tags: [1] }],
    ["webhookId taken", { ...trigger(GENERIC), webhookId: "wh_chosen" }],
  ])("%s gets 400", async (_name, body) => {
    const exchange = await new Client(mock).call("createWebhook", "alice", "POST", "/v1/webhooks", {
      json: body,
    });
    expect(exchange.status).toBe(400);
    expect(json(exchange)["success"]).toBe(false);
  });

  test("invalid secret is not echoed", async () => {
    const secret = "tiny secret";
    const exchange = await new Client(mock).call("createWebhook", "alice", "POST", "/v1/webhooks", {
      json: { ...trigger(GENERIC), secret },
    });
    expect(exchange.status).toBe(400);
    expect(exchange.text).not.toContain(secret);
  });

  test("missing key gets 401", async () => {
    const exchange = await new Client(mock).call("createWebhook", "none", "POST", "/v1/webhooks", {
      json: trigger(GENERIC),
    });
    expect(exchange.status).toBe(401);
  });
});

describe("webhook management", () => {
  test("list filters by type and state", async () => {
    const client = new Client(mock);
    const enabled = await client.createTrigger("carol", GENERIC);
    const disabled = await client.createTrigger("carol", GENERIC);
    await client.call("updateWebhook", "carol", "PUT", `/v1/webhooks/${disabled}`, {
      json: { enabled: false },
    });
    const outbound = (
      await client.create("carol", {
        name: "Out",
        type: "outbound",
        outboundConfig: { targetUrl: "https://e.com/x", eventTypes: [] },
      })
    ).id;
    const list = async (query: string): Promise<unknown[]> => {
      const body = json(await client.call("listWebhooks", "carol", "GET", `/v1/webhooks${query}`));
      const webhooks = body["webhooks"] as Record<string, unknown>[];
      expect(body["count"]).toBe(webhooks.length);
      return webhooks.map((webhook) => webhook["webhookId"]);
    };
    expect(await list("")).toEqual([outbound, disabled, enabled]);
    expect(await list("?type=outbound")).toEqual([outbound]);
    expect(await list("?type=generic_trigger&enabled=true")).toEqual([enabled]);
    expect(await list("?enabled=false")).toEqual([disabled]);
    expect(await list("?limit=1")).toEqual([outbound]);
    expect(await list("?skip=1&limit=5")).toEqual([disabled, enabled]);
    expect(await list("?type=none")).toEqual([]);
  });

  test("update changes the sent fields", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("carol", GENERIC, { description: "before" });
    const update = await client.call("updateWebhook", "carol", "PUT", `/v1/webhooks/${id}`, {
      json: {
        name: "Renamed",
        tags: ["eu"],
        enabled: false,
        triggerConfig: { action: "custom", executionMode: "async" },
      },
    });
    expect(json(update)).toEqual({ success: true, message: "Webhook updated successfully" });
    expect(await client.webhook("carol", id)).toMatchObject({
      name: "Renamed",
      tags: ["eu"],
      enabled: false,
      description: "before",
    });
  });

  test.each([
    ["type", { type: "outbound" }],
    ["secret", { secret: OWN_SECRET }],
    ["verificationMode", { verificationMode: "hmac_sha256" }],
    ["oauthConfig", { oauthConfig: { provider: "g", state: "s", redirectUri: "r" } }],
    ["invalid triggerConfig", { triggerConfig: { action: "run_agent" } }],
    ["outboundConfig on a trigger", { outboundConfig: { targetUrl: "https://e.com", eventTypes: [] } }],
    ["blank name", { name: "" }],
    ["enabled as text", { enabled: "no" }],
  ])("update with %s gets 400", async (_name, body) => {
    const client = new Client(mock);
    const id = await client.createTrigger("carol", GENERIC);
    expect(
      (await client.call("updateWebhook", "carol", "PUT", `/v1/webhooks/${id}`, { json: body })).status,
    ).toBe(400);
  });

  test("hmac webhook rejects sync mode", async () => {
    const client = new Client(mock);
    const id = (
      await client.create("carol", {
        name: "Signed",
        type: "generic_trigger",
        verificationMode: "hmac_sha256",
        triggerConfig: GENERIC,
      })
    ).id;
    const update = await client.call("updateWebhook", "carol", "PUT", `/v1/webhooks/${id}`, {
      json: { triggerConfig: { action: "custom", executionMode: "sync" } },
    });
    expect(update.status).toBe(400);
  });

  test("delete removes the webhook and its history", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("carol", GENERIC);
    await client.trigger(id);
    const deleted = await client.call("deleteWebhook", "carol", "DELETE", `/v1/webhooks/${id}`);
    expect(json(deleted)).toEqual({ success: true, message: "Webhook deleted successfully" });
    expect((await client.call("getWebhook", "carol", "GET", `/v1/webhooks/${id}`)).status).toBe(404);
    expect(
      (await client.call("listWebhookExecutions", "carol", "GET", `/v1/webhooks/${id}/executions`)).status,
    ).toBe(404);
    expect((await client.call("deleteWebhook", "carol", "DELETE", `/v1/webhooks/${id}`)).status).toBe(404);
    expect((await client.trigger(id)).status).toBe(404);
  });

  test.each([
    ["getWebhook", "GET", ""],
    ["updateWebhook", "PUT", ""],
    ["deleteWebhook", "DELETE", ""],
    ["listWebhookExecutions", "GET", "/executions"],
    ["getWebhookToken", "GET", "/token"],
  ])("%s of unknown id gets 404", async (operationId, method, suffix) => {
    const options = method === "PUT" ? { json: { name: "x" } } : {};
    expect(
      (await new Client(mock).call(operationId, "carol", method, `/v1/webhooks/wh_missing${suffix}`, options))
        .status,
    ).toBe(404);
  });

  test.each([
    ["listWebhooks", "GET", "/v1/webhooks"],
    ["getWebhook", "GET", "/v1/webhooks/wh_x"],
    ["updateWebhook", "PUT", "/v1/webhooks/wh_x"],
    ["deleteWebhook", "DELETE", "/v1/webhooks/wh_x"],
    ["listWebhookExecutions", "GET", "/v1/webhooks/wh_x/executions"],
    ["getWebhookToken", "GET", "/v1/webhooks/wh_x/token"],
  ])("%s without key gets 401", async (operationId, method, path) => {
    const options = method === "PUT" ? { json: { name: "x" } } : {};
    expect((await new Client(mock).call(operationId, "none", method, path, options)).status).toBe(401);
  });

  test("bob cannot reach alice's webhook", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("alice", GENERIC);
    const bobList = json(await client.call("listWebhooks", "bob", "GET", "/v1/webhooks"))[
      "webhooks"
    ] as Record<string, unknown>[];
    expect(bobList.map((webhook) => webhook["webhookId"])).not.toContain(id);
    expect((await client.call("getWebhook", "bob", "GET", `/v1/webhooks/${id}`)).status).toBe(404);
    expect(
      (await client.call("updateWebhook", "bob", "PUT", `/v1/webhooks/${id}`, { json: { enabled: false } }))
        .status,
    ).toBe(404);
    expect(
      (await client.call("listWebhookExecutions", "bob", "GET", `/v1/webhooks/${id}/executions`)).status,
    ).toBe(404);
    expect((await client.call("getWebhookToken", "bob", "GET", `/v1/webhooks/${id}/token`)).status).toBe(404);
    expect((await client.call("deleteWebhook", "bob", "DELETE", `/v1/webhooks/${id}`)).status).toBe(404);
    expect((await client.webhook("alice", id))["enabled"]).toBe(true);
  });
});

describe("webhook trigger", () => {
  test("right secret runs the action", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("alice", GENERIC);
    const triggered = await client.trigger(id, { json: { name: "Ada" } });
    expect(triggered.status).toBe(200);
    expect(json(triggered)).toEqual({ success: true, message: "Webhook triggered successfully" });
    const webhook = await client.webhook("alice", id);
    expect(webhook["triggerCount"]).toBe(1);
    expect(typeof webhook["lastTriggeredAt"]).toBe("string");
  });

  test.each([
    ["secret missing", { json: {}, headers: { "x-webhook-secret": "" } }, 401],
    ["secret wrong", { json: {}, headers: { "x-webhook-secret": "wrong-secret-value-0000" } }, 401],
    ["text/plain body", { raw: "{}", contentType: "text/plain" }, 415],
    ["form body", { raw: "a=1", contentType: "application/x-www-form-urlencoded" }, 415],
    ["array payload", { raw: "[1,2]", contentType: "application/json" }, 400],
    ["string payload", { raw: '"hi"', contentType: "application/json" }, 400],
    ["invalid JSON", { raw: "{oops", contentType: "application/json" }, 400],
    ["empty body", { raw: "", contentType: "application/json" }, 400],
  ] as const)("%s gets %i", async (_name, options, status) => {
    const client = new Client(mock);
    const id = await client.createTrigger("alice", GENERIC);
    const exchange = await client.trigger(id, options);
    expect(exchange.status).toBe(status);
    expect(exchange.text).not.toContain(OWN_SECRET);
    expect((await client.webhook("alice", id))["triggerCount"]).toBe(0);
  });

  test("unknown webhook gets 404", async () => {
    expect((await new Client(mock).trigger("wh_missing")).status).toBe(404);
  });

  test("disabled webhook gets 403", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("alice", GENERIC);
    await client.call("updateWebhook", "alice", "PUT", `/v1/webhooks/${id}`, { json: { enabled: false } });
    expect((await client.trigger(id)).status).toBe(403);
  });

  test.each([
    ["outbound", { type: "outbound", outboundConfig: { targetUrl: "https://e.com", eventTypes: [] } }],
    [
      "oauth_callback",
      { type: "oauth_callback", oauthConfig: { provider: "g", state: "st-trigger", redirectUri: "r" } },
    ],
  ])("%s webhook gets 400", async (_name, body) => {
    const client = new Client(mock);
    const { id } = await client.create("alice", { name: "Not a trigger", secret: OWN_SECRET, ...body });
    expect((await client.trigger(id)).status).toBe(400);
  });
});

describe("webhook signatures", () => {
  async function signedWebhook(client: Client, triggerConfig: JsonObject = GENERIC): Promise<string> {
    return (
      await client.create("alice", {
        name: "GitHub",
        type: "generic_trigger",
        secret: OWN_SECRET,
        verificationMode: "hmac_sha256",
        triggerConfig,
      })
    ).id;
  }

  test("valid signature is accepted async", async () => {
    const client = new Client(mock);
    const id = await signedWebhook(client);
    const accepted = await client.triggerSigned(id, '{"action":"opened"}');
    expect(accepted.status).toBe(202);
    expect(json(accepted)).toMatchObject({ success: true, accepted: true });
    const [execution] = await client.executions("alice", id);
    expect(execution?.["executionId"]).toBe(json(accepted)["executionId"]);
    expect(execution?.["status"]).toBe("success");
    expect(execution?.["payload"]).toEqual({ action: "opened" });
    expect((await client.webhook("alice", id))["verificationMode"]).toBe("hmac_sha256");
  });

  test.each([
    ["missing signature", { "x-hub-signature-256": "" }],
    [
      "wrong signature",
      { "x-hub-signature-256": sign("another-secret-of-enough-length", '{"action":"opened"}') },
    ],
    ["signature of other bytes", { "x-hub-signature-256": sign(OWN_SECRET, '{"action": "opened"}') }],
    ["header secret only", { "x-hub-signature-256": "", "x-webhook-secret": OWN_SECRET }],
  ])("%s gets 401", async (_name, headers) => {
    const client = new Client(mock);
    const id = await signedWebhook(client);
    expect((await client.triggerSigned(id, '{"action":"opened"}', headers)).status).toBe(401);
    expect(await client.executions("alice", id)).toEqual([]);
  });

  test("ping answers pong", async () => {
    const client = new Client(mock);
    const id = await signedWebhook(client);
    const pong = await client.triggerSigned(id, '{"zen":"Keep it simple."}', { "x-github-event": "ping" });
    expect(json(pong)).toEqual({ success: true, message: "pong" });
    expect((await client.webhook("alice", id))["triggerCount"]).toBe(0);
    const [execution] = await client.executions("alice", id);
    expect(execution).toMatchObject({ status: "skipped", skippedReason: "ping", success: true });
  });

  test("duplicate delivery runs once", async () => {
    const client = new Client(mock);
    const id = await signedWebhook(client);
    const headers = { "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958" };
    expect((await client.triggerSigned(id, '{"n":1}', headers)).status).toBe(202);
    const again = await client.triggerSigned(id, '{"n":1}', headers);
    expect(again.status).toBe(200);
    expect(json(again)).toEqual({ success: true, skipped: true, reason: "duplicate_delivery" });
    const executions = await client.executions("alice", id);
    expect(executions).toHaveLength(1);
    expect(executions[0]?.["deliveryId"]).toBe(headers["x-github-delivery"]);
    expect((await client.webhook("alice", id))["triggerCount"]).toBe(1);
  });
});

describe("webhook conditions", () => {
  const conditions = {
    all: [
      { path: "headers.x-github-event", op: "eq", value: "pull_request" },
      { path: "body.action", op: "in", value: ["opened", "reopened"] },
    ],
  };

  test("unmet conditions skip the action", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("alice", { action: "custom", conditions });
    const skipped = await client.trigger(id, {
      json: { action: "closed" },
      headers: { "x-github-event": "pull_request" },
    });
    expect(skipped.status).toBe(200);
    expect(json(skipped)).toEqual({ success: true, skipped: true, reason: "conditions_not_met" });
    const [execution] = await client.executions("alice", id);
    expect(execution).toMatchObject({
      status: "skipped",
      skippedReason: "conditions_not_met",
      payload: { action: "closed" },
    });
    expect((await client.webhook("alice", id))["triggerCount"]).toBe(0);
  });

  test("met conditions run the action", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("alice", { action: "custom", conditions });
    const ran = await client.trigger(id, {
      json: { action: "opened" },
      headers: { "x-github-event": "pull_request" },
    });
    expect(json(ran)).toEqual({ success: true, message: "Webhook triggered successfully" });
    expect((await client.webhook("alice", id))["triggerCount"]).toBe(1);
  });

  test("secret headers are hidden from conditions", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("alice", {
      action: "custom",
      conditions: { all: [{ path: "headers.x-webhook-secret", op: "exists" }] },
    });
    expect(json(await client.trigger(id))["reason"]).toBe("conditions_not_met");
  });
});

describe("webhook actions", () => {
  test("run_agent returns the reply", async () => {
    const client = new Client(mock);
    client.addAgent("alice", "lead-qualifier");
    const rowsBefore = usageRows(client.store, account(client.store, "alice")).length;
    const id = await client.createTrigger("alice", {
      action: "run_agent",
      actionParams: { agentName: "lead-qualifier", promptTemplate: "Qualify {{name}} of {{company.name}}" },
      sendResultInResponse: true,
    });
    const result = await client.trigger(id, {
      json: { name: "Ada", company: { name: "Analytical Engines" } },
    });
    expect(result.status).toBe(200);
    expect(json(result)).toMatchObject({ success: true, agentName: "lead-qualifier" });
    expect(String(json(result)["content"]).length).toBeGreaterThan(0);
    const rows = usageRows(client.store, account(client.store, "alice"));
    expect(rows.length).toBe(rowsBefore + 1);
    expect(rows.at(-1)?.outputTokens).toBe(6);
  });

  test("unknown agent fails with 500", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("alice", {
      action: "run_agent",
      actionParams: { agentName: "nobody" },
    });
    const failed = await client.trigger(id, { json: { a: 1 } });
    expect(failed.status).toBe(500);
    const [execution] = await client.executions("alice", id);
    expect(execution).toMatchObject({ status: "failed", success: false, statusCode: 500 });
    expect(String(execution?.["error"])).toContain("nobody");
  });

  test("async agent lands in the history", async () => {
    const client = new Client(mock);
    client.addAgent("alice", "async-agent");
    const id = await client.createTrigger("alice", {
      action: "run_agent",
      actionParams: { agentName: "async-agent" },
      executionMode: "async",
    });
    const accepted = await client.trigger(id, { json: { ticket: 7 } });
    expect(accepted.status).toBe(202);
    const [execution] = await client.executions("alice", id);
    expect(execution?.["status"]).toBe("success");
    expect((execution?.["response"] as Record<string, unknown>)["agentName"]).toBe("async-agent");
  });

  test.each([
    [
      "transformed payload",
      { payloadTransform: { title: { $path: "body.title" } } },
      { dataPayload: '{"static":true}' },
      { title: "T", other: 1 },
      '{"title":"T"}',
    ],
    ["static payload", {}, { dataPayload: '{"static":true}' }, { title: "T" }, '{"static":true}'],
    ["request body", {}, {}, { title: "T" }, '{"title":"T"}'],
    ["config payload", {}, {}, {}, undefined],
  ])("run_workflow uses the %s", async (_name, config, params, body, expected) => {
    const client = new Client(mock);
    const payloads = client.addWorkflow("alice", "wf-precedence");
    const id = await client.createTrigger("alice", {
      action: "run_workflow",
      actionParams: { workflowId: "wf-precedence", ...params },
      sendResultInResponse: true,
      ...config,
    });
    const started = await client.trigger(id, { json: body });
    expect(started.status).toBe(200);
    expect(json(started)["runId"]).toBe("run_1");
    expect(payloads).toEqual([expected]);
  });

  test("execution keeps the original payload", async () => {
    const client = new Client(mock);
    client.addWorkflow("alice", "wf-original");
    const id = await client.createTrigger("alice", {
      action: "run_workflow",
      actionParams: { workflowId: "wf-original" },
      payloadTransform: { only: "this" },
    });
    await client.trigger(id, { json: { original: true } });
    const [execution] = await client.executions("alice", id);
    expect(execution?.["payload"]).toEqual({ original: true });
  });

  test("async workflow returns the runId", async () => {
    const client = new Client(mock);
    client.addWorkflow("alice", "wf-async");
    const id = await client.createTrigger("alice", {
      action: "run_workflow",
      actionParams: { workflowId: "wf-async" },
      executionMode: "async",
    });
    const accepted = await client.trigger(id, { json: { a: 1 } });
    expect(accepted.status).toBe(202);
    expect(json(accepted)["runId"]).toBe("run_1");
  });

  test("unknown workflow fails with 500", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("alice", {
      action: "run_workflow",
      actionParams: { workflowId: "wf-missing" },
    });
    expect((await client.trigger(id)).status).toBe(500);
  });

  test("workflow of another account fails", async () => {
    const client = new Client(mock);
    client.addWorkflow("bob", "wf-bob");
    const id = await client.createTrigger("alice", {
      action: "run_workflow",
      actionParams: { workflowId: "wf-bob" },
    });
    expect((await client.trigger(id)).status).toBe(500);
  });

  test("factory limit gets 429", async () => {
    const client = new Client(mock);
    const limited: DispatchOutcome = {
      ok: false,
      status: 429,
      message: "Too many factory runs.",
      errorCode: "FACTORY_CONCURRENT_LIMIT_REACHED",
    };
    client.store
      .slot(account(client.store, "alice"), STARTABLE_FACTORIES)
      .set("fc-busy", { start: () => limited });
    const id = await client.createTrigger("alice", {
      action: "run_factory",
      actionParams: { factoryConfigId: "fc-busy" },
    });
    const rejected = await client.trigger(id);
    expect(rejected.status).toBe(429);
    expect(json(rejected)["errorCode"]).toBe("FACTORY_CONCURRENT_LIMIT_REACHED");
  });

  test("MCP tool gets merged arguments", async () => {
    const client = new Client(mock);
    const calls: JsonObject[] = [];
    client.store
      .slot(account(client.store, "alice"), CALLABLE_MCP_TOOLS)
      .set(mcpToolKey("notes", "search"), (args) => {
        calls.push(args);
        return { ok: true, result: { hits: 2 } };
      });
    const id = await client.createTrigger("alice", {
      action: "call_mcp_tool",
      actionParams: {
        mcpServerName: "notes",
        mcpToolName: "search",
        mcpToolParams: { query: "default", limit: 5 },
      },
      sendResultInResponse: true,
    });
    const result = await client.trigger(id, { json: { query: "retries" } });
    expect(json(result)).toEqual({ success: true, hits: 2 });
    expect(calls).toEqual([{ query: "retries", limit: 5 }]);
  });

  test("executions list newest first", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("alice", GENERIC);
    for (const n of [1, 2, 3]) await client.trigger(id, { json: { n } });
    expect((await client.executions("alice", id)).map((execution) => execution["payload"])).toEqual([
      { n: 3 },
      { n: 2 },
      { n: 1 },
    ]);
    expect(
      (await client.executions("alice", id, "?limit=1&skip=1")).map((execution) => execution["payload"]),
    ).toEqual([{ n: 2 }]);
  });
});

describe("webhook action timing", () => {
  const timing = parseTimingModel({ chat: { ttftMs: 250, interTokenMs: 10, outputTokens: 4 } }, "slow agent");

  test("sync agent waits for the reply", async () => {
    const slow = await startMock({ timing });
    try {
      const client = new Client(slow);
      client.addAgent("alice", "slow-agent");
      const id = await client.createTrigger("alice", {
        action: "run_agent",
        actionParams: { agentName: "slow-agent" },
      });
      const started = performance.now();
      expect((await client.trigger(id)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await slow.close();
    }
  });

  test("async agent runs until the reply ends", async () => {
    const slow = await startMock({ timing });
    try {
      const client = new Client(slow);
      client.addAgent("alice", "slow-agent");
      const id = await client.createTrigger("alice", {
        action: "run_agent",
        actionParams: { agentName: "slow-agent" },
        executionMode: "async",
      });
      expect((await client.trigger(id)).status).toBe(202);
      const [running] = await client.executions("alice", id);
      expect(running).toMatchObject({ status: "running", success: false });
      await new Promise((resolve) => setTimeout(resolve, 400));
      const [done] = await client.executions("alice", id);
      expect(done).toMatchObject({ status: "success", success: true });
      expect(Number(done?.["duration"])).toBeGreaterThanOrEqual(250);
    } finally {
      await slow.close();
    }
  });
});

describe("OAuth callbacks", () => {
  async function callbackWebhook(client: Client, state: string): Promise<string> {
    return (
      await client.create("alice", {
        name: "GitHub Auth Callback",
        type: "oauth_callback",
        oauthConfig: {
          provider: "github",
          state,
          redirectUri: "https://agents.example.com/webhooks/oauth/callback",
          scopes: ["repo"],
          mcpServerName: "github-mcp",
          frontendOrigin: "https://app.example.com",
        },
      })
    ).id;
  }

  const JSON_ACCEPT = { accept: "application/json" };

  beforeAll(async () => {
    await callbackWebhook(new Client(mock), "state-errors-000001");
  });

  test("state lookup stores token metadata", async () => {
    const client = new Client(mock);
    const id = await callbackWebhook(client, "state-by-query-0001");
    expect((await client.call("getWebhookToken", "alice", "GET", `/v1/webhooks/${id}/token`)).status).toBe(
      404,
    );
    const done = await client.call(
      "getWebhookOAuthCallback",
      "none",
      "GET",
      "/webhooks/oauth/callback?state=state-by-query-0001&code=code-0001",
      { headers: JSON_ACCEPT },
    );
    expect(done.status).toBe(200);
    expect(json(done)).toEqual({
      success: true,
      message: "Authorization complete",
      webhookId: id,
      mcpServerName: "github-mcp",
    });

    const token = await client.call("getWebhookToken", "alice", "GET", `/v1/webhooks/${id}/token`);
    expect(json(token)["token"]).toMatchObject({ provider: "github", tokenType: "Bearer", scopes: ["repo"] });
    expect(token.text).not.toContain("mock_oauth_");
    const [execution] = await client.executions("alice", id);
    expect(execution).toMatchObject({ status: "success", success: true });
    expect(JSON.stringify(execution)).not.toContain("code-0001");
  });

  test("default answer is an HTML page", async () => {
    const client = new Client(mock);
    await callbackWebhook(client, "state-html-00000001");
    const page = await client.call(
      "getWebhookOAuthCallback",
      "none",
      "GET",
      "/webhooks/oauth/callback?state=state-html-00000001&code=c",
    );
    expect(page.status).toBe(200);
    expect(page.contentType).toBe("text/html; charset=utf-8");
    expect(page.text).toContain("window.opener.postMessage(");
    expect(page.text).toContain('"https://app.example.com"');
  });

  test.each([
    [
      "form",
      "postWebhookOAuthCallback",
      "",
      "application/x-www-form-urlencoded",
      (state: string) => `state=${state}&code=c1`,
    ],
    [
      "JSON",
      "postWebhookOAuthCallback",
      "",
      "application/json",
      (state: string) => JSON.stringify({ state, code: "c1" }),
    ],
    [
      "form by id",
      "postWebhookOAuthCallbackById",
      "/ID",
      "application/x-www-form-urlencoded",
      (state: string) => `state=${state}&code=c1`,
    ],
  ])("POST with a %s body completes", async (name, operationId, suffix, contentType, build) => {
    const client = new Client(mock);
    const state = `state-post-${name.replace(/\W/g, "-")}`;
    const id = await callbackWebhook(client, state);
    const path = `/webhooks/oauth/callback${suffix.replace("ID", id)}`;
    const done = await client.call(operationId, "none", "POST", path, {
      raw: build(state),
      contentType,
      headers: JSON_ACCEPT,
    });
    expect(done.status).toBe(200);
    expect(json(done)["webhookId"]).toBe(id);
  });

  test("by id checks the state", async () => {
    const client = new Client(mock);
    const id = await callbackWebhook(client, "state-by-id-0000001");
    const path = `/webhooks/oauth/callback/${id}`;
    const wrong = await client.call(
      "getWebhookOAuthCallbackById",
      "none",
      "GET",
      `${path}?state=other-state&code=c`,
      { headers: JSON_ACCEPT },
    );
    expect(wrong.status).toBe(400);
    expect((await client.call("getWebhookToken", "alice", "GET", `/v1/webhooks/${id}/token`)).status).toBe(
      404,
    );
    const right = await client.call(
      "getWebhookOAuthCallbackById",
      "none",
      "GET",
      `${path}?state=state-by-id-0000001&code=c`,
      { headers: JSON_ACCEPT },
    );
    expect(right.status).toBe(200);
    const executions = await client.executions("alice", id);
    expect(executions.map((execution) => execution["status"])).toEqual(["success", "failed"]);
  });

  test.each([
    [
      "unknown state",
      "getWebhookOAuthCallback",
      "/webhooks/oauth/callback?state=nobody-has-this&code=c",
      404,
    ],
    ["missing state", "getWebhookOAuthCallback", "/webhooks/oauth/callback?code=c", 400],
    [
      "provider error",
      "getWebhookOAuthCallback",
      "/webhooks/oauth/callback?state=state-errors-000001&error=access_denied",
      400,
    ],
    ["missing code", "getWebhookOAuthCallback", "/webhooks/oauth/callback?state=state-errors-000001", 400],
    ["unknown id", "getWebhookOAuthCallbackById", "/webhooks/oauth/callback/wh_missing?state=s&code=c", 404],
  ])("%s gets %i", async (_name, operationId, path, status) => {
    const client = new Client(mock);
    for (const headers of [JSON_ACCEPT, {}]) {
      const exchange = await client.call(operationId, "none", "GET", path, { headers });
      expect(exchange.status).toBe(status);
    }
  });

  test("trigger webhook id gets 404", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("alice", GENERIC);
    const exchange = await client.call(
      "getWebhookOAuthCallbackById",
      "none",
      "GET",
      `/webhooks/oauth/callback/${id}?state=s&code=c`,
      { headers: JSON_ACCEPT },
    );
    expect(exchange.status).toBe(404);
  });

  test("completes an MCP server authorization", async () => {
    const client = new Client(mock);
    const registered = await send(mock.origin, "alice", "POST", "/v1/mcp/external-servers", {
      json: {
        name: "oauth-notes",
        displayName: "Notes",
        description: "Notes over MCP",
        url: "https://mcp.example.com/mcp",
        authMode: "oauth2",
        oauthTemplate: {
          authorizationServerIssuer: "https://mcp.example.com",
          authorizationServerMetadataUrl: "https://mcp.example.com/.well-known/oauth-authorization-server",
          resourceUri: "https://mcp.example.com/mcp",
          authorizationEndpoint: "https://mcp.example.com/authorize",
          tokenEndpoint: "https://mcp.example.com/token",
          scopesSupported: ["read"],
          codeChallengeMethodsSupported: ["S256"],
          pkceRequired: true,
          discoveryMode: "auto",
          discoverySource: "prm",
          registrationMode: "cimd",
        },
        secretFields: [],
        enabled: true,
      },
    });
    expect(registered.status, registered.text).toBe(200);
    const started = await send(mock.origin, "alice", "POST", "/v1/mcp/servers/oauth-notes/oauth/start", {
      json: {},
    });
    expect(started.status, started.text).toBe(200);
    const authorizationUrl = new URL(String(json(started)["authorizationUrl"]));
    const state = authorizationUrl.searchParams.get("state") ?? "";
    expect(authorizationUrl.searchParams.get("redirect_uri")).toBe(`${mock.origin}/webhooks/oauth/callback`);

    const path = `/webhooks/oauth/callback?state=${encodeURIComponent(state)}&code=mcp-code`;
    const done = await client.call("getWebhookOAuthCallback", "none", "GET", path, { headers: JSON_ACCEPT });
    expect(done.status).toBe(200);
    expect(json(done)["mcpServerName"]).toBe("oauth-notes");
    const replayed = await client.call("getWebhookOAuthCallback", "none", "GET", path, {
      headers: JSON_ACCEPT,
    });
    expect(replayed.status).toBe(404);
  });

  test("token of a trigger gets 400", async () => {
    const client = new Client(mock);
    const id = await client.createTrigger("alice", GENERIC);
    expect((await client.call("getWebhookToken", "alice", "GET", `/v1/webhooks/${id}/token`)).status).toBe(
      400,
    );
  });
});

describe("webhook adapters", () => {
  let msw: MswDeployment;

  beforeAll(async () => {
    msw = await startMswDeployment(MSW_ORIGIN);
  });

  afterAll(() => {
    msw.close();
  });

  /** Runs the webhook operations once and returns the exchanges with clock values and origins masked. */
  async function scenario(origin: string): Promise<unknown[]> {
    const exchanges: MockExchange[] = [];
    const step = async (
      caller: Caller,
      method: string,
      path: string,
      options: SendOptions = {},
    ): Promise<void> => {
      exchanges.push(await send(origin, caller, method, path, options));
    };

    const trigger = {
      name: "Parity",
      type: "generic_trigger",
      secret: OWN_SECRET,
      triggerConfig: { action: "custom", sendResultInResponse: true },
    };
    await step("alice", "POST", "/v1/webhooks", { json: { ...trigger, webhookId: "wh_parity" } });
    await step("alice", "POST", "/v1/webhooks", {
      json: { ...trigger, webhookId: "wh_signed", verificationMode: "hmac_sha256" },
    });
    await step("alice", "POST", "/v1/webhooks", {
      json: {
        webhookId: "wh_callback",
        name: "Callback",
        type: "oauth_callback",
        oauthConfig: { provider: "github", state: "parity-state", redirectUri: "r" },
      },
    });
    await step("alice", "POST", "/v1/webhooks", { json: { name: "Broken", type: "generic_trigger" } });

    await step("alice", "GET", "/v1/webhooks");
    await step("alice", "PUT", "/v1/webhooks/wh_parity", { json: { tags: ["parity"] } });
    await step("alice", "GET", "/v1/webhooks/wh_parity");

    await step("none", "POST", "/webhooks/trigger/wh_parity", {
      json: { n: 1 },
      headers: { "x-webhook-secret": OWN_SECRET },
    });
    await step("none", "POST", "/webhooks/trigger/wh_parity", {
      json: { n: 1 },
      headers: { "x-webhook-secret": "wrong-secret-0000000" },
    });
    await step("none", "POST", "/webhooks/trigger/wh_parity", {
      raw: "n=1",
      contentType: "text/plain",
      headers: { "x-webhook-secret": OWN_SECRET },
    });
    await step("none", "POST", "/webhooks/trigger/wh_signed", {
      raw: "{}",
      contentType: "application/json",
      headers: { "x-hub-signature-256": sign(OWN_SECRET, "{}") },
    });
    await step("alice", "GET", "/v1/webhooks/wh_parity/executions");

    await step("none", "GET", "/webhooks/oauth/callback?state=parity-state&code=c", {
      headers: { accept: "application/json" },
    });
    await step("none", "GET", "/webhooks/oauth/callback/wh_callback?state=parity-state&code=c");
    await step("alice", "GET", "/v1/webhooks/wh_callback/token");

    await step("bob", "GET", "/v1/webhooks/wh_parity");
    await step("alice", "DELETE", "/v1/webhooks/wh_parity");

    return exchanges.map((exchange) => ({
      status: exchange.status,
      contentType: exchange.contentType,
      body: exchange.json === undefined ? exchange.text : withoutOrigin(withoutClock(exchange.json)),
    }));
  }

  test("node:http and msw respond alike", async () => {
    const fresh = await startMock();
    try {
      expect(await scenario(MSW_ORIGIN)).toEqual(await scenario(fresh.origin));
    } finally {
      await fresh.close();
    }
  });
});

/** Masks the origin in URLs, which differs between the two deployments. */
function withoutOrigin(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOrigin);
  if (typeof value === "string") return value.replace(/^http:\/\/[^/]+/, "<origin>");
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withoutOrigin(inner)]));
}

/** For each webhooks fault: a probe that returns true when the documented rule was broken. */
const PROBES: Readonly<Record<string, (client: Client) => Promise<boolean>>> = {
  "webhook-secret-returned-in-read": async (client) => {
    const { id } = await client.create("alice", {
      name: "Read",
      type: "generic_trigger",
      secret: OWN_SECRET,
      verificationMode: "hmac_sha256",
      triggerConfig: GENERIC,
    });
    const read = await send(client.target.origin, "alice", "GET", `/v1/webhooks/${id}`);
    return (
      read.text.includes(OWN_SECRET) || /secret/i.test(Object.keys(json(read)["webhook"] as object).join(","))
    );
  },
  "webhook-created-answered-200": async (client) =>
    (
      await send(client.target.origin, "alice", "POST", "/v1/webhooks", {
        json: { name: "x", type: "generic_trigger", triggerConfig: GENERIC },
      })
    ).status !== 201,
  "webhook-create-secret-missing": async (client) => {
    const created = await send(client.target.origin, "alice", "POST", "/v1/webhooks", {
      json: { name: "x", type: "generic_trigger", triggerConfig: GENERIC },
    });
    return typeof json(created)["secret"] !== "string";
  },
  "webhook-executions-across-accounts": async (client) => {
    const id = (
      await send(client.target.origin, "alice", "POST", "/v1/webhooks", {
        json: { name: "x", type: "generic_trigger", triggerConfig: GENERIC },
      })
    ).json;
    const webhookId = String(
      ((id as Record<string, unknown>)["webhook"] as Record<string, unknown>)["webhookId"],
    );
    return (
      (await send(client.target.origin, "bob", "GET", `/v1/webhooks/${webhookId}/executions`)).status !== 404
    );
  },
  "webhook-trigger-wrong-secret-accepted": async (client) => {
    const created = json(
      await send(client.target.origin, "alice", "POST", "/v1/webhooks", {
        json: { name: "x", type: "generic_trigger", secret: OWN_SECRET, triggerConfig: GENERIC },
      }),
    );
    const id = String((created["webhook"] as Record<string, unknown>)["webhookId"]);
    const triggered = await send(client.target.origin, "none", "POST", `/webhooks/trigger/${id}`, {
      json: {},
      headers: { "x-webhook-secret": "wrong-secret-0000000" },
    });
    return triggered.status !== 401;
  },
  "webhook-trigger-signature-not-checked": async (client) => {
    const created = json(
      await send(client.target.origin, "alice", "POST", "/v1/webhooks", {
        json: {
          name: "x",
          type: "generic_trigger",
          secret: OWN_SECRET,
          verificationMode: "hmac_sha256",
          triggerConfig: GENERIC,
        },
      }),
    );
    const id = String((created["webhook"] as Record<string, unknown>)["webhookId"]);
    const triggered = await send(client.target.origin, "none", "POST", `/webhooks/trigger/${id}`, {
      json: {},
      headers: { "x-hub-signature-256": "sha256=00" },
    });
    return triggered.status !== 401;
  },
  "webhook-disabled-trigger-accepted": async (client) => {
    const id = await client.createTrigger("alice", GENERIC);
    await send(client.target.origin, "alice", "PUT", `/v1/webhooks/${id}`, { json: { enabled: false } });
    return (
      (
        await send(client.target.origin, "none", "POST", `/webhooks/trigger/${id}`, {
          json: {},
          headers: { "x-webhook-secret": OWN_SECRET },
        })
      ).status !== 403
    );
  },
  "webhook-trigger-non-json-accepted": async (client) => {
    const id = await client.createTrigger("alice", GENERIC);
    const triggered = await send(client.target.origin, "none", "POST", `/webhooks/trigger/${id}`, {
      raw: "{}",
      contentType: "text/plain",
      headers: { "x-webhook-secret": OWN_SECRET },
    });
    return triggered.status !== 415;
  },
  "webhook-async-trigger-answered-200": async (client) => {
    const id = await client.createTrigger("alice", { action: "custom", executionMode: "async" });
    return (
      (
        await send(client.target.origin, "none", "POST", `/webhooks/trigger/${id}`, {
          json: {},
          headers: { "x-webhook-secret": OWN_SECRET },
        })
      ).status !== 202
    );
  },
  "webhook-oauth-state-not-checked": async (client) => {
    const { id } = await client.create("alice", {
      name: "cb",
      type: "oauth_callback",
      oauthConfig: { provider: "github", state: "the-right-state", redirectUri: "r" },
    });
    const path = `/webhooks/oauth/callback/${id}?state=a-wrong-state&code=c`;
    return (
      (await send(client.target.origin, "none", "GET", path, { headers: { accept: "application/json" } }))
        .status !== 400
    );
  },
  "webhook-token-returned-in-metadata": async (client) => {
    const { id } = await client.create("alice", {
      name: "cb",
      type: "oauth_callback",
      oauthConfig: { provider: "github", state: "token-state", redirectUri: "r" },
    });
    await send(client.target.origin, "none", "GET", "/webhooks/oauth/callback?state=token-state&code=c", {
      headers: { accept: "application/json" },
    });
    return (await send(client.target.origin, "alice", "GET", `/v1/webhooks/${id}/token`)).text.includes(
      "mock_oauth_",
    );
  },
};

describe("webhook faults", () => {
  test.each(Object.entries(PROBES))("%s breaks its rule", async (name, probe) => {
    await expectProbeBreaksRule(name, (faulty) => probe(new Client(faulty)));
  });

  test("every webhooks fault has a probe", () => {
    expect(Object.keys(PROBES).sort()).toEqual(faultNamesOf("webhooks"));
  });
});
