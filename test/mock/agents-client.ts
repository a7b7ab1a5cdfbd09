import { expect } from "vitest";
import type { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { expectConforms } from "./support/contract-checks.ts";
import {
  eventPayloads,
  jsonBody,
  jsonData,
  sendRequest,
  type Caller,
  type MockExchange,
} from "./support/mock-exchange.ts";

export type { Caller } from "./support/mock-exchange.ts";

/** A response read completely, with its headers. */
export type AgentExchange = MockExchange;

export const USER_MESSAGE = [{ role: "user", content: "Read me the weekly summary." }];

/**
 * A client for the agent, public agent and settings routes of the mock at `origin`. When it has a
 * validator registry, `call` checks every response (status, content type, headers, body and each
 * SSE event) against the spec operation named in the call and fails the test on any failure.
 */
export class AgentsClient {
  constructor(
    readonly origin: string,
    private readonly registry?: ValidatorRegistry,
  ) {}

  async call(
    caller: Caller,
    operationId: string,
    method: string,
    path: string,
    json?: unknown,
  ): Promise<AgentExchange> {
    const exchange = await sendRequest(this.origin, caller, method, path, json);
    if (this.registry !== undefined) expectConforms(this.registry, operationId, exchange);
    return exchange;
  }

  /** Creates an agent of `owner` on the mock chat model, speaking with the seeded `narrator` voice. */
  createAgent(owner: Caller, name: string, extra: Record<string, unknown> = {}): Promise<AgentExchange> {
    return this.call(owner, "createAgent", "POST", "/v1/core/add/agent", {
      name,
      description: `${name} for tests`,
      systemPrompt: "You are helpful.",
      model: "msq-mock-chat",
      voice: { savedVoiceName: "narrator" },
      ...extra,
    });
  }

  /** Creates and publishes an agent, and returns its id and slug. */
  async publishedAgent(
    owner: Caller,
    name: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; slug: string }> {
    const created = await this.createAgent(owner, name, extra);
    expect(created.status).toBe(200);
    const id = String((created.json as { data: { id: string } }).data.id);
    const published = await this.call(owner, "publishAgent", "POST", "/v1/core/agents/publish", {
      agentId: id,
      agentName: name,
    });
    expect(published.status).toBe(200);
    return { id, slug: String((published.json as { data: { slug: string } }).data.slug) };
  }

  share(owner: Caller, slug: string, recipient: string, editable?: boolean): Promise<AgentExchange> {
    return this.call(owner, "createAgentShare", "POST", `/v1/core/agents/${owner}/${slug}/shares`, {
      recipient,
      ...(editable === undefined ? {} : { editable }),
    });
  }
}

export const body = jsonBody;

export const dataOf = (exchange: MockExchange): Record<string, unknown> => jsonData(exchange);

export const listOf = (exchange: MockExchange): Record<string, unknown>[] => jsonData(exchange);

/** Returns the `type` (or `object`) of each SSE payload in order, and `[DONE]` as itself. */
export function eventKinds(exchange: MockExchange): string[] {
  return (exchange.events ?? []).map((data) => {
    if (data === "[DONE]") return data;
    const payload = JSON.parse(data) as Record<string, unknown>;
    return String(payload["type"] ?? payload["object"]);
  });
}

/** Decodes and joins the audio_chunk payloads of a speak stream into the audio file. */
export function speechAudio(exchange: MockExchange): Buffer {
  const chunks = eventPayloads(exchange).filter((payload) => payload["type"] === "audio_chunk");
  return Buffer.concat(chunks.map((chunk) => Buffer.from(String(chunk["b64"]), "base64")));
}
