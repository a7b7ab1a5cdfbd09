import { describe, test, type TestContext } from "vitest";
import { sniffResponseBody } from "../src/contract/binary-sniff.ts";
import {
  createTestAgent,
  publishTestAgent,
  shareRecipient,
  type PublishedAgent,
} from "./support/agent-fixtures.ts";
import { arrayField, field, stringsOf } from "./support/body-fields.ts";
import { fakeSecret } from "./support/fixtures.ts";
import type { Harness } from "./support/harness.ts";
import type { ResourceTracker } from "./support/resource-tracker.ts";
import {
  covers,
  requireResource,
  requireSecondAccount,
  requireThirdAccount,
  requireWrites,
} from "./support/requirements.ts";
import { streamAudio } from "./support/stream-audio.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { assertContract, verify, type Coverage } from "./support/verify.ts";

const MESSAGES = [{ role: "user", content: "Hello agent." }];
const agentNames = (body: unknown): string[] => {
  const data = field(body, "data");
  return data !== null && typeof data === "object" && !Array.isArray(data) ? Object.keys(data) : [];
};
const modelIds = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "id");

/** Everything the sharing tests need: a published agent shared with the second account. */
interface SharedAgent extends PublishedAgent {
  readonly recipient: string;
}

/** Creates, publishes and shares (editable) one agent per harness, once, for the tests that use it. */
function sharedAgentFixture(
  harness: Harness,
  tracker: ResourceTracker,
): (context: TestContext, checks: readonly Coverage[]) => Promise<SharedAgent> {
  let pending: Promise<SharedAgent> | undefined;
  return (context, checks) => {
    requireWrites(context, harness, checks);
    requireSecondAccount(context, harness, checks);
    const model = requireResource(context, harness, "chatModel", checks);
    const recipient = shareRecipient(context, harness, checks);
    pending ??= (async () => {
      const agent = await publishTestAgent(
        context,
        harness,
        await createTestAgent(context, harness, tracker, harness.primary, model),
      );
      // Upper case on purpose: recipients are stored and listed in lower case.
      const share = await harness.primary.call("createAgentShare", {
        params: { username: agent.owner, slug: agent.slug },
        json: { recipient: recipient.toUpperCase(), editable: true },
      });
      verify(context, harness, share, { kind: "lifecycle", step: "create", resource: "share" });
      return { ...agent, recipient };
    })();
    return pending;
  };
}

