import { describe, test } from "vitest";
import { field } from "./support/body-fields.ts";
import { jsonBody } from "./support/fixtures.ts";
import { covers, requireSecondAccount, requireWrites } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { skipChecks, verify } from "./support/verify.ts";

/** Returns the utility agent selections of a settings body. */
function utilityAgents(body: unknown): Record<string, unknown> {
  const agents = field(field(body, "settings"), "utilityAgents");
  return agents !== null && typeof agents === "object" ? (agents as Record<string, unknown>) : {};
}

for (const { harness, tracker } of setupSuite(["settings", "common"])) {
  describe(harness.label, () => {
    describe("user settings", () => {
      test("reads the settings", async (context) => {
        const call = await harness.primary.call("getUserSettings");
        verify(context, harness, call);
      });

      describe.sequential("settings update", () => {
        test("update, read back, invisible to others, restore", async (context) => {
          const checks = [
            covers("updateUserSettings", "lifecycle-update-succeeds"),
            covers("getUserSettings", "lifecycle-update-applied"),
          ];
          requireWrites(context, harness, checks);
          const original = await harness.primary.call("getUserSettings");
          verify(context, harness, original);
          const previous = utilityAgents(jsonBody(original))["titleAgent"] ?? null;
          tracker.track("settings", "utilityAgents.titleAgent", "primary", {
            operationId: "updateUserSettings",
            json: { utilityAgents: { titleAgent: previous } },
          });

          const titleAgent = harness.uniqueName("title-agent");
          const update = await harness.primary.call("updateUserSettings", {
            json: { utilityAgents: { titleAgent } },
          });
          verify(context, harness, update, {
            kind: "lifecycle",
            step: "update",
            resource: "settings",
            id: "utilityAgents",
          });
          const read = await harness.primary.call("getUserSettings");
          verify(context, harness, read, {
            kind: "lifecycle",
            step: "read-after-update",
            resource: "settings",
            id: "utilityAgents",
            unapplied: (body) => {
              const value = utilityAgents(body)["titleAgent"];
              return value === titleAgent
                ? []
                : [`titleAgent ${JSON.stringify(value)} instead of ${titleAgent}`];
            },
          });
          if (harness.secondary !== undefined) {
            const foreign = await harness.secondary.call("getUserSettings");
            verify(context, harness, foreign, {
              kind: "foreign-access",
              action: "list",
              resource: "settings",
              id: titleAgent,
              listedIds: (body) =>
                Object.values(utilityAgents(body)).filter(
                  (value): value is string => typeof value === "string",
                ),
            });
          }
        });
      });

      test("second account reads its own settings", async (context) => {
        const checks = [covers("getUserSettings", "namespacing-foreign-list-excluded")];
        const second = requireSecondAccount(context, harness, checks);
        const own = await harness.primary.call("getUserSettings");
        verify(context, harness, own);
        const other = await second.call("getUserSettings");
        const ownUser = field(field(jsonBody(own), "settings"), "userId");
        verify(context, harness, other, {
          kind: "foreign-access",
          action: "list",
          resource: "settings",
          id: String(ownUser),
          listedIds: (body) => {
            const userId = field(field(body, "settings"), "userId");
            return typeof userId === "string" ? [userId] : [];
          },
        });
      });

      test.for([
        ["titleAgent is an empty string", { utilityAgents: { titleAgent: "" } }],
        ["configAgent is a number", { utilityAgents: { configAgent: 7 } }],
      ] as const)("update rejects when %s", async ([reason, json], context) => {
        requireWrites(context, harness, [covers("updateUserSettings", "documented-error-status")]);
        const call = await harness.primary.call("updateUserSettings", { json });
        verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
      });
    });

    describe("config agent", () => {
      test("status", async (context) => {
        const call = await harness.primary.call("getConfigAgentStatus");
        verify(context, harness, call, [
          { kind: "success" },
          {
            kind: "body-rule",
            rule: "ready is true only when the config agent is provisioned.",
            problems: (body) =>
              field(body, "ready") === true && field(body, "provisioned") !== true
                ? ["ready: true with provisioned: false"]
                : [],
          },
        ]);
      });

      test("provision without providerKey", async (context) => {
        requireWrites(context, harness, [covers("provisionConfigAgent", "documented-error-status")]);
        const call = await harness.primary.call("provisionConfigAgent", { json: {} });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [400],
          reason: "providerKey is missing",
        });
      });

      describe.sequential("provisioning", () => {
        test("a second provision conflicts", async (context) => {
          const checks = [covers("provisionConfigAgent", "documented-error-status")];
          requireWrites(context, harness, checks);
          const status = await harness.primary.call("getConfigAgentStatus");
          verify(context, harness, status);
          const body = jsonBody(status);
          const providers = field(body, "availableProviders");
          const providerKey = Array.isArray(providers) ? field(providers[0], "providerKey") : undefined;
          if (field(body, "provisioned") !== true) {
            if (typeof providerKey !== "string") {
              skipChecks(
                context,
                harness,
                "the account has no provider that can back a config agent",
                checks,
              );
            }
            const first = await harness.primary.call("provisionConfigAgent", { json: { providerKey } });
            verify(context, harness, first, { kind: "lifecycle", step: "create", resource: "config agent" });
            const after = await harness.primary.call("getConfigAgentStatus");
            const agentName = field(jsonBody(after), "agentName");
            if (typeof agentName === "string") {
              tracker.track("agent", agentName, "primary", {
                operationId: "deleteAgent",
                json: { name: agentName },
              });
            }
          }
          const again = await harness.primary.call("provisionConfigAgent", {
            json: { providerKey: typeof providerKey === "string" ? providerKey : "openai" },
          });
          verify(context, harness, again, {
            kind: "expected-status",
            statuses: [409],
            reason: "the account already has a config agent",
          });
        });
      });

      test("saved chat", async (context) => {
        const call = await harness.primary.call("getConfigAgentChat");
        verify(context, harness, call);
      });

      test("save chat without messages", async (context) => {
        requireWrites(context, harness, [covers("saveConfigAgentChat", "documented-error-status")]);
        const call = await harness.primary.call("saveConfigAgentChat", { json: {} });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [400],
          reason: "messages is missing",
        });
      });
    });
  });
}
