import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { InvalidRequestError, requireBodyObject, typeName } from "../../request-fields.ts";
import { STARTABLE_FACTORIES, type DispatchOutcome } from "../../run-directory.ts";
import type { Account } from "../../store.ts";
import {
  FACTORY_CONFIGS,
  FactoryValidationError,
  MAX_FACTORIES,
  buildFactoryRecord,
  findFactory,
  type FactoryConfigRecord,
} from "./factory-configs.ts";
import { startFactoryRun, type FactoryServices } from "./factory-execution.ts";
import {
  FACTORY_RUNS,
  MAX_CONCURRENT_FACTORY_RUNS,
  activeRunCount,
  pageOf,
  snapshot,
} from "./factory-runs.ts";

export const CONFIG_NOT_FOUND = "Factory config not found";

export function configNotFound(context: OperationContext): MockResponse {
  return context.error(404, CONFIG_NOT_FOUND);
}

/** Turns a config validation failure into its documented 400, with the `errorCode` when there is one. */
function withValidation(context: OperationContext, write: () => MockResponse): MockResponse {
  try {
    return write();
  } catch (error) {
    if (!(error instanceof FactoryValidationError)) throw error;
    return context.error(
      400,
      error.message,
      error.errorCode === undefined ? {} : { errorCode: error.errorCode },
    );
  }
}

export function listFactories(context: OperationContext): MockResponse {
  const data = [...context.store.slot(context.account, FACTORY_CONFIGS).values()].map((config) =>
    snapshot(config),
  );
  return jsonResponse(200, { success: true, data });
}

export function createFactory(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const configs = context.store.slot(context.account, FACTORY_CONFIGS);
  if (configs.size >= MAX_FACTORIES)
    return context.error(403, "Factory limit reached", { errorCode: "FACTORY_LIMIT_REACHED" });
  const requestedId = body["id"];
  if (requestedId !== undefined && (typeof requestedId !== "string" || requestedId.trim() === "")) {
    throw new InvalidRequestError(
      `id must be a non-empty string when given, received ${typeName(requestedId)}.`,
      "id",
    );
  }
  if (typeof requestedId === "string" && configs.has(requestedId)) {
    throw new InvalidRequestError(
      `A factory config with id ${requestedId} exists; update it with PUT /v1/core/factories/${requestedId}.`,
      "id",
    );
  }
  return withValidation(context, () => {
    const id = typeof requestedId === "string" ? requestedId : context.store.nextId("fac_cfg");
    const record = buildFactoryRecord(context, body, { id, createdAt: context.request.receivedAtEpochMs });
    saveFactory(context, record);
    return jsonResponse(200, { success: true, data: snapshot(record) });
  });
}

export function getFactory(context: OperationContext): MockResponse {
  const config = findFactory(context.store, context.account, context.request.params["id"] ?? "");
  if (config === undefined) return configNotFound(context);
  return jsonResponse(200, { success: true, data: snapshot(config) });
}

export function updateFactory(context: OperationContext): MockResponse {
  const id = context.request.params["id"] ?? "";
  const existing = findFactory(context.store, context.account, id);
  if (existing === undefined) return configNotFound(context);
  const body = requireBodyObject(context.request.json);
  return withValidation(context, () => {
    // The body is merged onto the stored record, and the path id wins.
    const merged = { ...(snapshot(existing) as Record<string, unknown>), ...body, id };
    const record = buildFactoryRecord(context, merged, { id, createdAt: existing.createdAt });
    saveFactory(context, record);
    return jsonResponse(200, { success: true, data: snapshot(record) });
  });
}

export function deleteFactory(context: OperationContext): MockResponse {
  const id = context.request.params["id"] ?? "";
  const deleted = context.store.slot(context.account, FACTORY_CONFIGS).delete(id);
  if (deleted) context.store.slot(context.account, STARTABLE_FACTORIES).delete(id);
  return jsonResponse(
    200,
    deleted ? { success: true, message: "Deleted" } : { success: false, message: "Not found" },
  );
}

export function listFactoryRuns(context: OperationContext): MockResponse {
  const id = context.request.params["id"] ?? "";
  if (findFactory(context.store, context.account, id) === undefined) return configNotFound(context);
  const { limit, offset } = pageOf(context.request.query, 20);
  const runs = [...context.store.slot(context.account, FACTORY_RUNS).values()]
    .filter((run) => run.record.factoryConfigId === id)
    .reverse()
    .slice(offset, offset + limit)
    .map((run) => snapshot(run.record));
  return jsonResponse(200, { success: true, data: runs });
}

function saveFactory(context: OperationContext, record: FactoryConfigRecord): void {
  context.store.slot(context.account, FACTORY_CONFIGS).set(record.id, record);
  const services: FactoryServices = {
    store: context.store,
    timing: context.timing,
    scheduler: context.scheduler,
    logger: context.logger,
  };
  const owner = context.account;
  context.store
    .slot(owner, STARTABLE_FACTORIES)
    .set(record.id, { start: (payload) => startFromDirectory(services, owner, record.id, payload) });
}

/**
 * Starts a run for another area (the webhook trigger) with the same limits as the HTTP route.
 * NOTE: such runs record `trigger: "manual"`, because the run record's schema allows only manual
 * and scheduler triggers.
 */
function startFromDirectory(
  services: FactoryServices,
  owner: Account,
  configId: string,
  payload: string | undefined,
): DispatchOutcome {
  const config = findFactory(services.store, owner, configId);
  if (config === undefined) return { ok: false, status: 404, message: CONFIG_NOT_FOUND };
  if (activeRunCount(services.store, owner) >= MAX_CONCURRENT_FACTORY_RUNS) {
    return {
      ok: false,
      status: 429,
      message: "Factory concurrent run limit reached",
      errorCode: "FACTORY_CONCURRENT_LIMIT_REACHED",
    };
  }
  const run = startFactoryRun(services, {
    owner,
    config,
    carryPayload: payload ?? "",
    trigger: { kind: "manual" },
    startAt: services.scheduler.now(),
    nowEpochMs: Date.now(),
  });
  return {
    ok: true,
    runId: run.record.runId,
    result: { success: true, runId: run.record.runId, data: snapshot(run.record) },
  };
}