for (const { harness, tracker } of setupSuite(["agents", "public-agents", "chat", "common"])) {
  const sharedAgent = sharedAgentFixture(harness, tracker);
  const route = (agent: PublishedAgent): Record<string, string> => ({
    username: agent.owner,
    slug: agent.slug,
  });

  describe(harness.label, () => {
    describe("agents", () => {
      test("lists agents", async (context) => {
        const call = await harness.primary.call("listAgents");
        verify(context, harness, call);
      });

      test("lists published and shared agents", async (context) => {
        const published = await harness.primary.call("listPublishedAgents");
        verify(context, harness, published);
        const shared = await harness.primary.call("listAgentsSharedWithMe");
        verify(context, harness, shared);
      });

      describe.sequential("agent lifecycle", () => {
        test("create, list, update, conflict, delete, gone", async (context) => {
          const checks = [
            covers("createAgent", "lifecycle-create-succeeds"),
            covers("deleteAgent", "lifecycle-delete-succeeds"),
          ];
          requireWrites(context, harness, checks);
          const model = requireResource(context, harness, "chatModel", checks);
          const agent = await createTestAgent(context, harness, tracker, harness.primary, model);
          const listed = await harness.primary.call("listAgents");
          verify(context, harness, listed, {
            kind: "lifecycle",
            step: "list",
            resource: "agent",
            id: agent.name,
            expected: "present",
            listedIds: agentNames,
          });

          const updated = await harness.primary.call("updateAgent", {
            json: { name: agent.name, description: "Updated by msq-harness" },
          });
          verify(context, harness, updated, {
            kind: "lifecycle",
            step: "update",
            resource: "agent",
            id: agent.name,
          });
          const reread = await harness.primary.call("listAgents");
          verify(context, harness, reread, {
            kind: "lifecycle",
            step: "read-after-update",
            resource: "agent",
            id: agent.name,
            unapplied: (body) => {
              const description = field(
                field(field(field(body, "data"), agent.name), "config"),
                "description",
              );
              return description === "Updated by msq-harness"
                ? []
                : [`description ${JSON.stringify(description)}`];
            },
          });
          const duplicate = await harness.primary.call("createAgent", {
            json: { name: agent.name, description: "again", model, systemPrompt: "x" },
          });
          verify(context, harness, duplicate, {
            kind: "expected-status",
            statuses: [409],
            reason: "an agent with this name exists and overwrite is not set",
          });

          const deleted = await harness.primary.call("deleteAgent", { json: { name: agent.name } });
          verify(context, harness, deleted, {
            kind: "lifecycle",
            step: "delete",
            resource: "agent",
            id: agent.name,
          });
          const after = await harness.primary.call("listAgents");
          verify(context, harness, after, {
            kind: "lifecycle",
            step: "list",
            resource: "agent",
            id: agent.name,
            expected: "absent",
            listedIds: agentNames,
          });
          const again = await harness.primary.call("deleteAgent", { json: { name: agent.name } });
          verify(context, harness, again, {
            kind: "expected-status",
            statuses: [404],
            reason: "the agent was already deleted",
          });
        });
      });

      describe("agent errors", () => {
        test.for([
          [
            "createAgent",
            "model is missing",
            400,
            { name: "msqh-never-created", description: "x", systemPrompt: "x" },
          ],
          [
            "createAgent",
            "the model is not in the account",
            404,
            { name: "msqh-never-created", description: "x", systemPrompt: "x", model: "msqh-absent-model" },
          ],
          ["updateAgent", "the agent does not exist", 404, { name: "msqh-absent-agent", description: "x" }],
          ["deleteAgent", "name is missing", 400, {}],
          ["publishAgent", "agentName is missing", 400, { agentId: "agt_msqh_absent" }],
          [
            "publishAgent",
            "the agent does not exist",
            404,
            { agentId: "agt_msqh_absent", agentName: "msqh-absent-agent" },
          ],
        ] as const)("%s: %s", async ([operationId, reason, status, json], context) => {
          requireWrites(context, harness, [covers(operationId, "documented-error-status")]);
          const call = await harness.primary.call(operationId, { json });
          verify(context, harness, call, { kind: "expected-status", statuses: [status], reason });
        });

        test("speak with an unknown agent", async (context) => {
          const call = await harness.primary.call("streamAgentSpeech", {
            json: { name: "msqh-absent-agent", messages: MESSAGES },
          });
          verify(context, harness, call, {
            kind: "expected-status",
            statuses: [404],
            reason: "the agent does not exist",
          });
        });
      });

      describe.sequential("agent namespacing", () => {
        test("second account cannot see, change or delete the agent", async (context) => {
          const checks = [
            covers("listAgents", "namespacing-foreign-list-excluded"),
            covers("deleteAgent", "namespacing-foreign-delete-rejected"),
          ];
          requireWrites(context, harness, checks);
          const other = requireSecondAccount(context, harness, checks);
          const model = requireResource(context, harness, "chatModel", checks);
          const agent = await createTestAgent(context, harness, tracker, harness.primary, model);
          const list = await other.call("listAgents");
          verify(context, harness, list, {
            kind: "foreign-access",
            action: "list",
            resource: "agent",
            id: agent.name,
            listedIds: agentNames,
          });
          const change = await other.call("updateAgent", {
            json: { name: agent.name, description: "not yours" },
          });
          verify(context, harness, change, {
            kind: "foreign-access",
            action: "change",
            resource: "agent",
            id: agent.name,
          });
          const chat = await other.call("createChatCompletion", {
            json: { model: agent.name, messages: MESSAGES },
          });
          verify(context, harness, chat, {
            kind: "foreign-access",
            action: "use",
            resource: "agent",
            id: agent.name,
          });
          const removal = await other.call("deleteAgent", { json: { name: agent.name } });
          verify(context, harness, removal, {
            kind: "foreign-access",
            action: "delete",
            resource: "agent",
            id: agent.name,
          });
          const still = await harness.primary.call("listAgents");
          verify(context, harness, still, {
            kind: "lifecycle",
            step: "list",
            resource: "agent",
            id: agent.name,
            expected: "present",
            listedIds: agentNames,
          });
        });
      });

      test("agent speak stream", async (context) => {
        const checks = [
          covers(
            "streamAgentSpeech",
            "sse-terminator-last",
            "stream-stop-after-content",
            "stream-audio-matches-format",
          ),
        ];
        requireWrites(context, harness, checks);
        const model = requireResource(context, harness, "chatModel", checks);
        requireResource(context, harness, "ttsProvider", checks);
        requireResource(context, harness, "ttsVoice", checks);
        const agent = await createTestAgent(context, harness, tracker, harness.primary, model);
        const call = await harness.primary.call("streamAgentSpeech", {
          json: { name: agent.name, messages: MESSAGES, ttsOverrides: { responseFormat: "mp3" } },
        });
        const audio = streamAudio(call.exchange);
        verify(context, harness, call, [
          { kind: "success" },
          {
            kind: "stream-audio",
            mediaType: "audio/mpeg",
            sniffed: await sniffResponseBody({ ...call.exchange, response: audio.response }),
            bytes: audio.bytes,
          },
        ]);
      });
    });

    describe("publishing and sharing", () => {
      test("published agent is listed and answers chat", async (context) => {
        const checks = [
          covers("listPublishedAgents", "lifecycle-listed-after-create"),
          covers("createChatCompletion", "consistency-shared-agent-answers"),
        ];
        const agent = await sharedAgent(context, checks);
        const published = await harness.primary.call("listPublishedAgents");
        verify(context, harness, published, {
          kind: "lifecycle",
          step: "list",
          resource: "publish record",
          id: agent.slug,
          expected: "present",
          listedIds: (body) => stringsOf(arrayField(body, "data"), "slug"),
        });
        const models = await harness.primary.call("listModels");
        verify(context, harness, models, {
          kind: "consistency",
          rule: "listed-target",
          documented: `the published agent ${agent.name} among the owner's chat targets`,
          mismatches: (body) =>
            modelIds(body).includes(agent.name) ? [] : [`no ${agent.name} in GET /v1/models`],
        });
        const chat = await harness.primary.call("createChatCompletion", {
          json: { model: agent.name, messages: MESSAGES },
        });
        verify(context, harness, chat, {
          kind: "consistency",
          rule: "shared-agent-answers",
          documented: "an answer from the published agent under its own name",
          mismatches: () => [],
        });
      });

      test("shares list the recipient in lower case", async (context) => {
        const agent = await sharedAgent(context, [covers("listAgentShares", "response-body-rule")]);
        const call = await harness.primary.call("listAgentShares", { params: route(agent) });
        verify(context, harness, call, {
          kind: "body-rule",
          rule: "Share recipients are stored and listed in lower case.",
          problems: (body) => {
            const recipients = stringsOf(arrayField(body, "data"), "recipient");
            return recipients.includes(agent.recipient.toLowerCase())
              ? []
              : [`recipients ${JSON.stringify(recipients)} without ${agent.recipient.toLowerCase()}`];
          },
        });
      });

      test("recipient sees and chats with the shared agent", async (context) => {
        const checks = [
          covers("createChatCompletion", "consistency-shared-agent-answers"),
          covers("getPublicAgent", "namespacing-share-grants-recipient"),
        ];
        const agent = await sharedAgent(context, checks);
        const other = requireSecondAccount(context, harness, checks);
        const sharedId = `shared/${agent.owner}/${agent.slug}`;
        const mine = await other.call("listAgentsSharedWithMe");
        verify(context, harness, mine, {
          kind: "share-access",
          who: "recipient",
          resource: "agent",
          id: sharedId,
        });
        const models = await other.call("listModels");
        verify(context, harness, models, {
          kind: "consistency",
          rule: "listed-target",
          documented: `${sharedId} among the recipient's chat targets`,
          mismatches: (body) =>
            modelIds(body).includes(sharedId) ? [] : [`no ${sharedId} in GET /v1/models`],
        });
        const chat = await other.call("createChatCompletion", {
          json: { model: sharedId, messages: MESSAGES, stream: true },
        });
        verify(context, harness, chat, [
          { kind: "share-access", who: "recipient", resource: "agent", id: sharedId },
          {
            kind: "consistency",
            rule: "shared-agent-answers",
            documented: `an answer from ${sharedId}`,
            mismatches: () => [],
          },
        ]);
        const meta = await other.call("getPublicAgent", { params: route(agent) });
        verify(context, harness, meta, {
          kind: "share-access",
          who: "recipient",
          resource: "agent",
          id: sharedId,
        });
      });

      test("account outside the share is refused everywhere", async (context) => {
        const operations = [
          "getPublicAgent",
          "createPublicAgentChatCompletion",
          "streamPublicAgentSpeech",
          "listPublicAgentSessions",
          "savePublicAgentSession",
          "getPublicAgentSession",
          "deletePublicAgentSession",
          "updatePublicAgentSessionTitle",
        ] as const;
        const checks = [
          covers("createChatCompletion", "namespacing-share-excludes-others"),
          ...operations.map((id) => covers(id, "documented-error-status")),
        ];
        const agent = await sharedAgent(context, checks);
        const outsider = requireThirdAccount(context, harness, checks);
        const sharedId = `shared/${agent.owner}/${agent.slug}`;
        const chat = await outsider.call("createChatCompletion", {
          json: { model: sharedId, messages: MESSAGES },
        });
        verify(context, harness, chat, {
          kind: "share-access",
          who: "non-recipient",
          resource: "agent",
          id: sharedId,
        });
        const session = {
          id: "msqh-session",
          title: "t",
          createdAt: Date.now(),
          updatedAt: Date.now(),
          messages: MESSAGES,
        };
        const requests: Record<
          (typeof operations)[number],
          { params: Record<string, string>; json?: unknown }
        > = {
          getPublicAgent: { params: route(agent) },
          createPublicAgentChatCompletion: { params: route(agent), json: { messages: MESSAGES } },
          streamPublicAgentSpeech: { params: route(agent), json: { messages: MESSAGES } },
          listPublicAgentSessions: { params: route(agent) },
          savePublicAgentSession: { params: route(agent), json: session },
          getPublicAgentSession: { params: { ...route(agent), id: "msqh-session" } },
          deletePublicAgentSession: { params: { ...route(agent), id: "msqh-session" } },
          updatePublicAgentSessionTitle: {
            params: { ...route(agent), id: "msqh-session" },
            json: { title: "x" },
          },
        };
        for (const operationId of operations) {
          const call = await outsider.call(operationId, requests[operationId]);
          verify(
            context,
            harness,
            call,
            [
              { kind: "share-access", who: "non-recipient", resource: "agent", id: sharedId },
              {
                kind: "expected-status",
                statuses: [403],
                reason: "the caller neither owns the agent nor holds a share",
              },
            ],
            { soft: true },
          );
        }
        assertContract(context);
      });

      test("share routes refuse another owner's username", async (context) => {
        const checks = [
          covers("createAgentShare", "auth-invalid-credential-rejected"),
          covers("listAgentShares", "auth-invalid-credential-rejected"),
        ];
        const agent = await sharedAgent(context, checks);
        const other = requireSecondAccount(context, harness, checks);
        const reason = "the route's username is not the caller's";
        const create = await other.call("createAgentShare", {
          params: route(agent),
          json: { recipient: agent.recipient },
        });
        verify(context, harness, create, { kind: "auth-rejection", statuses: [403], reason }, { soft: true });
        const list = await other.call("listAgentShares", { params: route(agent) });
        verify(context, harness, list, { kind: "auth-rejection", statuses: [403], reason }, { soft: true });
        assertContract(context);
      });

      test("sharing with an unknown username", async (context) => {
        const agent = await sharedAgent(context, [covers("createAgentShare", "documented-error-status")]);
        const call = await harness.primary.call("createAgentShare", {
          params: route(agent),
          json: { recipient: harness.uniqueName("nobody") },
        });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [404],
          reason: "no account has the username",
        });
      });

      test("editable share: config, owner resources, protected fields", async (context) => {
        const checks = [
          covers("getSharedAgentConfig"),
          covers("updateSharedAgentConfig", "documented-error-status"),
          covers("listSharedAgentOwnerVoices", "masking-stored-secret-hidden"),
        ];
        const agent = await sharedAgent(context, checks);
        const other = requireSecondAccount(context, harness, checks);
        // A voice of the owner saved with a temporary key: the recipient's view of it must not show the key.
        const voiceName = harness.uniqueName("voice-11l");
        const secret = fakeSecret("elevenlabs");
        const voice = await harness.primary.call("addVoice", {
          json: {
            name: voiceName,
            providerKey: "elevenlabs",
            voiceId: "21m00Tcm4TlvDq8ikWAM",
            apiKey: secret,
          },
        });
        tracker.track("voice", voiceName, "primary", {
          operationId: "deleteVoice",
          json: { name: voiceName },
        });
        verify(
          context,
          harness,
          voice,
          { kind: "lifecycle", step: "create", resource: "voice" },
          { soft: true },
        );

        const config = await other.call("getSharedAgentConfig", { params: route(agent) });
        verify(
          context,
          harness,
          config,
          { kind: "share-access", who: "recipient", resource: "agent", id: agent.slug },
          { soft: true },
        );
        const allowed = await other.call("updateSharedAgentConfig", {
          params: route(agent),
          json: { description: "Edited by the recipient" },
        });
        verify(context, harness, allowed, { kind: "success" }, { soft: true });
        for (const fieldName of ["name", "model", "temperature"] as const) {
          const value = fieldName === "temperature" ? 0.5 : "msqh-not-allowed";
          const refused = await other.call("updateSharedAgentConfig", {
            params: route(agent),
            json: { [fieldName]: value },
          });
          verify(
            context,
            harness,
            refused,
            { kind: "expected-status", statuses: [400], reason: `a recipient sends ${fieldName}` },
            { soft: true },
          );
        }
        for (const operationId of ["listSharedAgentOwnerTools", "listSharedAgentOwnerEmbeddings"] as const) {
          const call = await other.call(operationId, { params: route(agent) });
          verify(context, harness, call, { kind: "success" }, { soft: true });
        }
        const voices = await other.call("listSharedAgentOwnerVoices", { params: route(agent) });
        verify(context, harness, voices, [{ kind: "success" }, { kind: "masking", secrets: [secret] }], {
          soft: true,
        });
        assertContract(context);
      });
    });

    describe.sequential("public agent use", () => {
      test("recipient chats, speaks and follows the run", async (context) => {
        const checks = [
          covers("createPublicAgentChatCompletion", "response-header-conformance", "sse-terminator-last"),
          covers("streamPublicAgentSpeech", "sse-first-event", "stream-audio-matches-format"),
          covers("getPublicRun"),
        ];
        const agent = await sharedAgent(context, checks);
        const other = requireSecondAccount(context, harness, checks);
        requireResource(context, harness, "ttsVoice", checks);
        const plain = await other.call("createPublicAgentChatCompletion", {
          params: route(agent),
          json: { messages: MESSAGES },
        });
        verify(context, harness, plain);
        const stream = await other.call("createPublicAgentChatCompletion", {
          params: route(agent),
          json: { messages: MESSAGES, stream: true },
        });
        // The reference documents X-Run-Id on public agent streams; the spec marks it optional for JSON replies only.
        verify(context, harness, stream, [
          { kind: "success" },
          { kind: "header-value", header: "x-run-id", expected: undefined },
        ]);
        const speak = await other.call("streamPublicAgentSpeech", {
          params: route(agent),
          json: { messages: MESSAGES, ttsOverrides: { responseFormat: "mp3" } },
        });
        const audio = streamAudio(speak.exchange);
        verify(context, harness, speak, [
          { kind: "success" },
          {
            kind: "stream-audio",
            mediaType: "audio/mpeg",
            sniffed: await sniffResponseBody({ ...speak.exchange, response: audio.response }),
            bytes: audio.bytes,
          },
        ]);

        const runId = stream.exchange.response?.headers["x-run-id"];
        if (runId === undefined)
          throw new Error("The public chat stream has no X-Run-Id header, so its run cannot be followed.");
        const run = await other.call("getPublicRun", { params: { runId } });
        verify(context, harness, run);
        const runStream = await other.call("streamPublicRun", { params: { runId } });
        verify(context, harness, runStream);
        // The third account, when the run has one, must not reach the run.
        const third = harness.third;
        if (third !== undefined) {
          const foreign = await third.call("getPublicRun", { params: { runId } });
          verify(context, harness, foreign, {
            kind: "foreign-access",
            action: "read",
            resource: "public run",
            id: runId,
          });
          const foreignCancel = await third.call("cancelPublicRun", { params: { runId } });
          verify(context, harness, foreignCancel, {
            kind: "foreign-access",
            action: "change",
            resource: "public run",
            id: runId,
          });
        }
        const cancel = await other.call("cancelPublicRun", { params: { runId } });
        verify(context, harness, cancel);
      });

      test("recipient's sessions: save, list, read, rename, delete", async (context) => {
        const checks = [
          covers("savePublicAgentSession"),
          covers("listPublicAgentSessions", "namespacing-foreign-list-excluded"),
        ];
        const agent = await sharedAgent(context, checks);
        const other = requireSecondAccount(context, harness, checks);
        const id = harness.uniqueName("session");
        const now = Date.now();
        const saved = await other.call("savePublicAgentSession", {
          params: route(agent),
          json: {
            id,
            title: "Contract test session",
            createdAt: now,
            updatedAt: now,
            messages: [...MESSAGES, { role: "assistant", content: "Hi." }],
          },
        });
        verify(context, harness, saved, { kind: "lifecycle", step: "create", resource: "public session" });
        const sessionIds = (body: unknown): string[] => stringsOf(arrayField(body, "data"), "id");
        const listed = await other.call("listPublicAgentSessions", { params: route(agent) });
        verify(context, harness, listed, {
          kind: "lifecycle",
          step: "list",
          resource: "public session",
          id,
          expected: "present",
          listedIds: sessionIds,
        });
        const read = await other.call("getPublicAgentSession", { params: { ...route(agent), id } });
        verify(context, harness, read, {
          kind: "lifecycle",
          step: "read",
          resource: "public session",
          id,
          idIn: (body) =>
            [field(field(body, "data"), "id"), field(body, "id")].filter(
              (value): value is string => typeof value === "string",
            ),
        });
        const ownerList = await harness.primary.call("listPublicAgentSessions", { params: route(agent) });
        verify(context, harness, ownerList, {
          kind: "foreign-access",
          action: "list",
          resource: "public session",
          id,
          listedIds: sessionIds,
        });
        const ownerRead = await harness.primary.call("getPublicAgentSession", {
          params: { ...route(agent), id },
        });
        verify(context, harness, ownerRead, {
          kind: "foreign-access",
          action: "read",
          resource: "public session",
          id,
        });

        const renamed = await other.call("updatePublicAgentSessionTitle", {
          params: { ...route(agent), id },
          json: { title: "Renamed" },
        });
        verify(context, harness, renamed, {
          kind: "lifecycle",
          step: "update",
          resource: "public session",
          id,
        });
        const deleted = await other.call("deletePublicAgentSession", { params: { ...route(agent), id } });
        verify(context, harness, deleted, {
          kind: "lifecycle",
          step: "delete",
          resource: "public session",
          id,
        });
        const again = await other.call("deletePublicAgentSession", { params: { ...route(agent), id } });
        verify(context, harness, again, [
          { kind: "expected-status", statuses: [200], reason: "the session was already deleted" },
          {
            kind: "body-rule",
            rule: "Deleting a missing session answers success: false with message Not found.",
            problems: (body) =>
              field(body, "success") === false && field(body, "message") === "Not found"
                ? []
                : [
                    `success ${JSON.stringify(field(body, "success"))} and message ${JSON.stringify(field(body, "message"))}`,
                  ],
          },
        ]);
      });
    });

    describe.sequential("share revocation", () => {
      test("revoked recipient loses access", async (context) => {
        const checks = [
          covers("revokeAgentShare"),
          covers("createChatCompletion", "auth-revoked-share-rejected"),
          covers("getPublicAgent", "auth-revoked-share-rejected"),
        ];
        requireWrites(context, harness, checks);
        const other = requireSecondAccount(context, harness, checks);
        const model = requireResource(context, harness, "chatModel", checks);
        const recipient = shareRecipient(context, harness, checks);
        const agent = await publishTestAgent(
          context,
          harness,
          await createTestAgent(context, harness, tracker, harness.primary, model),
        );
        const share = await harness.primary.call("createAgentShare", {
          params: route(agent),
          json: { recipient },
        });
        verify(context, harness, share, { kind: "lifecycle", step: "create", resource: "share" });
        const sharedId = `shared/${agent.owner}/${agent.slug}`;
        const before = await other.call("getPublicAgent", { params: route(agent) });
        verify(context, harness, before, {
          kind: "share-access",
          who: "recipient",
          resource: "agent",
          id: sharedId,
        });

        const revoke = await harness.primary.call("revokeAgentShare", {
          params: route(agent),
          json: { recipientType: recipient.includes("@") ? "email" : "username", recipient },
        });
        verify(context, harness, revoke, {
          kind: "lifecycle",
          step: "delete",
          resource: "share",
          id: recipient,
        });
        const chat = await other.call("createChatCompletion", {
          json: { model: sharedId, messages: MESSAGES },
        });
        verify(context, harness, chat, {
          kind: "share-access",
          who: "revoked-recipient",
          resource: "agent",
          id: sharedId,
        });
        const meta = await other.call("getPublicAgent", { params: route(agent) });
        verify(context, harness, meta, {
          kind: "share-access",
          who: "revoked-recipient",
          resource: "agent",
          id: sharedId,
        });
        const listed = await other.call("listAgentsSharedWithMe");
        verify(context, harness, listed, {
          kind: "foreign-access",
          action: "list",
          resource: "agent",
          id: agent.slug,
          listedIds: (body) => stringsOf(arrayField(body, "data"), "slug"),
        });
      });
    });
  });
}
