/**
 * The settings shared by `msq-harness test`, `cleanup` and `bench`, each with its command-line flag,
 * environment variable and config file key. The resolver, the CLI help and the README table are all
 * built from this list, so they cannot disagree.
 */

/** Kind of value of a setting, which selects its parser and validation. */
export type OptionKind =
  "url" | "secret" | "string" | "boolean" | "milliseconds" | "run-prefix" | "path" | "list";

export interface ConfigOption {
  /** Property of `HarnessSettings` and key in the config file. */
  readonly key: keyof HarnessSettings;
  /** Long flag without its value, such as `--target`; undefined for secrets, which never go on a command line. */
  readonly flag: string | undefined;
  /** Placeholder of the flag's value in help text, such as `URL`. */
  readonly valueName: string | undefined;
  readonly env: string;
  readonly kind: OptionKind;
  /** Help text: what the option sets, in which unit. */
  readonly description: string;
  /** Default shown in help text; the actual default values are set in the resolver. */
  readonly defaultText?: string;
}

/** Every setting after resolution. Optional ones are undefined when no source gave them. */
export interface HarnessSettings {
  target: string | undefined;
  apiKey: string | undefined;
  apiKey2: string | undefined;
  legacyApiKey: string | undefined;
  secondUsername: string | undefined;
  secondEmail: string | undefined;
  thirdApiKey: string | undefined;
  thirdEmail: string | undefined;
  chatModel: string | undefined;
  embeddingModel: string | undefined;
  ttsProvider: string | undefined;
  ttsVoice: string | undefined;
  sttProvider: string | undefined;
  runPrefix: string;
  readOnly: boolean;
  reportDir: string;
  specPath: string;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  mockFaults: readonly string[];
}

