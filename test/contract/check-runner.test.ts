import { beforeAll, describe, expect, test } from "vitest";
import { runChecks, type CheckOutcome } from "../../src/contract/check-runner.ts";
import { CHECK_REGISTRY, checkById, checksPerFamily } from "../../src/contract/check-registry.ts";
import { CHECK_FAMILIES } from "../../src/contract/check-family.ts";
import type { ExchangeIntent } from "../../src/contract/exchange-intent.ts";
import type { Exchange } from "../../src/http/exchange.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { chunk, makeExchange, usageChunk, validChatFrames } from "./exchange-fixtures.ts";

let validators: ValidatorRegistry;

beforeAll(async () => {
  validators = await ValidatorRegistry.load();
});

/** Runs the registry on an exchange of `operationId` and returns the failing check ids. */
function failingChecks(
  operationId: string,
  exchange: Exchange,
  intent: ExchangeIntent = { kind: "success" },
): string[] {
  return outcomes(operationId, exchange, intent)
    .filter((outcome) => outcome.failures.length > 0)
    .map((outcome) => outcome.check);
}

function outcomes(
  operationId: string,
  exchange: Exchange,
  intent: ExchangeIntent | ExchangeIntent[] = { kind: "success" },
): CheckOutcome[] {
  return runChecks(validators.operation(operationId), exchange, intent, validators);
}

const STREAM_REQUEST = (extra: Record<string, unknown> = {}) =>
  ({ kind: "json", value: { model: "m", messages: [], stream: true, ...extra } }) as const;

