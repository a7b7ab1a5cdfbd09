import { describe, test } from "vitest";
import type { Coverage } from "./support/verify.ts";
import { createTestModel, createTestProvider } from "./support/fixtures.ts";
import {
  covers,
  requireMockFeatures,
  requireResource,
  requireSecondAccount,
  requireWrites,
} from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { verify } from "./support/verify.ts";

const MESSAGES = [
  { role: "system", content: "You are a contract test. Answer briefly." },
  { role: "user", content: "Say hello." },
];

const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

/** The SSE and chat stream checks a streaming test covers, for skip records. */
const STREAM_CHECKS = [
  "sse-event-schema-conformance",
  "sse-terminator-last",
  "chat-stream-role-first",
  "chat-stream-stable-identity",
  "chat-stream-single-finish-reason",
  "chat-stream-usage-placement",
];

function chatCovers(...checks: string[]): Coverage[] {
  return [covers("createChatCompletion", ...(checks.length > 0 ? checks : ["response-schema-conformance"]))];
}

for (const { harness, tracker } of setupSuite(["chat", "common"])) {
  describe(harness.label, () => {
    describe("chat completions", () => {
      test("plain completion", async (context) => {
        const model = requireResource(context, harness, "chatModel", chatCovers());
        const call = await harness.primary.call("createChatCompletion", {
          json: { model, messages: MESSAGES, max_tokens: 16 },
        });
        verify(context, harness, call);
      });

      test("completion with Bearer msq- key", async (context) => {
        const model = requireResource(context, harness, "chatModel", chatCovers());
        const call = await harness.primary.call("createChatCompletion", {
          json: { model, messages: MESSAGES, max_tokens: 8 },
          scheme: "bearer",
        });
        verify(context, harness, call);
      });

      test("completion with two choices", async (context) => {
        const model = requireResource(context, harness, "chatModel", chatCovers());
        const call = await harness.primary.call("createChatCompletion", {
          json: { model, messages: MESSAGES, max_tokens: 8, n: 2 },
        });
        verify(context, harness, call);
      });

      test.for([
        ["json_object", { type: "json_object" }],
        [
          "json_schema",
          {
            type: "json_schema",
            json_schema: {
              name: "answer",
              schema: { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] },
            },
          },
        ],
      ] as const)("JSON mode %s replies JSON", async ([, format], context) => {
        const model = requireResource(context, harness, "chatModel", chatCovers("chat-json-mode-content"));
        const call = await harness.primary.call("createChatCompletion", {
          json: {
            model,
            messages: [...MESSAGES, { role: "user", content: "Reply as JSON." }],
            response_format: format,
          },
        });
        verify(context, harness, call);
      });

      test("JSON mode stream replies JSON", async (context) => {
        const model = requireResource(context, harness, "chatModel", chatCovers("chat-json-mode-content"));
        const call = await harness.primary.call("createChatCompletion", {
          json: { model, messages: MESSAGES, stream: true, responseFormat: { type: "json_object" } },
        });
        verify(context, harness, call);
      });

      test("tool call without streaming", async (context) => {
        const model = requireResource(context, harness, "chatModel", chatCovers());
        const call = await harness.primary.call("createChatCompletion", {
          json: {
            model,
            messages: MESSAGES,
            tools: [WEATHER_TOOL],
            tool_choice: { type: "function", function: { name: "get_weather" } },
          },
        });
        verify(context, harness, call);
      });
    });

    describe("chat streams", () => {
      test("stream without usage", async (context) => {
        const model = requireResource(context, harness, "chatModel", chatCovers(...STREAM_CHECKS));
        const call = await harness.primary.call("createChatCompletion", {
          json: { model, messages: MESSAGES, stream: true, max_tokens: 12 },
        });
        verify(context, harness, call);
      });

      test("stream with usage", async (context) => {
        const model = requireResource(context, harness, "chatModel", chatCovers(...STREAM_CHECKS));
        const call = await harness.primary.call("createChatCompletion", {
          json: {
            model,
            messages: MESSAGES,
            stream: true,
            max_tokens: 12,
            stream_options: { include_usage: true },
          },
        });
        verify(context, harness, call);
      });

      test("stream with two choices", async (context) => {
        const model = requireResource(context, harness, "chatModel", chatCovers(...STREAM_CHECKS));
        const call = await harness.primary.call("createChatCompletion", {
          json: {
            model,
            messages: MESSAGES,
            stream: true,
            n: 2,
            max_tokens: 6,
            stream_options: { include_usage: true },
          },
        });
        verify(context, harness, call);
      });

      test("stream with a tool call", async (context) => {
        const model = requireResource(
          context,
          harness,
          "chatModel",
          chatCovers("chat-stream-tool-call-deltas", ...STREAM_CHECKS),
        );
        const call = await harness.primary.call("createChatCompletion", {
          json: {
            model,
            messages: MESSAGES,
            stream: true,
            tools: [WEATHER_TOOL],
            tool_choice: { type: "function", function: { name: "get_weather" } },
          },
        });
        verify(context, harness, call);
      });

      test("stream with a session id", async (context) => {
        const model = requireResource(context, harness, "chatModel", chatCovers(...STREAM_CHECKS));
        const call = await harness.primary.call("createChatCompletion", {
          json: { model, messages: MESSAGES, stream: true, max_tokens: 4 },
          headers: { "x-session-id": harness.uniqueName("session") },
        });
        verify(context, harness, call);
      });

      describe.sequential("provider failure", () => {
        test("mid-stream failure is an in-band error", async (context) => {
          const checks = chatCovers(
            "sse-error-event",
            "sse-event-schema-conformance",
            "sse-event-type-conformance",
          );
          requireMockFeatures(context, harness, "a provider that fails mid-stream", checks);
          requireWrites(context, harness, checks);
          const provider = await createTestProvider(context, harness, tracker, harness.primary);
          const name = harness.uniqueName("failing");
          const added = await harness.primary.call("addModel", {
            json: {
              name,
              description: "Fails on purpose",
              providerKey: provider.providerKey,
              model: "mock-provider-failure",
            },
          });
          verify(context, harness, added, { kind: "lifecycle", step: "create", resource: "model" });
          tracker.track("model", name, "primary", { operationId: "deleteModel", json: { modelId: name } });

          const stream = await harness.primary.call("createChatCompletion", {
            json: { model: name, messages: MESSAGES, stream: true },
          });
          verify(context, harness, stream, { kind: "stream-error" });
          const plain = await harness.primary.call("createChatCompletion", {
            json: { model: name, messages: MESSAGES },
          });
          verify(context, harness, plain, {
            kind: "expected-status",
            statuses: [500],
            reason: "the provider fails",
          });
        });
      });
    });

    describe("chat errors", () => {
      test.for([
        ["model is missing", { messages: MESSAGES }],
        ["messages is missing", { model: "any-model" }],
        ["request_timeout_ms is 0", { model: "any-model", messages: MESSAGES, request_timeout_ms: 0 }],
        [
          "request_timeout_ms is above 1800000",
          { model: "any-model", messages: MESSAGES, request_timeout_ms: 1_800_001 },
        ],
        ["max_retries is 11", { model: "any-model", messages: MESSAGES, max_retries: 11 }],
      ] as const)("rejects when %s", async ([reason, json], context) => {
        const call = await harness.primary.call("createChatCompletion", { json });
        verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
      });

      test("unknown model gets 404", async (context) => {
        const call = await harness.primary.call("createChatCompletion", {
          json: { model: harness.uniqueName("absent-model"), messages: MESSAGES },
        });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [404],
          reason: "the model is not in the account",
        });
      });

      test("unknown shared agent gets 404", async (context) => {
        const call = await harness.primary.call("createChatCompletion", {
          json: { model: `shared/${harness.uniqueName("nobody")}/missing-agent`, messages: MESSAGES },
        });
        verify(context, harness, call, {
          kind: "expected-status",
          statuses: [404],
          reason: "no such shared agent exists",
        });
      });
    });

    describe("chat cancel", () => {
      test.for([
        ["sessionId is missing", {}],
        ["sessionId is blank", { sessionId: "   " }],
      ] as const)("rejects when %s", async ([reason, json], context) => {
        const call = await harness.primary.call("cancelChatCompletion", { json });
        verify(context, harness, call, { kind: "expected-status", statuses: [400], reason });
      });

      test("unknown session reports not found", async (context) => {
        const call = await harness.primary.call("cancelChatCompletion", {
          json: { sessionId: harness.uniqueName("session") },
        });
        verify(context, harness, call, {
          kind: "consistency",
          rule: "listed-target",
          documented: "found: false and cancelled: false for a session that does not exist",
          mismatches: (body) => {
            const result = body as Record<string, unknown> | undefined;
            return result?.["found"] === false && result["cancelled"] === false
              ? []
              : [
                  `found ${String(result?.["found"])} and cancelled ${String(result?.["cancelled"])} for an unknown session`,
                ];
          },
        });
      });
    });

    describe.sequential("chat namespacing", () => {
      test("second account cannot chat with the model", async (context) => {
        const checks = chatCovers("namespacing-foreign-use-rejected");
        requireWrites(context, harness, checks);
        const other = requireSecondAccount(context, harness, checks);
        const provider = await createTestProvider(context, harness, tracker, harness.primary);
        const name = await createTestModel(context, harness, tracker, harness.primary, provider);
        const call = await other.call("createChatCompletion", {
          json: { model: name, messages: MESSAGES, stream: true },
        });
        verify(context, harness, call, {
          kind: "foreign-access",
          action: "use",
          resource: "model",
          id: name,
        });
      });
    });
  });
}