export const CONFIG_OPTIONS: readonly ConfigOption[] = [
  {
    key: "target",
    flag: "--target",
    valueName: "URL",
    env: "MSQ_BASE_URL",
    kind: "url",
    description: "Base URL of the deployment under test, such as https://api.example.com/v1",
    defaultText: "the embedded mock, started on 127.0.0.1",
  },
  {
    key: "apiKey",
    flag: undefined,
    valueName: undefined,
    env: "MSQ_API_KEY",
    kind: "secret",
    description: "API key of the first account; required with a target",
  },
  {
    key: "apiKey2",
    flag: undefined,
    valueName: undefined,
    env: "MSQ_API_KEY_2",
    kind: "secret",
    description: "API key of a second account, for namespacing and sharing checks",
  },
  {
    key: "legacyApiKey",
    flag: undefined,
    valueName: undefined,
    env: "MSQ_API_KEY_LEGACY",
    kind: "secret",
    description:
      "A valid key of the first account that does not start with msq-, to check that Bearer rejects it",
  },
  {
    key: "secondUsername",
    flag: "--second-username",
    valueName: "NAME",
    env: "MSQ_SECOND_USERNAME",
    kind: "string",
    description: "Username of the second account, the recipient of agent shares",
  },
  {
    key: "secondEmail",
    flag: "--second-email",
    valueName: "EMAIL",
    env: "MSQ_SECOND_EMAIL",
    kind: "string",
    description: "E-mail of the second account, for shares by e-mail",
  },
  {
    key: "thirdApiKey",
    flag: undefined,
    valueName: undefined,
    env: "MSQ_API_KEY_3",
    kind: "secret",
    description: "API key of a third account, which must not see what is shared with the second",
  },
  {
    key: "thirdEmail",
    flag: "--third-email",
    valueName: "EMAIL",
    env: "MSQ_THIRD_EMAIL",
    kind: "string",
    description: "E-mail of the third account, for shares by e-mail",
  },
  {
    key: "chatModel",
    flag: "--chat-model",
    valueName: "NAME",
    env: "MSQ_CHAT_MODEL",
    kind: "string",
    description: "Chat model of the first account, for the chat checks and the chat benchmark scenarios",
    defaultText:
      "msq-mock-chat on the mock; on a target, chat checks are skipped and scenarios send their own model",
  },
  {
    key: "embeddingModel",
    flag: "--embedding-model",
    valueName: "NAME",
    env: "MSQ_EMBEDDING_MODEL",
    kind: "string",
    description: "Embedding model of the first account, for the embedding checks and scenarios",
    defaultText:
      "text-embedding-3-small on the mock; on a target, checks are skipped and scenarios send their own model",
  },
  {
    key: "ttsProvider",
    flag: "--tts-provider",
    valueName: "KEY",
    env: "MSQ_TTS_PROVIDER",
    kind: "string",
    description: "Provider key used for text-to-speech checks",
    defaultText: "openai on the mock; skipped on a target without it",
  },
  {
    key: "ttsVoice",
    flag: "--tts-voice",
    valueName: "VOICE",
    env: "MSQ_TTS_VOICE",
    kind: "string",
    description: "Provider voice used for text-to-speech checks",
    defaultText: "alloy on the mock; skipped on a target without it",
  },
  {
    key: "sttProvider",
    flag: "--stt-provider",
    valueName: "KEY",
    env: "MSQ_STT_PROVIDER",
    kind: "string",
    description: "Provider key used for speech-to-text checks",
    defaultText: "openai on the mock; skipped on a target without it",
  },
  {
    key: "runPrefix",
    flag: "--run-prefix",
    valueName: "PREFIX",
    env: "MSQ_RUN_PREFIX",
    kind: "run-prefix",
    description: "Prefix of every resource name the run creates; cleanup deletes by it",
    defaultText: "msqh-<time>-<random>",
  },
  {
    key: "readOnly",
    flag: "--read-only",
    valueName: undefined,
    env: "MSQ_READ_ONLY",
    kind: "boolean",
    description: "Run only the checks that change nothing on the target",
    defaultText: "false",
  },
  {
    key: "reportDir",
    flag: "--report-dir",
    valueName: "DIR",
    env: "MSQ_REPORT_DIR",
    kind: "path",
    description: "Directory that receives junit.xml, contract.json and contract.md",
    defaultText: "reports",
  },
  {
    key: "specPath",
    flag: "--spec",
    valueName: "FILE",
    env: "MSQ_SPEC",
    kind: "path",
    description: "Root file of the OpenAPI document",
    defaultText: "spec/openapi.yaml",
  },
  {
    key: "requestTimeoutMs",
    flag: "--timeout-ms",
    valueName: "MS",
    env: "MSQ_TIMEOUT_MS",
    kind: "milliseconds",
    description: "Maximum time of one request, from sending it to the end of its body, in ms",
    defaultText: "30000",
  },
  {
    key: "connectTimeoutMs",
    flag: "--connect-timeout-ms",
    valueName: "MS",
    env: "MSQ_CONNECT_TIMEOUT_MS",
    kind: "milliseconds",
    description: "Maximum time to open a TCP or TLS connection, in ms",
    defaultText: "10000",
  },
  {
    key: "mockFaults",
    flag: "--mock-fault",
    valueName: "NAMES",
    env: "MSQ_MOCK_FAULTS",
    kind: "list",
    description: "Comma-separated faults for the embedded mock, to see how a broken deployment fails",
  },
];

/** Returns the option of `key`. */
export function configOption(key: keyof HarnessSettings): ConfigOption {
  const option = CONFIG_OPTIONS.find((candidate) => candidate.key === key);
  if (option === undefined) throw new Error(`No config option has the key ${key}.`);
  return option;
}

/** Names the places an option can be set, for error messages: flag, environment variable and file key. */
export function describeOptionSources(option: ConfigOption): string {
  const flag = option.flag === undefined ? "" : `option ${option.flag}, `;
  return `${flag}environment variable ${option.env} or config file key "${option.key}"`;
}
