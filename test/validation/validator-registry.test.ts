import { beforeAll, describe, expect, test } from "vitest";
import { UnknownOperationError } from "../../src/validation/unknown-operation-error.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { fixtureSpec } from "../spec/fixture-paths.ts";

let registry: ValidatorRegistry;

const widget = { id: "w_1", name: "Sprocket", size: 3 };
const widgetList = { object: "list", data: [widget] };
const listHeaders = { "x-request-id": "req_1" };

beforeAll(async () => {
  registry = await ValidatorRegistry.load(fixtureSpec("valid"));
});

describe("ValidatorRegistry.validateResponse", () => {
  test("conforming response has no failures", () => {
    const failures = registry.validateResponse({
      operationId: "listWidgets",
      status: 200,
      contentType: "application/json",
      body: widgetList,
      headers: listHeaders,
    });
    expect(failures).toEqual([]);
  });

  test("undocumented status is a failure", () => {
    const [failure, ...rest] = registry.validateResponse({
      operationId: "getWidget",
      status: 500,
      contentType: "application/json",
      body: {},
    });
    expect(rest).toEqual([]);
    expect(failure).toMatchObject({
      operationId: "getWidget",
      method: "GET",
      path: "/v1/widgets/{id}",
      check: "status-code-conformance",
      title: "Undocumented status code",
      received: "500",
      documented: "200, 401, 404",
      inferred: false,
    });
    expect(failure?.message).toContain("Received status 500; the spec documents 200, 401, 404");
  });

  test.each([
    { status: 418, covers: "4XX range" },
    { status: 503, covers: "default" },
  ])("status $status is covered by $covers", ({ status }) => {
    const operationId = status === 418 ? "listWidgets" : "createWidget";
    const body = { success: false, message: "failed" };
    expect(registry.validateResponse({ operationId, status, contentType: "application/json", body })).toEqual(
      [],
    );
  });

  test("undocumented content type is a failure", () => {
    const [failure] = registry.validateResponse({
      operationId: "listWidgets",
      status: 200,
      contentType: "text/html",
      body: "<html></html>",
    });
    expect(failure).toMatchObject({
      check: "content-type-conformance",
      title: "Undocumented content type",
      received: "text/html",
      documented: "application/json",
    });
  });

  test("missing content type is a failure", () => {
    const [failure] = registry.validateResponse({
      operationId: "listWidgets",
      status: 200,
      body: widgetList,
    });
    expect(failure).toMatchObject({ check: "content-type-conformance", received: "no Content-Type" });
  });

  test.each([
    { documented: "application/json; charset=utf-8", received: "application/json", operationId: "getWidget" },
    {
      documented: "application/json",
      received: "Application/JSON; charset=utf-8",
      operationId: "listWidgets",
    },
  ])("media type parameters are ignored ($received)", ({ received, operationId }) => {
    const body = operationId === "getWidget" ? widget : widgetList;
    const failures = registry.validateResponse({ operationId, status: 200, contentType: received, body });
    expect(failures).toEqual([]);
  });

  test("missing field names property and pointers", () => {
    const [failure, ...rest] = registry.validateResponse({
      operationId: "listWidgets",
      status: 200,
      contentType: "application/json",
      body: { object: "list", data: [{ id: "w_1", name: "Sprocket" }] },
    });
    expect(rest).toEqual([]);
    expect(failure).toMatchObject({
      check: "response-schema-conformance",
      title: "Response body misses required property size",
      instancePath: "/data/0",
      schemaPath: "#/components/schemas/Widget/required",
      keyword: "required",
      received: '{"id":"w_1","name":"Sprocket"}',
      documented: '{"required":["id","name","size"]}',
      inferred: false,
    });
    expect(failure?.message).toContain("test/fixtures/spec/valid/schemas/widgets.yaml:3");
  });

  test("wrong type names value and schema", () => {
    const [failure] = registry.validateResponse({
      operationId: "listWidgets",
      status: 200,
      contentType: "application/json",
      body: { object: "list", data: [{ ...widget, size: "3" }] },
    });
    expect(failure).toMatchObject({
      check: "response-schema-conformance",
      instancePath: "/data/0/size",
      schemaPath: "#/components/schemas/Widget/properties/size/type",
      keyword: "type",
      received: '"3"',
      documented: '{"type":"integer"}',
    });
  });

  test("JSON text body is parsed", () => {
    const failures = registry.validateResponse({
      operationId: "listWidgets",
      status: 200,
      contentType: "application/json",
      body: new TextEncoder().encode(JSON.stringify(widgetList)),
    });
    expect(failures).toEqual([]);
  });

  test("body that is not JSON is a failure", () => {
    const [failure] = registry.validateResponse({
      operationId: "listWidgets",
      status: 200,
      contentType: "application/json",
      body: "<html>oops</html>",
    });
    expect(failure).toMatchObject({
      check: "response-schema-conformance",
      title: "Response body is not JSON",
    });
  });

  test("long received values are truncated", () => {
    const [failure] = registry.validateResponse({
      operationId: "listWidgets",
      status: 200,
      contentType: "application/json",
      body: { object: "list", data: [{ ...widget, name: 7, padding: "x".repeat(1000) }] },
    });
    expect(failure?.received?.length).toBeLessThanOrEqual(200);
  });

  test("property marked x-inferred sets inferred", () => {
    const [failure] = registry.validateResponse({
      operationId: "getWidget",
      status: 200,
      contentType: "application/json",
      body: { ...widget, color: "pink" },
    });
    expect(failure).toMatchObject({ keyword: "enum", instancePath: "/color", inferred: true });
  });

  test("response marked x-inferred sets inferred", () => {
    const [failure] = registry.validateResponse({
      operationId: "getHealth",
      status: 200,
      contentType: "application/json",
      body: { ok: "yes" },
    });
    expect(failure).toMatchObject({ keyword: "type", inferred: true });
  });

  test.each([
    { contentType: "image/png", documented: "*/*", operationId: "getFileContent" },
    { contentType: "audio/mpeg", documented: "audio/*", operationId: "createSpeech" },
  ])("wildcard $documented accepts $contentType bytes", ({ contentType, operationId }) => {
    const body = new Uint8Array([1, 2, 3]);
    expect(registry.validateResponse({ operationId, status: 200, contentType, body })).toEqual([]);
  });

  test("audio/* rejects other families", () => {
    const [failure] = registry.validateResponse({
      operationId: "createSpeech",
      status: 200,
      contentType: "text/plain",
      body: "hello",
    });
    expect(failure).toMatchObject({ check: "content-type-conformance", documented: "audio/*" });
  });

  test("empty binary body is a failure", () => {
    const [failure] = registry.validateResponse({
      operationId: "getFileContent",
      status: 200,
      contentType: "application/octet-stream",
      body: new Uint8Array(0),
    });
    expect(failure).toMatchObject({
      check: "response-schema-conformance",
      title: "Binary response body is empty",
      received: "<0 bytes>",
    });
  });

  test("missing required header is a failure", () => {
    const [failure] = registry.validateResponse({
      operationId: "listWidgets",
      status: 200,
      contentType: "application/json",
      body: widgetList,
      headers: {},
    });
    expect(failure).toMatchObject({
      check: "response-header-conformance",
      title: "Missing required header X-Request-Id",
      documented: "X-Request-Id (required)",
    });
  });

  test("header is coerced before its schema check", () => {
    const headers = new Headers({ "X-Request-Id": "req_1", "X-Total-Count": "12" });
    const failures = registry.validateResponse({
      operationId: "listWidgets",
      status: 200,
      contentType: "application/json",
      body: widgetList,
      headers,
    });
    expect(failures).toEqual([]);
  });

  test("header that breaks its schema is a failure", () => {
    const [failure] = registry.validateResponse({
      operationId: "listWidgets",
      status: 200,
      contentType: "application/json",
      body: widgetList,
      headers: { ...listHeaders, "x-total-count": "-1" },
    });
    expect(failure).toMatchObject({
      check: "response-header-conformance",
      title: "Header X-Total-Count does not match its schema",
      keyword: "minimum",
      received: '"-1"',
    });
  });

  test("event-stream body is left to validateEvent", () => {
    const failures = registry.validateResponse({
      operationId: "streamTicks",
      status: 200,
      contentType: "text/event-stream; charset=utf-8",
      body: "data: not checked here\n\n",
      headers: { "x-run-id": "run_1" },
    });
    expect(failures).toEqual([]);
  });
});

