import { createHmac } from "node:crypto";
import { describe, test, type TestContext } from "vitest";
import { registerSecret } from "../src/log/redact.ts";
import { createTestAgent } from "./support/agent-fixtures.ts";
import { arrayField, field, stringsOf } from "./support/body-fields.ts";
import { jsonBody } from "./support/fixtures.ts";
import type { Harness } from "./support/harness.ts";
import {
  covers,
  requireMockFeatures,
  requireResource,
  requireSecondAccount,
  requireWrites,
} from "./support/requirements.ts";
import type { ResourceTracker } from "./support/resource-tracker.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { assertContract, verify, type Coverage } from "./support/verify.ts";

const webhookIds = (body: unknown): string[] => stringsOf(arrayField(body, "webhooks"), "webhookId");
const PAYLOAD = { event: "contract-test", lead: { name: "Ada" } };

interface TestWebhook {
  readonly id: string;
  readonly secret: string;
}

/** Creates a generic_trigger webhook that runs a new agent, tracked for teardown; registers its secret. */
async function createTriggerWebhook(
  context: TestContext,
  harness: Harness,
  tracker: ResourceTracker,
  checks: readonly Coverage[],
  options: { executionMode?: "sync" | "async"; verificationMode?: "header_secret" | "hmac_sha256" } = {},
): Promise<TestWebhook> {
  requireWrites(context, harness, checks);
  const model = requireResource(context, harness, "chatModel", checks);
  const agent = await createTestAgent(context, harness, tracker, harness.primary, model);
  const call = await harness.primary.call("createWebhook", {
    json: {
      name: harness.uniqueName("webhook"),
      type: "generic_trigger",
      triggerConfig: {
        action: "run_agent",
        actionParams: { agentName: agent.name, promptTemplate: "New lead: {{lead.name}}" },
        executionMode: options.executionMode ?? "sync",
      },
      ...(options.verificationMode === undefined ? {} : { verificationMode: options.verificationMode }),
    },
  });
  const body = jsonBody(call);
  const secret = field(body, "secret");
  if (typeof secret === "string") registerSecret(secret);
  verify(context, harness, call, [
    { kind: "lifecycle", step: "create", resource: "webhook" },
    { kind: "expected-status", statuses: [201], reason: "a webhook is created" },
  ]);
  const id = field(field(body, "webhook"), "webhookId");
  if (typeof id !== "string" || typeof secret !== "string")
    throw new Error("createWebhook returned no webhookId or secret.");
  tracker.track("webhook", id, "primary", { operationId: "deleteWebhook", params: { webhookId: id } });
  return { id, secret };
}

function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

