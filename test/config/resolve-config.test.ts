import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ConfigError } from "../../src/config/config-error.ts";
import { resolveConfig, type ConfigSources } from "../../src/config/resolve-config.ts";
import { redactText } from "../../src/log/redact.ts";

const KEY = "msq-config-test-key-0000000001";
const KEY_2 = "msq-config-test-key-0000000002";

function configError(sources: ConfigSources): string {
  try {
    resolveConfig({ env: {}, cwd: "/work", ...sources });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("resolveConfig did not throw");
}

function writeConfigFile(content: string): string {
  const directory = mkdtempSync(join(tmpdir(), "msqh-config-"));
  const path = join(directory, "harness.json");
  writeFileSync(path, content);
  return path;
}

describe("resolveConfig", () => {
  test("defaults without any source", () => {
    const config = resolveConfig({ env: {}, cwd: "/work" });
    expect(config.target).toBeUndefined();
    expect(config.readOnly).toBe(false);
    expect(config.reportDir).toBe("/work/reports");
    expect(config.requestTimeoutMs).toBe(30_000);
    expect(config.connectTimeoutMs).toBe(10_000);
    expect(config.runPrefix).toMatch(/^msqh-[a-z0-9]+-[0-9a-f]{4}$/);
  });

  test("flag wins over environment and file", () => {
    const file = writeConfigFile(JSON.stringify({ chatModel: "from-file" }));
    const config = resolveConfig({
      flags: { chatModel: "from-flag" },
      env: { MSQ_CHAT_MODEL: "from-env" },
      configFlag: file,
    });
    expect(config.chatModel).toBe("from-flag");
  });

  test("environment wins over file", () => {
    const file = writeConfigFile(JSON.stringify({ chatModel: "from-file", readOnly: true }));
    const config = resolveConfig({ env: { MSQ_CHAT_MODEL: "from-env" }, configFlag: file });
    expect(config.chatModel).toBe("from-env");
    expect(config.readOnly).toBe(true);
  });

  test("empty environment variable counts as unset", () => {
    const file = writeConfigFile(JSON.stringify({ chatModel: "from-file" }));
    const config = resolveConfig({ env: { MSQ_CHAT_MODEL: "" }, configFlag: file });
    expect(config.chatModel).toBe("from-file");
  });

  test("MSQ_CONFIG names the file", () => {
    const file = writeConfigFile(JSON.stringify({ embeddingModel: "nomic-embed-text-v1.5" }));
    const config = resolveConfig({ env: { MSQ_CONFIG: file } });
    expect(config.embeddingModel).toBe("nomic-embed-text-v1.5");
    expect(config.configFile).toBe(file);
  });

  test.each([
    ["https://api.example.com/v1", "https://api.example.com"],
    ["https://api.example.com/v1/", "https://api.example.com"],
    ["https://api.example.com", "https://api.example.com"],
    ["http://127.0.0.1:4010/api/v1", "http://127.0.0.1:4010/api"],
  ])("target %s becomes root %s", (given, root) => {
    const config = resolveConfig({ env: { MSQ_BASE_URL: given, MSQ_API_KEY: KEY } });
    expect(config.target).toBe(root);
  });

  test("target without a key", () => {
    expect(configError({ env: { MSQ_BASE_URL: "https://api.example.com/v1" } })).toBe(
      "A target is set (https://api.example.com) but no API key: set the environment variable MSQ_API_KEY " +
        '(or the config file key "apiKey") to a key of the target, or drop --target / MSQ_BASE_URL to test the embedded mock.',
    );
  });

  test("target with another scheme", () => {
    expect(configError({ flags: { target: "ftp://example.com" }, env: { MSQ_API_KEY: KEY } })).toBe(
      'Invalid target from option --target: received "ftp://example.com" with the scheme ftp:. ' +
        "Give the http:// or https:// base URL of the deployment, such as https://api.example.com/v1. " +
        'The setting is read from option --target, environment variable MSQ_BASE_URL or config file key "target".',
    );
  });

  test("target that is not a URL", () => {
    expect(configError({ env: { MSQ_BASE_URL: "api.example.com", MSQ_API_KEY: KEY } })).toContain(
      'Invalid target from environment variable MSQ_BASE_URL: received "api.example.com", which is not a URL.',
    );
  });

  test("target with an invalid port", () => {
    expect(configError({ env: { MSQ_BASE_URL: "http://127.0.0.1:99999/v1", MSQ_API_KEY: KEY } })).toContain(
      'received "http://127.0.0.1:99999/v1", whose port 99999 is above 65535.',
    );
  });

  test("target with credentials in it", () => {
    const message = configError({
      env: { MSQ_BASE_URL: "https://user:hunter22secret@example.com/v1", MSQ_API_KEY: KEY },
    });
    expect(message).toContain("received a URL with a user name or password in it");
    expect(message).not.toContain("hunter22secret");
  });

  test("key with whitespace names length, not value", () => {
    const message = configError({ env: { MSQ_API_KEY: "msq-abc def-123456" } });
    expect(message).toBe(
      "Invalid apiKey from environment variable MSQ_API_KEY: received a value of 18 characters that contains " +
        "whitespace or control characters. Copy the key again without spaces or line breaks. " +
        'The setting is read from environment variable MSQ_API_KEY or config file key "apiKey".',
    );
  });

  test("short key names length, not value", () => {
    const message = configError({ env: { MSQ_API_KEY: "short7k" } });
    expect(message).toContain("Invalid apiKey from environment variable MSQ_API_KEY: received a value of 7");
    expect(message).toContain("Keys shorter than 8 characters cannot be kept out of output");
    expect(message).not.toContain("short7k");
  });

  test("same key for both accounts", () => {
    expect(configError({ env: { MSQ_API_KEY: KEY, MSQ_API_KEY_2: KEY } })).toBe(
      "MSQ_API_KEY and MSQ_API_KEY_2 hold the same key. Namespacing checks need keys of different accounts; " +
        "set each to a key of its own account.",
    );
  });

  test("legacy key with msq- prefix", () => {
    expect(configError({ env: { MSQ_API_KEY_LEGACY: KEY_2 } })).toContain(
      "Invalid legacyApiKey: received a key that starts with msq-",
    );
  });

  test.each([
    ["0", 'Invalid requestTimeoutMs from option --timeout-ms: received "0".'],
    ["1.5", 'Invalid requestTimeoutMs from option --timeout-ms: received "1.5".'],
    ["soon", 'Invalid requestTimeoutMs from option --timeout-ms: received "soon".'],
  ])("timeout %s is rejected", (value, start) => {
    expect(configError({ flags: { requestTimeoutMs: value } })).toBe(
      `${start} Give a whole number of milliseconds from 1 to 3600000. ` +
        "The setting is read from option --timeout-ms, environment variable MSQ_TIMEOUT_MS or config file key " +
        '"requestTimeoutMs".',
    );
  });

  test("read-only from environment text", () => {
    expect(resolveConfig({ env: { MSQ_READ_ONLY: "yes" } }).readOnly).toBe(true);
    expect(resolveConfig({ env: { MSQ_READ_ONLY: "0" } }).readOnly).toBe(false);
  });

  test("read-only with an unknown word", () => {
    expect(configError({ env: { MSQ_READ_ONLY: "maybe" } })).toBe(
      'Invalid readOnly from environment variable MSQ_READ_ONLY: received "maybe". ' +
        "Use true or false (1/0, yes/no and on/off also work). " +
        'The setting is read from option --read-only, environment variable MSQ_READ_ONLY or config file key "readOnly".',
    );
  });

  test("run prefix with capitals", () => {
    expect(configError({ flags: { runPrefix: "Run_1" } })).toContain(
      'Invalid runPrefix from option --run-prefix: received "Run_1". Use 3 to 32 lowercase letters',
    );
  });

  test("mock faults with a target", () => {
    expect(
      configError({
        env: { MSQ_BASE_URL: "https://api.example.com", MSQ_API_KEY: KEY, MSQ_MOCK_FAULTS: "a,b" },
      }),
    ).toBe(
      "Mock faults (option --mock-fault, environment variable MSQ_MOCK_FAULTS) apply only to the embedded mock, " +
        "but a target is set. Remove the faults, or drop --target / MSQ_BASE_URL.",
    );
  });

  test("mock fault list splits on commas", () => {
    expect(resolveConfig({ env: { MSQ_MOCK_FAULTS: "one, two,," } }).mockFaults).toEqual(["one", "two"]);
  });

  test("missing config file", () => {
    expect(configError({ configFlag: "/nonexistent/harness.json" })).toBe(
      "Cannot read the config file /nonexistent/harness.json (option --config): the file does not exist. " +
        "Check the path, or omit it to use flags and environment variables only.",
    );
  });

  test("config file with invalid JSON", () => {
    const file = writeConfigFile("{ target: ");
    expect(configError({ configFlag: file })).toContain(
      `The config file ${file} (option --config) is not valid JSON:`,
    );
  });

  test("config file with an array", () => {
    const file = writeConfigFile("[]");
    expect(configError({ env: { MSQ_CONFIG: file } })).toBe(
      `The config file ${file} (environment variable MSQ_CONFIG) must hold one JSON object, ` +
        'such as {"target": "https://api.example.com/v1"}.',
    );
  });

  test("config file with a misspelt key", () => {
    const file = writeConfigFile(JSON.stringify({ chatModle: "x" }));
    expect(configError({ configFlag: file })).toMatch(
      new RegExp(
        `^Unknown key "chatModle" in the config file ${file}\\. Did you mean "chatModel"\\? Valid keys: target, apiKey,`,
      ),
    );
  });

  test("config file value of the wrong type", () => {
    const file = writeConfigFile(JSON.stringify({ requestTimeoutMs: "fast" }));
    expect(configError({ configFlag: file })).toContain(
      `Invalid requestTimeoutMs from config file ${file}, key "requestTimeoutMs": received "fast".`,
    );
  });

  test("keys are registered as secrets", () => {
    resolveConfig({ env: { MSQ_API_KEY_2: "plainsecretvalue-9876" } });
    expect(redactText("token plainsecretvalue-9876 leaked")).toBe("token *** leaked");
  });
});
