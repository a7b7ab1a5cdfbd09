import { describe, test } from "vitest";
import type { AuthProbe } from "../src/contract/exchange-intent.ts";
import type { Credential } from "../src/http/exchange.ts";
import type { Harness } from "./support/harness.ts";
import { isReadOnlyMethod, probeRequest } from "./support/probe-request.ts";
import { setupSuite } from "./support/suite-setup.ts";
import { skipChecks, verify } from "./support/verify.ts";

/** A well-formed key that no account has: the msq- prefix and 32 random-looking characters. */
const UNKNOWN_KEY = "msq-0000000000unknown0000000000000";
/** A key with characters no API key contains. */
const MALFORMED_KEY = "msq-!not a key!";

interface Probe {
  readonly probe: AuthProbe;
  readonly name: string;
  readonly check: string;
  /** Whether the probe sends a valid key, so the request reaches the operation. */
  readonly reachesOperation: boolean;
  readonly credential: () => Credential | undefined;
}

function probesOf(harness: Harness): readonly Probe[] {
  return [
    {
      probe: "missing-key",
      name: "rejects a request without a key",
      check: "auth-missing-key-rejected",
      reachesOperation: false,
      credential: () => ({ scheme: "none" }),
    },
    {
      probe: "unknown-key",
      name: "rejects an unknown key",
      check: "auth-unknown-key-rejected",
      reachesOperation: false,
      credential: () => ({ scheme: "x-api-key", key: UNKNOWN_KEY, variable: undefined }),
    },
    {
      probe: "malformed-key",
      name: "rejects a malformed key",
      check: "auth-malformed-key-rejected",
      reachesOperation: false,
      credential: () => ({ scheme: "x-api-key", key: MALFORMED_KEY, variable: undefined }),
    },
    {
      probe: "bearer-without-msq-prefix",
      name: "rejects Bearer without msq-",
      check: "auth-bearer-without-msq-prefix-rejected",
      reachesOperation: false,
      // A valid key without the prefix proves the prefix rule; without one, an unknown key still must fail.
      credential: () =>
        harness.target.legacyApiKey === undefined
          ? { scheme: "bearer", key: "sk-0000000000unknown0000000000", variable: undefined }
          : { scheme: "bearer", key: harness.target.legacyApiKey, variable: "MSQ_API_KEY_LEGACY" },
    },
    {
      probe: "x-api-key",
      name: "accepts the key in x-api-key",
      check: "auth-x-api-key-accepted",
      reachesOperation: true,
      credential: () => undefined,
    },
    {
      probe: "bearer-msq-key",
      name: "accepts Bearer msq- keys",
      check: "auth-bearer-msq-key-accepted",
      reachesOperation: true,
      credential: () => ({
        scheme: "bearer",
        key: harness.target.primary.apiKey,
        variable: harness.target.primary.keyVariable,
      }),
    },
  ];
}

/** Operations documented with `security: []`, which must respond without credentials. */
function publicOperations(harness: Harness) {
  return harness.validators.operations().filter((operation) => operation.operation.security?.length === 0);
}

/** Operations guarded by the API key schemes (the root default); webhook triggers and OAuth callbacks are not. */
function keyedOperations(harness: Harness) {
  const document = harness.validators.spec.document;
  return harness.validators.operations().filter((operation) => {
    const security = operation.operation.security ?? document.security ?? [];
    return security.some((requirement) => "ApiKeyHeader" in requirement || "BearerMsqKey" in requirement);
  });
}

for (const { harness } of setupSuite(["auth", "common"], ["auth"])) {
  describe(harness.label, () => {
    describe.each(keyedOperations(harness))("auth $operationId", (operation) => {
      for (const probe of probesOf(harness)) {
        test(probe.name, async (context) => {
          if (probe.reachesOperation && harness.target.readOnly && !isReadOnlyMethod(operation.method)) {
            skipChecks(context, harness, "read-only run: the operation could change data", [
              { operationId: operation.operationId, checks: [probe.check] },
            ]);
          }
          const credential = probe.credential();
          const call = await harness.primary.call(operation.operationId, {
            ...probeRequest(operation),
            ...(credential === undefined ? {} : { credential }),
          });
          verify(context, harness, call, { kind: "auth-probe", probe: probe.probe });
        });
      }
    });

    describe.each(publicOperations(harness))("auth $operationId", (operation) => {
      test("answers without a key", async (context) => {
        const call = await harness.anonymous.call(operation.operationId, probeRequest(operation));
        verify(context, harness, call, { kind: "auth-probe", probe: "public-without-key" });
      });
    });
  });
}