for (const { harness, tracker } of setupSuite(["webhooks", "common"])) {
  describe(harness.label, () => {
    describe("webhooks", () => {
      test("lists webhooks", async (context) => {
        const call = await harness.primary.call("listWebhooks");
        verify(context, harness, call, [{ kind: "success" }, { kind: "masking", secrets: [] }]);
      });

      describe.sequential("webhook lifecycle", () => {
        test("create, read masked, trigger, executions, disable, delete", async (context) => {
          const checks = [
            covers("createWebhook", "lifecycle-create-succeeds"),
            covers("triggerWebhook", "auth-invalid-credential-rejected"),
          ];
          const webhook = await createTriggerWebhook(context, harness, tracker, checks);
          const read = await harness.primary.call("getWebhook", { params: { webhookId: webhook.id } });
          verify(context, harness, read, [
            {
              kind: "lifecycle",
              step: "read",
              resource: "webhook",
              id: webhook.id,
              idIn: (body) => [String(field(field(body, "webhook"), "webhookId"))],
            },
            { kind: "masking", secrets: [webhook.secret] },
          ]);
          const listed = await harness.primary.call("listWebhooks");
          verify(context, harness, listed, [
            {
              kind: "lifecycle",
              step: "list",
              resource: "webhook",
              id: webhook.id,
              expected: "present",
              listedIds: webhookIds,
            },
            { kind: "masking", secrets: [webhook.secret] },
          ]);

          const triggered = await harness.anonymous.call("triggerWebhook", {
            params: { webhookId: webhook.id },
            headers: { "x-webhook-secret": webhook.secret },
            json: PAYLOAD,
          });
          verify(context, harness, triggered);
          const wrong = await harness.anonymous.call("triggerWebhook", {
            params: { webhookId: webhook.id },
            headers: { "x-webhook-secret": `${webhook.secret.slice(0, -2)}xx` },
            json: PAYLOAD,
          });
          verify(context, harness, wrong, {
            kind: "auth-rejection",
            statuses: [401],
            reason: "the X-Webhook-Secret header is wrong",
          });
          const missing = await harness.anonymous.call("triggerWebhook", {
            params: { webhookId: webhook.id },
            json: PAYLOAD,
          });
          verify(context, harness, missing, {
            kind: "auth-rejection",
            statuses: [401],
            reason: "the X-Webhook-Secret header is missing",
          });
          const text = await harness.anonymous.call("triggerWebhook", {
            params: { webhookId: webhook.id },
            headers: { "x-webhook-secret": webhook.secret },
            bytes: { contentType: "text/plain", data: new TextEncoder().encode("not json") },
          });
          verify(context, harness, text, {
            kind: "expected-status",
            statuses: [415],
            reason: "the trigger body is text/plain",
          });

          const executions = await harness.primary.call("listWebhookExecutions", {
            params: { webhookId: webhook.id },
          });
          verify(context, harness, executions, { kind: "masking", secrets: [webhook.secret] });

          const disabled = await harness.primary.call("updateWebhook", {
            params: { webhookId: webhook.id },
            json: { enabled: false },
          });
          verify(context, harness, disabled, {
            kind: "lifecycle",
            step: "update",
            resource: "webhook",
            id: webhook.id,
          });
          const refused = await harness.anonymous.call("triggerWebhook", {
            params: { webhookId: webhook.id },
            headers: { "x-webhook-secret": webhook.secret },
            json: PAYLOAD,
          });
          verify(context, harness, refused, {
            kind: "expected-status",
            statuses: [403],
            reason: "the webhook is disabled",
          });

          const deleted = await harness.primary.call("deleteWebhook", { params: { webhookId: webhook.id } });
          verify(context, harness, deleted, {
            kind: "lifecycle",
            step: "delete",
            resource: "webhook",
            id: webhook.id,
          });
          const gone = await harness.primary.call("getWebhook", { params: { webhookId: webhook.id } });
          verify(context, harness, gone, {
            kind: "lifecycle",
            step: "read-after-delete",
            resource: "webhook",
            id: webhook.id,
          });
        });
      });

      test("async trigger answers 202", async (context) => {
        const checks = [covers("triggerWebhook", "documented-error-status")];
        const webhook = await createTriggerWebhook(context, harness, tracker, checks, {
          executionMode: "async",
        });
        const call = await harness.anonymous.call("triggerWebhook", {
          params: { webhookId: webhook.id },
          headers: { "x-webhook-secret": webhook.secret },
          json: PAYLOAD,
        });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [202],
          reason: "the webhook runs asynchronously",
        });
      });

      test("HMAC trigger checks the signature", async (context) => {
        const checks = [covers("triggerWebhook", "auth-invalid-credential-rejected")];
        const webhook = await createTriggerWebhook(context, harness, tracker, checks, {
          executionMode: "async",
          verificationMode: "hmac_sha256",
        });
        const body = JSON.stringify(PAYLOAD);
        const bytes = new TextEncoder().encode(body);
        const signed = await harness.anonymous.call("triggerWebhook", {
          params: { webhookId: webhook.id },
          headers: { "x-hub-signature-256": signature(webhook.secret, body) },
          bytes: { contentType: "application/json", data: bytes },
        });
        verify(
          context,
          harness,
          signed,
          { kind: "expected-status", statuses: [202], reason: "a correctly signed HMAC trigger is accepted" },
          { soft: true },
        );
        const forged = await harness.anonymous.call("triggerWebhook", {
          params: { webhookId: webhook.id },
          headers: { "x-hub-signature-256": signature("a-different-secret-0123456789", body) },
          bytes: { contentType: "application/json", data: bytes },
        });
        verify(
          context,
          harness,
          forged,
          { kind: "auth-rejection", statuses: [401], reason: "X-Hub-Signature-256 does not match the body" },
          { soft: true },
        );
        const unsigned = await harness.anonymous.call("triggerWebhook", {
          params: { webhookId: webhook.id },
          bytes: { contentType: "application/json", data: bytes },
        });
        verify(
          context,
          harness,
          unsigned,
          { kind: "auth-rejection", statuses: [401], reason: "X-Hub-Signature-256 is missing" },
          { soft: true },
        );
        assertContract(context);
      });

      test("second account cannot reach the webhook", async (context) => {
        const checks = [
          covers("getWebhook", "namespacing-foreign-read-rejected"),
          covers("listWebhookExecutions", "namespacing-foreign-read-rejected"),
        ];
        const other = requireSecondAccount(context, harness, checks);
        const webhook = await createTriggerWebhook(context, harness, tracker, checks);
        const list = await other.call("listWebhooks");
        verify(context, harness, list, {
          kind: "foreign-access",
          action: "list",
          resource: "webhook",
          id: webhook.id,
          listedIds: webhookIds,
        });
        for (const operationId of ["getWebhook", "listWebhookExecutions", "getWebhookToken"] as const) {
          const call = await other.call(operationId, { params: { webhookId: webhook.id } });
          verify(context, harness, call, {
            kind: "foreign-access",
            action: "read",
            resource: "webhook",
            id: webhook.id,
          });
        }
        const change = await other.call("updateWebhook", {
          params: { webhookId: webhook.id },
          json: { name: "not yours" },
        });
        verify(context, harness, change, {
          kind: "foreign-access",
          action: "change",
          resource: "webhook",
          id: webhook.id,
        });
        const removal = await other.call("deleteWebhook", { params: { webhookId: webhook.id } });
        verify(context, harness, removal, {
          kind: "foreign-access",
          action: "delete",
          resource: "webhook",
          id: webhook.id,
        });
      });

      describe("webhook errors", () => {
        test.for([
          [
            "name is missing",
            {
              type: "generic_trigger",
              triggerConfig: { action: "run_agent", actionParams: { agentName: "x" } },
            },
          ],
          ["type is unknown", { name: "msqh-never-created", type: "carrier_pigeon" }],
          ["the trigger config is missing", { name: "msqh-never-created", type: "generic_trigger" }],
        ] as const)("create rejects when %s", async ([reason, json], context) => {
          requireWrites(context, harness, [covers("createWebhook", "documented-error-status")]);
          const call = await harness.primary.call("createWebhook", { json });
          verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
        });

        test.for(["getWebhook", "listWebhookExecutions", "getWebhookToken", "deleteWebhook"] as const)(
          "%s of an unknown webhook gets 404",
          async (operationId, context) => {
            if (operationId === "deleteWebhook")
              requireWrites(context, harness, [covers(operationId, "documented-error-status")]);
            const call = await harness.primary.call(operationId, { params: { webhookId: "wh_msqh_absent" } });
            verify(context, harness, call, {
              kind: "expected-status",
              statuses: [404],
              reason: "the webhook does not exist",
            });
          },
        );

        test("trigger of an unknown webhook gets 404", async (context) => {
          const call = await harness.anonymous.call("triggerWebhook", {
            params: { webhookId: "wh_msqh_absent" },
            headers: { "x-webhook-secret": "0123456789abcdef0123" },
            json: PAYLOAD,
          });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [404],
            reason: "the webhook does not exist",
          });
        });
      });

      describe.sequential("OAuth callback webhooks", () => {
        test("callback stores a token whose read shows metadata only", async (context) => {
          const checks = [
            covers("getWebhookOAuthCallbackById", "auth-invalid-credential-rejected"),
            covers("getWebhookToken", "masking-credential-fields-masked"),
          ];
          requireWrites(context, harness, checks);
          // A successful callback makes a real deployment exchange the code with the provider.
          requireMockFeatures(
            context,
            harness,
            "an OAuth code that the deployment accepts without a provider",
            checks,
          );
          const state = `${harness.uniqueName("state")}-0123456789`;
          const created = await harness.primary.call("createWebhook", {
            json: {
              name: harness.uniqueName("oauth"),
              type: "oauth_callback",
              oauthConfig: { provider: "github", state, redirectUri: "http://127.0.0.1:9/callback" },
            },
          });
          verify(context, harness, created, { kind: "lifecycle", step: "create", resource: "webhook" });
          const id = field(field(jsonBody(created), "webhook"), "webhookId");
          if (typeof id !== "string") throw new Error("createWebhook returned no webhookId.");
          tracker.track("webhook", id, "primary", {
            operationId: "deleteWebhook",
            params: { webhookId: id },
          });

          const forged = await harness.anonymous.call("getWebhookOAuthCallbackById", {
            params: { webhookId: id },
            query: { code: "code-msqh-1", state: `${state}-forged` },
          });
          verify(context, harness, forged, {
            kind: "auth-rejection",
            statuses: [400],
            reason: "the callback's state differs from the stored one",
          });
          const callback = await harness.anonymous.call("getWebhookOAuthCallbackById", {
            params: { webhookId: id },
            query: { code: "code-msqh-1", state },
          });
          verify(context, harness, callback);
          const token = await harness.primary.call("getWebhookToken", { params: { webhookId: id } });
          verify(context, harness, token, [{ kind: "success" }, { kind: "masking", secrets: [] }]);
        });

        test("callback without state", async (context) => {
          const call = await harness.anonymous.call("getWebhookOAuthCallback", {
            query: { code: "code-msqh-2" },
          });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [400],
            reason: "state is missing",
          });
        });
      });
    });
  });
}