describe("ValidatorRegistry.validateEvent", () => {
  const event = (data: unknown) => registry.validateEvent({ operationId: "streamTicks", status: 200, data });

  test("recognizes a documented event", () => {
    expect(event('{"object":"tick","index":0}')).toEqual({ event: "tick", failures: [] });
  });

  test("recognizes the error event by presence", () => {
    expect(event({ error: { message: "upstream failed" } })).toEqual({ event: "error", failures: [] });
  });

  test("recognizes the terminator", () => {
    expect(event("[DONE]")).toEqual({ terminator: true, failures: [] });
  });

  test("bad event names the event and keyword", () => {
    const result = event('{"object":"tick","index":-1}');
    expect(result.event).toBe("tick");
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({
      operationId: "streamTicks",
      method: "POST",
      path: "/v1/stream",
      check: "sse-event-schema-conformance",
      instancePath: "/index",
      schemaPath: "#/components/schemas/TickEvent/properties/index/minimum",
      keyword: "minimum",
      received: "-1",
      documented: '{"minimum":0}',
      inferred: false,
    });
  });

  test("unknown event type is a failure", () => {
    const result = event('{"object":"tock"}');
    expect(result.event).toBeUndefined();
    expect(result.failures[0]).toMatchObject({
      check: "sse-event-type-conformance",
      title: "Unknown SSE event type",
      received: '{"object":"tock"}',
    });
    expect(result.failures[0]?.documented).toContain("tick");
  });

  test("data that is not JSON is a failure", () => {
    const [failure] = event("tick 1").failures;
    expect(failure).toMatchObject({
      check: "sse-event-schema-conformance",
      title: "SSE event data is not JSON",
    });
  });

  test("operation without a stream throws", () => {
    expect(() => registry.validateEvent({ operationId: "listWidgets", status: 200, data: "{}" })).toThrow(
      /listWidgets documents no text\/event-stream response for status 200/,
    );
  });
});

