import { defineAccountSlot, type Account, type MockStore } from "../../store.ts";

/** A chat or embedding model in an account's namespace. */
export interface ModelRecord {
  /** The name the account uses, for example as `model` in chat requests. */
  readonly name: string;
  readonly description: string;
  readonly providerKey: string;
  /** The provider's model id. */
  readonly model: string;
  readonly embedding: boolean;
  /** Vector size of an embedding model. */
  readonly dimensions?: number;
  readonly programmaticToolCalling: boolean;
}

/** Each account's models by name. */
export const MODELS = defineAccountSlot("models", () => new Map<string, ModelRecord>());

/** The chat model every seeded account has. */
export const MOCK_CHAT_MODEL = "msq-mock-chat";

/**
 * Provider model id whose provider fails: non-streaming chat returns 500, and a stream sends a
 * few deltas and then an in-band error. Any account can add a model with this id to test that path.
 */
export const FAILING_PROVIDER_MODEL = "mock-provider-failure";

/** Embedding models the API rejects, with the reason from the reference pages. */
export const UNSUPPORTED_EMBEDDING_MODELS: ReadonlyMap<string, string> = new Map([
  ["text-embedding-3-large", "its vectors exceed the supported dimensions"],
]);

/** Vector sizes of known embedding models; other embedding models get `DEFAULT_EMBEDDING_DIMENSIONS`. */
export const EMBEDDING_DIMENSIONS: Readonly<Record<string, number>> = {
  "text-embedding-3-small": 1536,
  "text-embedding-ada-002": 1536,
  "nomic-embed-text-v1.5": 768,
  "nomic-embed-text": 768,
  "text-embedding-004": 768,
};

export const DEFAULT_EMBEDDING_DIMENSIONS = 768;

export function findModel(store: MockStore, account: Account, name: string): ModelRecord | undefined {
  return store.slot(account, MODELS).get(name);
}

/**
 * The documented default of `programmaticToolCalling`: on for Claude Sonnet and Opus 4.6 and newer,
 * off for every other model.
 */
export function defaultProgrammaticToolCalling(providerModel: string): boolean {
  const match = /claude-(?:sonnet|opus)-(\d+)(?:[-.](\d+))?/.exec(providerModel);
  if (match === null) return false;
  const major = Number(match[1]);
  const minor = Number(match[2] ?? 0);
  return major > 4 || (major === 4 && minor >= 6);
}

/** The models every seeded account starts with. */
export function seededModels(): ModelRecord[] {
  return [
    {
      name: MOCK_CHAT_MODEL,
      description: "Chat model of the mock deployment",
      providerKey: "openai",
      model: "gpt-4o-mini",
      embedding: false,
      programmaticToolCalling: false,
    },
    {
      name: "text-embedding-3-small",
      description: "OpenAI embeddings, 1536 dimensions",
      providerKey: "openai",
      model: "text-embedding-3-small",
      embedding: true,
      dimensions: 1536,
      programmaticToolCalling: false,
    },
    {
      name: "nomic-embed-text-v1.5",
      description: "Nomic embeddings on the self-hosted provider, 768 dimensions",
      providerKey: "ollama",
      model: "nomic-embed-text-v1.5",
      embedding: true,
      dimensions: 768,
      programmaticToolCalling: false,
    },
  ];
}