describe("check registry", () => {
  test("ids are unique kebab-case", () => {
    for (const check of CHECK_REGISTRY) expect(check.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(new Set(CHECK_REGISTRY.map((check) => check.id)).size).toBe(CHECK_REGISTRY.length);
  });

  test("every family has a check", () => {
    const counts = checksPerFamily();
    for (const family of CHECK_FAMILIES) expect(counts[family], family).toBeGreaterThan(0);
  });

  test("unknown id names the valid ones", () => {
    expect(() => checkById("status-code")).toThrow(
      /Unknown contract check "status-code"\. Valid checks: response-received,/,
    );
  });
});

describe("response conformance", () => {
  test("valid model list passes", () => {
    const exchange = makeExchange({
      json: { object: "list", data: [{ id: "m", object: "model", owned_by: "user" }] },
    });
    expect(failingChecks("listModels", exchange)).toEqual([]);
  });

  test("undocumented status", () => {
    const exchange = makeExchange({ status: 418, json: { success: false, message: "teapot" } });
    expect(failingChecks("listModels", exchange)).toEqual(["status-code-conformance", "success-status"]);
  });

  test("error served as HTML", () => {
    const exchange = makeExchange({
      status: 401,
      headers: { "content-type": "text/html" },
      text: "<h1>401</h1>",
    });
    expect(failingChecks("listModels", exchange, { kind: "auth-probe", probe: "missing-key" })).toEqual([
      "content-type-conformance",
    ]);
  });

  test("list without its object field", () => {
    const exchange = makeExchange({ json: { data: [] } });
    const failed = outcomes("listModels", exchange).find(
      (outcome) => outcome.check === "response-schema-conformance",
    );
    expect(failed?.failures[0]?.instancePath).toBe("");
    expect(failed?.failures[0]?.keyword).toBe("required");
  });

  test("timeout is a failed response", () => {
    const exchange = makeExchange({
      noResponse: true,
      error: { kind: "timeout", message: "no complete response within 10 ms" },
    });
    const failure = outcomes("listModels", exchange).find((outcome) => outcome.check === "response-received")
      ?.failures[0];
    expect(failure?.title).toBe("Response timed out");
    expect(failure?.message).toBe(
      "Received no status line (timeout: no complete response within 10 ms); the spec documents a complete response. " +
        "Check that the deployment is reachable and answers within --timeout-ms.",
    );
  });
});

describe("chat stream rules", () => {
  test.for([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ] as const)("valid stream with %s line endings passes", ([, lineEnding]) => {
    const exchange = makeExchange({
      method: "POST",
      path: "/v1/chat/completions",
      requestBody: STREAM_REQUEST({ stream_options: { include_usage: true } }),
      sseChunks: validChatFrames({ usage: true, lineEnding }),
    });
    expect(failingChecks("createChatCompletion", exchange)).toEqual([]);
  });

  test("events split across reads pass", () => {
    const whole = validChatFrames().join("");
    const pieces = whole.match(/[\s\S]{1,7}/g) ?? [];
    const exchange = makeExchange({
      method: "POST",
      path: "/v1/chat/completions",
      requestBody: STREAM_REQUEST(),
      sseChunks: pieces,
    });
    expect(failingChecks("createChatCompletion", exchange)).toEqual([]);
  });

  test("comments and data without a space pass", () => {
    const frames = validChatFrames().map((frame) => frame.replace("data: ", "data:"));
    const exchange = makeExchange({
      method: "POST",
      path: "/v1/chat/completions",
      requestBody: STREAM_REQUEST(),
      sseChunks: [": keep-alive\n", ...frames.slice(0, 2), ":heartbeat\n\n", ...frames.slice(2)],
    });
    expect(failingChecks("createChatCompletion", exchange)).toEqual([]);
  });

  const broken: readonly [string, string[], string[], Record<string, unknown>?][] = [
    ["missing [DONE]", validChatFrames().slice(0, -1), ["sse-terminator-last"]],
    [
      "event after [DONE]",
      [...validChatFrames(), `data: ${chunk({}, "stop")}\n\n`],
      ["sse-terminator-last", "chat-stream-single-finish-reason"],
    ],
    ["bytes after [DONE]", [...validChatFrames(), "garbage"], ["sse-terminator-last"]],
    [
      "first delta without role",
      [`data: ${chunk({ content: "x" })}\n\n`, ...validChatFrames().slice(1)],
      ["chat-stream-role-first"],
    ],
    [
      "role repeated",
      [
        `data: ${chunk({ role: "assistant" })}\n\n`,
        `data: ${chunk({ role: "assistant", content: "x" })}\n\n`,
        ...validChatFrames().slice(3),
      ],
      ["chat-stream-role-first"],
    ],
    [
      "id changes",
      [
        validChatFrames()[0] ?? "",
        `data: ${chunk({ content: "x" }).replace("chatcmpl-1", "chatcmpl-2")}\n\n`,
        ...validChatFrames().slice(3),
      ],
      ["chat-stream-stable-identity"],
    ],
    [
      "two finish reasons",
      [...validChatFrames().slice(0, 4), `data: ${chunk({}, "stop")}\n\n`, "data: [DONE]\n\n"],
      ["chat-stream-single-finish-reason"],
    ],
    [
      "usage without include_usage",
      [...validChatFrames().slice(0, 4), `data: ${usageChunk()}\n\n`, "data: [DONE]\n\n"],
      ["chat-stream-usage-placement"],
    ],
    [
      "usage missing when asked",
      validChatFrames(),
      ["chat-stream-usage-placement"],
      { stream_options: { include_usage: true } },
    ],
    [
      "usage before the finish chunk",
      [...validChatFrames().slice(0, 3), `data: ${usageChunk()}\n\n`, ...validChatFrames().slice(3)],
      ["chat-stream-usage-placement"],
      { stream_options: { include_usage: true } },
    ],
    [
      "events not separated",
      [
        validChatFrames()[0] ?? "",
        `data: ${chunk({ content: "a" })}\ndata: ${chunk({ content: "b" })}\n\n`,
        ...validChatFrames().slice(3),
      ],
      ["sse-event-schema-conformance", "sse-event-data-parsable"],
    ],
    [
      "stream ends inside an event",
      [...validChatFrames(), 'data: {"partial": tr'],
      ["sse-stream-complete", "sse-terminator-last"],
    ],
  ];

  test.for(broken)("%s fails", ([, frames, expected, extra]) => {
    const exchange = makeExchange({
      method: "POST",
      path: "/v1/chat/completions",
      requestBody: STREAM_REQUEST(extra ?? {}),
      sseChunks: frames,
    });
    expect(failingChecks("createChatCompletion", exchange)).toEqual(expected);
  });

  test("in-band error is reported as such", () => {
    const frames = [
      ...validChatFrames().slice(0, 2),
      'data: {"error":{"message":"provider failed","type":"server_error"}}\n\n',
      "data: [DONE]\n\n",
    ];
    const exchange = makeExchange({
      method: "POST",
      path: "/v1/chat/completions",
      requestBody: STREAM_REQUEST(),
      sseChunks: frames,
    });
    expect(failingChecks("createChatCompletion", exchange)).toEqual(["sse-error-event"]);
    expect(failingChecks("createChatCompletion", exchange, { kind: "stream-error" })).toEqual([]);
  });

  test("error in a non-standard shape fails the schema", () => {
    const frames = [
      ...validChatFrames().slice(0, 2),
      'data: {"status":"error","detail":"provider failed"}\n\n',
      "data: [DONE]\n\n",
    ];
    const exchange = makeExchange({
      method: "POST",
      path: "/v1/chat/completions",
      requestBody: STREAM_REQUEST(),
      sseChunks: frames,
    });
    expect(failingChecks("createChatCompletion", exchange, { kind: "stream-error" })).toEqual([
      "sse-event-type-conformance",
      "sse-error-event",
      "chat-stream-single-finish-reason",
    ]);
  });

  test("tool-call deltas with joined JSON arguments pass", () => {
    const call = (delta: Record<string, unknown>) => `data: ${chunk({ tool_calls: [delta] })}\n\n`;
    const frames = [
      validChatFrames()[0] ?? "",
      call({
        index: 0,
        id: "call_1",
        type: "function",
        function: { name: "get_weather", arguments: '{"ci' },
      }),
      call({ index: 0, function: { arguments: 'ty":"Paris"}' } }),
      `data: ${chunk({}, "tool_calls")}\n\n`,
      "data: [DONE]\n\n",
    ];
    const exchange = makeExchange({
      method: "POST",
      path: "/v1/chat/completions",
      requestBody: STREAM_REQUEST(),
      sseChunks: frames,
    });
    expect(failingChecks("createChatCompletion", exchange)).toEqual([]);
  });

  test.for([
    [
      "arguments that do not parse",
      [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: '{"a":' } }],
    ],
    [
      "two calls sharing an index",
      [
        { index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "{}" } },
        { index: 0, id: "call_2", type: "function", function: { name: "g", arguments: "{}" } },
      ],
    ],
    [
      "a first delta without name",
      [{ index: 0, id: "call_1", type: "function", function: { arguments: "{}" } }],
    ],
  ] as const)("tool-call deltas with %s fail", ([, calls]) => {
    const frames = [
      validChatFrames()[0] ?? "",
      `data: ${chunk({ tool_calls: calls })}\n\n`,
      `data: ${chunk({}, "tool_calls")}\n\n`,
      "data: [DONE]\n\n",
    ];
    const exchange = makeExchange({
      method: "POST",
      path: "/v1/chat/completions",
      requestBody: STREAM_REQUEST(),
      sseChunks: frames,
    });
    expect(failingChecks("createChatCompletion", exchange)).toContain("chat-stream-tool-call-deltas");
  });

  test("stream request answered with JSON", () => {
    const exchange = makeExchange({
      method: "POST",
      path: "/v1/chat/completions",
      requestBody: STREAM_REQUEST(),
      json: { id: "c", object: "chat.completion", created: 1, model: "m", choices: [] },
    });
    expect(failingChecks("createChatCompletion", exchange)).toContain("sse-stream-served");
  });
});

