import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMock, type RunningMock } from "../../src/mock/server.ts";

let mock: RunningMock;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMock();
  const apiKey = mock.accounts[0]?.apiKey ?? "";
  // The SDK sends the key as Authorization: Bearer msq-..., the compatibility path of the API.
  client = new OpenAI({ apiKey, baseURL: mock.baseUrl, maxRetries: 0, timeout: 10_000 });
});

afterAll(async () => {
  await mock.close();
});

describe("openai SDK against the HTTP mock", () => {
  test("chat completion", async () => {
    const completion = await client.chat.completions.create({
      model: "msq-mock-chat",
      messages: [{ role: "user", content: "Hello!" }],
      max_tokens: 8,
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message.role).toBe("assistant");
    expect(completion.choices[0]?.message.content?.split(" ")).toHaveLength(8);
    expect(completion.usage?.completion_tokens).toBe(8);
  });

  test("streaming chat completion", async () => {
    const stream = await client.chat.completions.create({
      model: "msq-mock-chat",
      messages: [{ role: "user", content: "Stream a short story." }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = "";
    let finishReason: string | null | undefined;
    let completionTokens: number | undefined;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? "";
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
    }
    expect(content.length).toBeGreaterThan(0);
    expect(finishReason).toBe("stop");
    expect(completionTokens).toBe(16);
  });

  test("streaming tool call", async () => {
    const runner = client.chat.completions.stream({
      model: "msq-mock-chat",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            parameters: {
              type: "object",
              properties: { location: { type: "string" } },
              required: ["location"],
            },
          },
        },
      ],
    });
    const completion = await runner.finalChatCompletion();
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe("function");
    expect(call?.type === "function" ? JSON.parse(call.function.arguments) : undefined).toHaveProperty(
      "location",
    );
  });

  test("embeddings", async () => {
    const result = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: ["First sentence", "Second sentence"],
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]?.embedding).toHaveLength(1536);
    expect(result.data[1]?.index).toBe(1);
  });

  test("embeddings with float encoding", async () => {
    const result = await client.embeddings.create({
      model: "nomic-embed-text-v1.5",
      input: "x",
      encoding_format: "float",
    });
    expect(result.data[0]?.embedding).toHaveLength(768);
  });

  test("unsupported embedding model", async () => {
    const request = client.embeddings.create({ model: "text-embedding-3-large", input: "x" });
    await expect(request).rejects.toMatchObject({ status: 400 });
  });
});