describe("ValidatorRegistry.validateComment", () => {
  test.each([
    { comment: "heartbeat 12", failures: 0 },
    { comment: "keepalive", failures: 1 },
  ])("comment $comment gives $failures failure(s)", ({ comment, failures }) => {
    expect(registry.validateComment({ operationId: "streamTicks", status: 200, comment })).toHaveLength(
      failures,
    );
  });
});

describe("ValidatorRegistry lookup", () => {
  test("unknown operationId names the three closest", () => {
    expect(() => registry.operation("listWidget")).toThrow(UnknownOperationError);
    expect(() => registry.operation("listWidget")).toThrow(
      'Unknown operationId "listWidget"; the closest known ids are listWidgets, getWidget, createWidget.',
    );
  });

  test.each([
    { method: "get", path: "/v1/widgets/w_1?expand=1", operationId: "getWidget" },
    { method: "POST", path: "/v1/widgets", operationId: "createWidget" },
    { method: "GET", path: "/v1/files/file_1/content", operationId: "getFileContent" },
  ])("finds $operationId from $method $path", ({ method, path, operationId }) => {
    expect(registry.findOperation(method, path)?.operationId).toBe(operationId);
  });

  test("unknown path finds nothing", () => {
    expect(registry.findOperation("GET", "/v1/nothing")).toBeUndefined();
  });

  test("sseRules returns the parsed x-sse", () => {
    const rules = registry.sseRules("streamTicks", 200);
    expect(rules.terminator).toBe("[DONE]");
    expect(rules.errorEvent).toBe("error");
    expect(rules.comments?.map((pattern) => pattern.source)).toEqual(["^heartbeat \\d+$"]);
    expect(rules.events.map((entry) => [entry.name, entry.schema])).toEqual([
      ["tick", "TickEvent"],
      ["error", "StreamError"],
    ]);
  });

  test("operations lists every operation", () => {
    expect(
      registry
        .operations()
        .map((operation) => operation.operationId)
        .sort(),
    ).toEqual([
      "createSpeech",
      "createWidget",
      "getFileContent",
      "getHealth",
      "getWidget",
      "listWidgets",
      "streamTicks",
      "uploadFile",
    ]);
  });

  test("compileAll compiles the fixture", () => {
    expect(registry.compileAll()).toEqual([]);
  });
});