describe("x-sse rules of other streams", () => {
  const speech = (frames: string[]) =>
    makeExchange({
      method: "POST",
      path: "/v1/core/audio/tts/stream",
      requestBody: { kind: "json", value: {} },
      sseChunks: frames,
    });
  const audio = (b64: string) => `data: {"type":"audio_chunk","b64":"${b64}"}\n\n`;

  test("valid speech stream passes", () => {
    const exchange = speech([
      audio("UklGRg=="),
      audio("AAAA"),
      'data: {"type":"audio_stop"}\n\n',
      "data: [DONE]\n\n",
    ]);
    expect(failingChecks("streamSpeech", exchange)).toEqual([]);
  });

  test("audio_stop before the chunks", () => {
    const exchange = speech(['data: {"type":"audio_stop"}\n\n', audio("UklGRg=="), "data: [DONE]\n\n"]);
    expect(failingChecks("streamSpeech", exchange)).toEqual(["stream-stop-after-content"]);
  });

  test("chunk that is not base64", () => {
    const exchange = speech([audio("not base64 !!"), 'data: {"type":"audio_stop"}\n\n', "data: [DONE]\n\n"]);
    expect(failingChecks("streamSpeech", exchange)).toEqual(["sse-base64-content"]);
  });

  test("error event may end the stream without [DONE]", () => {
    const exchange = speech(['data: {"type":"error","message":"no streaming for groq"}\n\n']);
    expect(failingChecks("streamSpeech", exchange, { kind: "stream-error" })).toEqual([]);
  });

  test.for([
    [
      "heartbeat with an ISO time",
      ":workflow-heartbeat 2026-12-04T00:00:00.000Z\n\n",
      ["sse-comment-conformance"],
    ],
    ["documented heartbeat", ":workflow-heartbeat 1764860000000\n\n", []],
  ] as const)("workflow stream with a %s", ([, comment, expected]) => {
    const snapshot = 'data: {"type":"snapshot","record":{}}\n\n';
    const exchange = makeExchange({
      path: "/v1/core/workflow-runs/run_1/stream",
      sseChunks: [snapshot, comment, "data: [DONE]\n\n"],
    });
    const failing = failingChecks("streamWorkflowRun", exchange).filter(
      (check) => check === "sse-comment-conformance",
    );
    expect(failing).toEqual(expected);
  });
});

