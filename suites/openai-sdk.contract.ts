import OpenAI from "openai";
import { describe, test, type TestContext } from "vitest";
import type { SdkCallIntent } from "../src/contract/exchange-intent.ts";
import type { Exchange } from "../src/http/exchange.ts";
import { createRecordingFetch } from "../src/http/recording-fetch.ts";
import type { Harness } from "./support/harness.ts";
import { covers, requireResource } from "./support/requirements.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { assertContract, verify } from "./support/verify.ts";

/** Creates an openai SDK client for the primary account whose exchanges are recorded. */
function sdkClient(harness: Harness): { client: OpenAI; exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const account = harness.target.primary;
  const client = new OpenAI({
    apiKey: account.apiKey,
    baseURL: `${harness.target.root}/v1`,
    maxRetries: 0,
    timeout: harness.target.requestTimeoutMs,
    fetch: createRecordingFetch(
      harness.http,
      { key: account.apiKey, variable: account.keyVariable },
      (exchange) => exchanges.push(exchange),
    ),
  });
  return { client, exchanges };
}

/**
 * Runs one SDK call and verifies each exchange it made with the problems it reported: what the
 * SDK threw, or what was wrong with what it returned.
 */
async function verifySdkCall(
  context: TestContext,
  harness: Harness,
  call: SdkCallIntent["call"],
  run: (client: OpenAI) => Promise<string[]>,
): Promise<void> {
  const { client, exchanges } = sdkClient(harness);
  let problems: string[];
  try {
    problems = await run(client);
  } catch (error) {
    problems = [error instanceof Error ? `${error.name}: ${error.message}` : String(error)];
  }
  if (exchanges.length === 0)
    throw new Error(`The openai SDK sent no request for ${call}: ${problems.join("; ")}`);
  for (const exchange of exchanges) {
    const operation = harness.validators.findOperation(exchange.request.method, exchange.request.path);
    if (operation === undefined) {
      throw new Error(
        `The openai SDK called ${exchange.request.method} ${exchange.request.path}, which the spec lacks.`,
      );
    }
    verify(context, harness, { operation, exchange }, { kind: "sdk-call", call, problems }, { soft: true });
  }
  assertContract(context);
}

const MESSAGES = [
  { role: "system" as const, content: "You are a contract test." },
  { role: "user" as const, content: "Say hello." },
];

const WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

for (const { harness } of setupSuite(["chat", "embeddings", "common"])) {
  describe(harness.label, () => {
    describe("openai SDK", () => {
      test("chat completion", async (context) => {
        const model = requireResource(context, harness, "chatModel", [
          covers("createChatCompletion", "compatibility-openai-sdk-chat"),
        ]);
        await verifySdkCall(context, harness, "chat", async (client) => {
          const completion = await client.chat.completions.create({
            model,
            messages: MESSAGES,
            max_tokens: 16,
          });
          const content = completion.choices[0]?.message.content;
          return typeof content === "string" && content.length > 0
            ? []
            : [`choices[0].message.content is ${JSON.stringify(content)}`];
        });
      });

      test("streaming chat completion", async (context) => {
        const model = requireResource(context, harness, "chatModel", [
          covers("createChatCompletion", "compatibility-openai-sdk-chat-stream"),
        ]);
        await verifySdkCall(context, harness, "chat-stream", async (client) => {
          const stream = await client.chat.completions.create({
            model,
            messages: MESSAGES,
            max_tokens: 16,
            stream: true,
            stream_options: { include_usage: true },
          });
          let text = "";
          let finishReason: string | null | undefined;
          let usage: unknown;
          for await (const chunk of stream) {
            text += chunk.choices[0]?.delta.content ?? "";
            finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
            usage = chunk.usage ?? usage;
          }
          const problems: string[] = [];
          if (text === "") problems.push("the stream carried no content");
          if (finishReason === undefined || finishReason === null)
            problems.push("no chunk carried a finish_reason");
          if (usage === undefined) problems.push("include_usage was set but no chunk carried usage");
          return problems;
        });
      });

      test("chat completion with a tool", async (context) => {
        const model = requireResource(context, harness, "chatModel", [
          covers("createChatCompletion", "compatibility-openai-sdk-chat-tools"),
        ]);
        await verifySdkCall(context, harness, "chat-tools", async (client) => {
          const completion = await client.chat.completions.create({
            model,
            messages: [...MESSAGES, { role: "user", content: "What is the weather in Paris?" }],
            tools: [WEATHER_TOOL],
            tool_choice: { type: "function", function: { name: "get_weather" } },
          });
          const call = completion.choices[0]?.message.tool_calls?.[0];
          if (call === undefined || call.type !== "function") return ["the reply has no function tool call"];
          try {
            JSON.parse(call.function.arguments);
            return call.function.name === "get_weather"
              ? []
              : [`the tool call names ${call.function.name}, not get_weather`];
          } catch {
            return [`the tool call arguments ${JSON.stringify(call.function.arguments)} are not JSON`];
          }
        });
      });

      test("embeddings", async (context) => {
        const model = requireResource(context, harness, "embeddingModel", [
          covers("createEmbeddings", "compatibility-openai-sdk-embeddings"),
        ]);
        await verifySdkCall(context, harness, "embeddings", async (client) => {
          // The SDK requests base64 and decodes the vectors itself.
          const result = await client.embeddings.create({ model, input: ["first", "second"] });
          const problems: string[] = [];
          if (result.data.length !== 2) problems.push(`${result.data.length} embeddings for 2 inputs`);
          for (const item of result.data) {
            if (
              !Array.isArray(item.embedding) ||
              item.embedding.length === 0 ||
              item.embedding.some((value) => !Number.isFinite(value))
            ) {
              problems.push(`embedding ${item.index} is not a non-empty list of numbers`);
            }
          }
          return problems;
        });
      });
    });
  });
}
