import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import type { ContractTarget, NamedTarget, TargetAccount } from "../../src/contract/contract-target.ts";
import { HttpClient } from "../../src/http/http-client.ts";
import { registerSecret } from "../../src/log/redact.ts";
import type { OpenApiDocument } from "../../src/spec/openapi-document.ts";
import { SourceLocator } from "../../src/spec/source-locator.ts";
import { ValidatorRegistry } from "../../src/validation/validator-registry.ts";
import { AccountClient } from "./account-client.ts";
import { ResourceLedger } from "./resource-ledger.ts";

/** The bundled OpenAPI document, loaded once by the runner so workers skip bundling and validation. */
export interface ProvidedSpec {
  readonly specPath: string;
  readonly document: OpenApiDocument;
}

declare module "vitest" {
  interface ProvidedContext {
    /** The deployments under test, provided by `msq-harness test` or the suites' global setup. */
    msqTargets: readonly NamedTarget[];
    msqSpec: ProvidedSpec;
  }
}

/** Context of every contract suite: the target, its accounts and the validators. */
export interface Harness {
  /** Label of the target, which names the top-level describe of its tests. */
  readonly label: string;
  /** True for a mock with a fault, where failures are expected and teardown problems are not reported. */
  readonly faulty: boolean;
  readonly target: ContractTarget;
  readonly validators: ValidatorRegistry;
  readonly primary: AccountClient;
  /** The second account; undefined when the run has no second key. */
  readonly secondary: AccountClient | undefined;
  /** A third account that receives no shares; undefined when the run has no third key. */
  readonly third: AccountClient | undefined;
  readonly anonymous: AccountClient;
  /** The HTTP client behind the account clients, for clients such as the openai SDK. */
  readonly http: HttpClient;
  readonly ledger: ResourceLedger;
  /** Returns a fresh resource name that starts with the run prefix, such as `msqh-x1-model-3f2a9c`. */
  uniqueName(kind: string): string;
}

let validators: ValidatorRegistry | undefined;
const harnesses = new Map<string, Harness>();

/**
 * Returns the harnesses of the provided targets that a suite covering `areas` and rule `kinds`
 * runs against. Those are the targets without a fault, targets whose fault lies in an area no
 * suite declares, and targets whose fault lies in one of the areas or is of one of the kinds.
 * One harness is built per target and worker, so files in a worker share connections and
 * compiled validators.
 */
export function useHarnesses(areas: readonly string[], kinds: readonly string[] = []): Harness[] {
  const targets = inject("msqTargets");
  if (targets === undefined || targets.length === 0) {
    throw new Error(
      "No target was provided. Run the suites with `msq-harness test` or through suites/vitest.config.ts.",
    );
  }
  validators ??= createValidators(inject("msqSpec"));
  const registry = validators;
  return targets
    .filter(
      (named) =>
        named.faultKind === undefined ||
        named.faultArea === undefined ||
        areas.includes(named.faultArea) ||
        kinds.includes(named.faultKind),
    )
    .map((named) => {
      const key = `${named.label} ${named.target.root} ${named.target.runPrefix}`;
      let harness = harnesses.get(key);
      if (harness === undefined) {
        harness = buildHarness(named, registry);
        harnesses.set(key, harness);
      }
      return harness;
    });
}

function createValidators(spec: ProvidedSpec | undefined): ValidatorRegistry {
  if (spec === undefined) throw new Error("No spec was provided; run the suites with `msq-harness test`.");
  return new ValidatorRegistry({
    specPath: spec.specPath,
    document: spec.document,
    locator: new SourceLocator(spec.specPath),
  });
}

function buildHarness(named: NamedTarget, registry: ValidatorRegistry): Harness {
  const target = named.target;
  for (const account of [target.primary, target.secondary, target.third]) registerSecret(account?.apiKey);
  registerSecret(target.legacyApiKey);
  const http = new HttpClient({
    root: target.root,
    requestTimeoutMs: target.requestTimeoutMs,
    connectTimeoutMs: target.connectTimeoutMs,
  });
  const client = (account: TargetAccount | undefined): AccountClient | undefined =>
    account === undefined
      ? undefined
      : new AccountClient(http, registry, { key: account.apiKey, variable: account.keyVariable });
  return {
    label: named.label,
    faulty: named.faultKind !== undefined,
    target,
    validators: registry,
    primary: client(target.primary) as AccountClient,
    secondary: client(target.secondary),
    third: client(target.third),
    anonymous: new AccountClient(http, registry, undefined),
    http,
    ledger: new ResourceLedger(target.ledgerPath),
    uniqueName: (kind) => `${target.runPrefix}-${kind}-${randomBytes(3).toString("hex")}`,
  };
}