describe("intent checks", () => {
  const unauthorized = { success: false, code: "AUTH_REQUIRED", message: "Missing or invalid API key" };

  test.for([
    ["missing-key", 401, []],
    ["missing-key", 200, ["auth-missing-key-rejected"]],
    ["unknown-key", 403, ["status-code-conformance", "auth-unknown-key-rejected"]],
    ["x-api-key", 401, ["auth-x-api-key-accepted"]],
    ["bearer-msq-key", 200, []],
  ] as const)("auth probe %s answered %i", ([probe, status, expected]) => {
    const exchange = makeExchange({
      status,
      json: status === 200 ? { object: "list", data: [] } : unauthorized,
    });
    expect(failingChecks("listModels", exchange, { kind: "auth-probe", probe })).toEqual(expected);
  });

  test("rejected probe message", () => {
    const exchange = makeExchange({ json: { object: "list", data: [] } });
    const auth = outcomes("listModels", exchange, { kind: "auth-probe", probe: "missing-key" }).find(
      (outcome) => outcome.check === "auth-missing-key-rejected",
    )?.failures[0];
    expect(auth?.title).toBe("Request without an API key was accepted");
    expect(auth?.message).toBe(
      'A request without an API key received status 200 and {"object":"list","data":[]}; the spec documents 401 ' +
        "for every protected operation. Authenticate the request before running the operation.",
    );
  });

  test("documented error status", () => {
    const exchange = makeExchange({
      method: "POST",
      path: "/v1/chat/cancel",
      json: { success: true, found: false, cancelled: false, alreadyCancelled: false },
    });
    const failure = outcomes("cancelChatCompletion", exchange, {
      kind: "expected-status",
      statuses: [400],
      reason: "sessionId is blank",
    }).find((outcome) => outcome.check === "documented-error-status")?.failures[0];
    expect(failure?.title).toBe("Expected 400 when sessionId is blank");
  });

  test("foreign list containing the id", () => {
    const exchange = makeExchange({
      json: { object: "list", data: [{ id: "alice-model", object: "model", owned_by: "alice" }] },
    });
    const listedIds = (body: unknown) =>
      ((body as { data: { id: string }[] }).data ?? []).map((item) => item.id);
    expect(
      failingChecks("listModels", exchange, {
        kind: "foreign-access",
        action: "list",
        resource: "model",
        id: "alice-model",
        listedIds,
      }),
    ).toEqual(["namespacing-foreign-list-excluded"]);
    expect(
      failingChecks("listModels", exchange, {
        kind: "foreign-access",
        action: "list",
        resource: "model",
        id: "other",
        listedIds,
      }),
    ).toEqual([]);
  });

  test.for([
    [404, {}, []],
    [200, { success: false, message: "Not found" }, []],
    [200, { status: "success", message: "Model deleted" }, ["namespacing-foreign-delete-rejected"]],
  ] as const)("foreign delete answered %i %j", ([status, json, expected]) => {
    const exchange = makeExchange({
      method: "POST",
      path: "/v1/core/delete/model",
      status,
      json: status === 404 ? { success: false, message: "x" } : json,
    });
    const failing = failingChecks("deleteModel", exchange, {
      kind: "foreign-access",
      action: "delete",
      resource: "model",
      id: "m",
    }).filter((check) => check.startsWith("namespacing"));
    expect(failing).toEqual(expected);
  });

  test("stored secret in a read", () => {
    const secret = "sk-test-stored-secret-1234567890";
    const masked = makeExchange({
      json: { success: true, data: [{ providerKey: "p", apiKey: "sk-...7890" }] },
    });
    const leaked = makeExchange({ json: { success: true, data: [{ providerKey: "p", apiKey: secret }] } });
    expect(failingChecks("listProviders", masked, { kind: "masking", secrets: [secret] })).toEqual([]);
    expect(failingChecks("listProviders", leaked, { kind: "masking", secrets: [secret] })).toEqual([
      "response-schema-conformance",
      "masking-stored-secret-hidden",
      "masking-credential-fields-masked",
    ]);
  });

  test("masking failure never prints the secret", () => {
    const secret = "sk-test-printed-secret-0987654321";
    const leaked = makeExchange({ json: { success: true, data: [{ providerKey: "p", apiKey: secret }] } });
    const text = JSON.stringify(outcomes("listProviders", leaked, { kind: "masking", secrets: [secret] }));
    expect(text).not.toContain(secret);
  });

  test("lifecycle steps", () => {
    const listedIds = (body: unknown) =>
      ((body as { data: { id: string }[] }).data ?? []).map((item) => item.id);
    const list = makeExchange({
      json: { object: "list", data: [{ id: "kept", object: "model", owned_by: "user" }] },
    });
    expect(
      failingChecks("listModels", list, {
        kind: "lifecycle",
        step: "list",
        resource: "model",
        id: "kept",
        expected: "present",
        listedIds,
      }),
    ).toEqual([]);
    expect(
      failingChecks("listModels", list, {
        kind: "lifecycle",
        step: "list",
        resource: "model",
        id: "kept",
        expected: "absent",
        listedIds,
      }),
    ).toEqual(["lifecycle-listed-after-create"]);
  });

  test("several intents run each check once", () => {
    const exchange = makeExchange({ status: 418, json: {} });
    const result = outcomes("listModels", exchange, [
      { kind: "success" },
      { kind: "expected-status", statuses: [404], reason: "x" },
    ]);
    expect(result.filter((outcome) => outcome.check === "status-code-conformance")).toHaveLength(1);
    expect(result.map((outcome) => outcome.check)).toContain("documented-error-status");
  });
});
