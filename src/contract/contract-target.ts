import type { HarnessConfig } from "../config/resolve-config.ts";

/** An account the suites act as. The key stays in memory; reports name `keyVariable` instead. */
export interface TargetAccount {
  readonly label: "primary" | "secondary" | "third";
  readonly apiKey: string;
  /** Environment variable that contains the key, shown as `$VAR` in curl reproductions. */
  readonly keyVariable: string;
  readonly username: string | undefined;
  readonly email: string | undefined;
}

/** Names of target resources the suites need; a missing one skips its checks with a reason. */
export interface TargetResources {
  readonly chatModel: string | undefined;
  readonly embeddingModel: string | undefined;
  readonly ttsProvider: string | undefined;
  readonly ttsVoice: string | undefined;
  readonly sttProvider: string | undefined;
}

/**
 * The deployment a contract run talks to, as the suites receive it through vitest's `provide`.
 * It must stay structured-clonable: plain data only.
 */
export interface ContractTarget {
  readonly kind: "mock" | "live";
  /** Server root without `/v1`. */
  readonly root: string;
  readonly primary: TargetAccount;
  readonly secondary: TargetAccount | undefined;
  readonly third: TargetAccount | undefined;
  /** A valid key of the primary account without the msq- prefix, for the Bearer rejection check. */
  readonly legacyApiKey: string | undefined;
  readonly resources: TargetResources;
  readonly runPrefix: string;
  readonly readOnly: boolean;
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly specPath: string;
  /** File where created resources are logged until deleted, so an interrupted run can clean up. */
  readonly ledgerPath: string | undefined;
  /** Behaviours only the embedded mock offers, such as a provider that fails on demand. */
  readonly mockFeatures: boolean;
}

/**
 * A target with the name its tests are grouped under. A contract run has one. The mutation check
 * has one per mock fault plus a baseline, and each suite file runs only against the targets of
 * the API areas it covers.
 */
export interface NamedTarget {
  /** Top-level describe name of the target's tests, such as `contract` or a fault name. */
  readonly label: string;
  /** API area whose rules the target breaks; undefined for a target every suite runs against. */
  readonly faultArea: string | undefined;
  /** Kind of rule the target's fault breaks; suites that check that kind run against it too. */
  readonly faultKind: string | undefined;
  readonly target: ContractTarget;
}

/** Builds the target of a live deployment from resolved settings; the target URL and key must be set. */
export function liveTarget(config: HarnessConfig, ledgerPath: string | undefined): ContractTarget {
  if (config.target === undefined || config.apiKey === undefined) {
    throw new Error("liveTarget needs a target URL and an API key; resolveConfig enforces both.");
  }
  return {
    kind: "live",
    root: config.target,
    primary: {
      label: "primary",
      apiKey: config.apiKey,
      keyVariable: "MSQ_API_KEY",
      username: undefined,
      email: undefined,
    },
    secondary:
      config.apiKey2 === undefined
        ? undefined
        : {
            label: "secondary",
            apiKey: config.apiKey2,
            keyVariable: "MSQ_API_KEY_2",
            username: config.secondUsername,
            email: config.secondEmail,
          },
    third:
      config.thirdApiKey === undefined
        ? undefined
        : {
            label: "third",
            apiKey: config.thirdApiKey,
            keyVariable: "MSQ_API_KEY_3",
            username: undefined,
            email: config.thirdEmail,
          },
    legacyApiKey: config.legacyApiKey,
    resources: {
      chatModel: config.chatModel,
      embeddingModel: config.embeddingModel,
      ttsProvider: config.ttsProvider,
      ttsVoice: config.ttsVoice,
      sttProvider: config.sttProvider,
    },
    runPrefix: config.runPrefix,
    readOnly: config.readOnly,
    requestTimeoutMs: config.requestTimeoutMs,
    connectTimeoutMs: config.connectTimeoutMs,
    specPath: config.specPath,
    ledgerPath,
    mockFeatures: false,
  };
}

/** Description of the embedded mock: its address, seeded accounts and their keys without msq-. */
export interface MockDescription {
  readonly origin: string;
  readonly accounts: readonly {
    readonly username: string;
    readonly email: string;
    readonly apiKey: string;
  }[];
  readonly legacyKeys: Readonly<Record<string, string>>;
}

/**
 * Resource names every seeded mock account has. The mock's interface documents the chat model
 * and the embedding models; openai is its TTS and STT provider and alloy one of its voices.
 */
const MOCK_RESOURCES: TargetResources = {
  chatModel: "msq-mock-chat",
  embeddingModel: "text-embedding-3-small",
  ttsProvider: "openai",
  ttsVoice: "alloy",
  sttProvider: "openai",
};

/** Builds the target of the embedded mock: its first three seeded accounts act as the three accounts. */
export function mockTarget(
  config: HarnessConfig,
  mock: MockDescription,
  ledgerPath: string | undefined,
): ContractTarget {
  const [first, second, third] = mock.accounts;
  if (first === undefined || second === undefined || third === undefined) {
    throw new Error(`The mock must seed three accounts, but it has ${mock.accounts.length}.`);
  }
  const account = (
    label: TargetAccount["label"],
    seeded: typeof first,
    keyVariable: string,
  ): TargetAccount => ({
    label,
    apiKey: seeded.apiKey,
    keyVariable,
    username: seeded.username,
    email: seeded.email,
  });
  return {
    kind: "mock",
    root: mock.origin,
    primary: account("primary", first, "MSQ_API_KEY"),
    secondary: account("secondary", second, "MSQ_API_KEY_2"),
    third: account("third", third, "MSQ_API_KEY_3"),
    legacyApiKey: mock.legacyKeys[first.username],
    resources: {
      chatModel: config.chatModel ?? MOCK_RESOURCES.chatModel,
      embeddingModel: config.embeddingModel ?? MOCK_RESOURCES.embeddingModel,
      ttsProvider: config.ttsProvider ?? MOCK_RESOURCES.ttsProvider,
      ttsVoice: config.ttsVoice ?? MOCK_RESOURCES.ttsVoice,
      sttProvider: config.sttProvider ?? MOCK_RESOURCES.sttProvider,
    },
    runPrefix: config.runPrefix,
    readOnly: config.readOnly,
    requestTimeoutMs: config.requestTimeoutMs,
    connectTimeoutMs: config.connectTimeoutMs,
    specPath: config.specPath,
    ledgerPath,
    mockFeatures: true,
  };
}
