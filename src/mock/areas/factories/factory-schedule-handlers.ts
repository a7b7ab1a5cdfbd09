import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { InvalidRequestError, requireBodyObject } from "../../request-fields.ts";
import { CONFIG_NOT_FOUND } from "./factory-config-handlers.ts";
import { findFactory } from "./factory-configs.ts";
import { snapshot } from "./factory-runs.ts";
import {
  FACTORY_SCHEDULES,
  nextRunAt,
  readScheduleFields,
  type FactoryScheduleRecord,
  type ScheduleFields,
} from "./factory-schedules.ts";

const SCHEDULE_NOT_FOUND = "Factory schedule not found";

/** Checks that the schedule's factory config exists in the caller's account; the 400 messages are documented. */
function checkConfig(context: OperationContext, fields: ScheduleFields): void {
  if (fields.factoryConfigId.trim() === "")
    throw new InvalidRequestError("factoryConfigId required", "factoryConfigId");
  if (findFactory(context.store, context.account, fields.factoryConfigId) === undefined) {
    throw new InvalidRequestError(CONFIG_NOT_FOUND, "factoryConfigId");
  }
}

function scheduleResponse(record: FactoryScheduleRecord): MockResponse {
  return jsonResponse(200, { success: true, data: snapshot(record) });
}

export function listSchedules(context: OperationContext): MockResponse {
  const data = [...context.store.slot(context.account, FACTORY_SCHEDULES).values()].map((schedule) =>
    snapshot(schedule),
  );
  return jsonResponse(200, { success: true, data });
}

export function createSchedule(context: OperationContext): MockResponse {
  const body = requireBodyObject(context.request.json);
  const now = context.request.receivedAtEpochMs;
  if (typeof body["factoryConfigId"] !== "string" || body["factoryConfigId"].trim() === "") {
    throw new InvalidRequestError("factoryConfigId required", "factoryConfigId");
  }
  const fields = readScheduleFields(body, {}, now);
  checkConfig(context, fields);
  const record: FactoryScheduleRecord = {
    id: context.store.nextId("fac_sch"),
    userId: context.account.id,
    ...fields,
    nextRunAt: nextRunAt(fields, now),
    createdAt: now,
    updatedAt: now,
  };
  context.store.slot(context.account, FACTORY_SCHEDULES).set(record.id, record);
  return scheduleResponse(record);
}

export function updateSchedule(context: OperationContext): MockResponse {
  const schedules = context.store.slot(context.account, FACTORY_SCHEDULES);
  const existing = schedules.get(context.request.params["id"] ?? "");
  if (existing === undefined) return context.error(404, SCHEDULE_NOT_FOUND);
  const body = requireBodyObject(context.request.json);
  const now = context.request.receivedAtEpochMs;
  const {
    id: _id,
    userId: _userId,
    nextRunAt: _next,
    createdAt: _created,
    updatedAt: _updated,
    lastRunAt,
    ...base
  } = existing;
  const fields = readScheduleFields(body, base, now);
  checkConfig(context, fields);
  const record: FactoryScheduleRecord = {
    id: existing.id,
    userId: existing.userId,
    ...fields,
    ...(lastRunAt === undefined ? {} : { lastRunAt }),
    nextRunAt: nextRunAt(fields, now),
    createdAt: existing.createdAt,
    updatedAt: now,
  };
  schedules.set(record.id, record);
  return scheduleResponse(record);
}

export function deleteSchedule(context: OperationContext): MockResponse {
  const deleted = context.store
    .slot(context.account, FACTORY_SCHEDULES)
    .delete(context.request.params["id"] ?? "");
  return jsonResponse(200, { success: deleted });
}

/** Switches a disabled schedule to enabled (recomputing `nextRunAt`) and any other to disabled. */
export function toggleSchedule(context: OperationContext): MockResponse {
  const schedules = context.store.slot(context.account, FACTORY_SCHEDULES);
  const existing = schedules.get(context.request.params["id"] ?? "");
  if (existing === undefined) return context.error(404, SCHEDULE_NOT_FOUND);
  const now = context.request.receivedAtEpochMs;
  const enabling = existing.status === "disabled";
  const record: FactoryScheduleRecord = {
    ...existing,
    status: enabling ? "enabled" : "disabled",
    ...(enabling ? { nextRunAt: nextRunAt(existing, now) } : {}),
    updatedAt: now,
  };
  schedules.set(record.id, record);
  return scheduleResponse(record);
}
