import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMock, type RunningMock } from "../../src/mock/server.ts";
import { runCli } from "./run-cli.ts";

const PREFIX = "msqh-cleanup-test";
let mock: RunningMock;
let key: string;

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${mock.origin}${path}`, {
    method,
    headers: { "x-api-key": key, "content-type": "application/json" },
    signal: AbortSignal.timeout(10_000),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

async function voiceNames(): Promise<string[]> {
  const list = await call("GET", "/v1/core/voices");
  return ((list.json as { data: { name: string }[] }).data ?? []).map((voice) => voice.name);
}

beforeAll(async () => {
  mock = await startMock();
  key = mock.accounts[0]?.apiKey ?? "";
  const names = [
    `${PREFIX}-voice-a1b2c3`,
    `${PREFIX}-voice-d4e5f6`,
    "kept-voice",
    `${PREFIX}2-voice-a1b2c3`,
    // Starts with the prefix but is not a name the harness gives, as a hand-made resource.
    `${PREFIX}-voice-handmade`,
  ];
  for (const name of names) {
    await call("POST", "/v1/core/add/voice", { name, providerKey: "openai", voiceId: "alloy" });
  }
  const registered = await call("POST", "/v1/mcp/external-servers", {
    name: `${PREFIX}-mcp-0c0d0e`,
    displayName: "Cleanup test server",
    description: "Registered and never installed",
    url: "http://127.0.0.1:9/mcp",
    authMode: "none",
    catalogProvider: "manual",
    secretFields: [],
    enabled: true,
  });
  if (registered.status !== 200)
    throw new Error(`MCP server registration failed: ${JSON.stringify(registered)}`);
  await call("POST", "/v1/core/add/provider", {
    providerKey: `${PREFIX}-prov-0a0b0c`,
    url: "http://127.0.0.1:9/v1",
    apiKey: "sk-cleanup-test-0000000000",
  });
});

afterAll(async () => {
  await mock.close();
});

describe("msq-harness cleanup", () => {
  test("dry run deletes nothing", { timeout: 60_000 }, async () => {
    const result = await runCli(["cleanup", "--prefix", PREFIX, "--dry-run", "--target", mock.baseUrl], {
      MSQ_API_KEY: key,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`would-delete primary   voice            ${PREFIX}-voice-a1b2c3`);
    expect(await voiceNames()).toContain(`${PREFIX}-voice-a1b2c3`);
  });

  test("deletes what carries the prefix", { timeout: 60_000 }, async () => {
    const result = await runCli(["cleanup", "--prefix", PREFIX, "--target", mock.baseUrl], {
      MSQ_API_KEY: key,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`3 matched ${PREFIX}`);
    const names = await voiceNames();
    expect(names).not.toContain(`${PREFIX}-voice-a1b2c3`);
    expect(names).toContain("kept-voice");
    expect(names).toContain(`${PREFIX}2-voice-a1b2c3`);
    expect(names).toContain(`${PREFIX}-voice-handmade`);
  });

  test("skips an uninstalled MCP server", { timeout: 60_000 }, async () => {
    const result = await runCli(["cleanup", "--prefix", PREFIX, "--dry-run", "--target", mock.baseUrl], {
      MSQ_API_KEY: key,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(`${PREFIX}-mcp-0c0d0e`);
  });

  test("exits 1 when a list fails", { timeout: 60_000 }, async () => {
    const failing = createServer((_request, response) => {
      response.writeHead(500, { "content-type": "application/json" });
      response.end('{"success":false,"message":"internal error"}');
    });
    await new Promise<void>((resolve) => failing.listen(0, "127.0.0.1", resolve));
    const { port } = failing.address() as AddressInfo;
    try {
      const result = await runCli(
        ["cleanup", "--prefix", PREFIX, "--target", `http://127.0.0.1:${port}/v1`],
        {
          MSQ_API_KEY: key,
        },
      );
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stdout).toContain("list-failed  primary   webhook          (listWebhooks: status 500)");
      expect(result.stdout).toContain(
        `Nothing matched ${PREFIX} on http://127.0.0.1:${port}; 11 lists could not be read`,
      );
    } finally {
      failing.closeAllConnections();
      await new Promise((resolve) => failing.close(resolve));
    }
  });

  test("rejects a trailing hyphen", { timeout: 60_000 }, async () => {
    const result = await runCli(["cleanup", "--prefix", `${PREFIX}-`, "--target", mock.baseUrl], {
      MSQ_API_KEY: key,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`Invalid --prefix: received "${PREFIX}-".`);
  });

  test("rejects a short prefix", { timeout: 60_000 }, async () => {
    const result = await runCli(["cleanup", "--prefix", "m", "--target", mock.baseUrl], { MSQ_API_KEY: key });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Invalid --prefix: received "m".');
  });
});
