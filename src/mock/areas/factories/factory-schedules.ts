import { InvalidRequestError, isJsonObject, typeName, type JsonObject } from "../../request-fields.ts";
import { defineAccountSlot } from "../../store.ts";

export type RepeatInterval = "once" | "daily" | "weekly" | "monthly";
export type ScheduleStatus = "enabled" | "disabled" | "running";

/** A `FactoryScheduleRecord`. All times of day are UTC. */
export interface FactoryScheduleRecord {
  readonly id: string;
  readonly userId: string;
  readonly factoryConfigId: string;
  readonly label?: string;
  readonly startDate: number;
  readonly timesToRun: readonly { readonly hour: number; readonly minute: number }[];
  readonly repeatInterval: RepeatInterval;
  readonly daysOfWeek?: readonly number[];
  readonly dayOfMonth?: number;
  readonly status: ScheduleStatus;
  readonly lastRunAt?: number;
  readonly nextRunAt: number;
  readonly initialCarryPayload?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Each account's factory schedules by id, oldest first. */
export const FACTORY_SCHEDULES = defineAccountSlot(
  "factory-schedules",
  () => new Map<string, FactoryScheduleRecord>(),
);

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days searched for the next start; a monthly schedule on the 31st finds one within two months. */
const SEARCH_DAYS = 400;

/** The fields of a schedule write that the caller may set. */
export type ScheduleFields = Omit<
  FactoryScheduleRecord,
  "id" | "userId" | "nextRunAt" | "createdAt" | "updatedAt" | "lastRunAt"
>;

/**
 * Reads and validates the writable fields of a schedule, merged onto `base` for an update.
 * `factoryConfigId` is checked by the caller, because its 400 message is documented.
 * @throws InvalidRequestError naming the field and the value received.
 */
export function readScheduleFields(
  body: JsonObject,
  base: Partial<ScheduleFields>,
  now: number,
): ScheduleFields {
  const merged: JsonObject = { ...base, ...body };
  const timesToRun = merged["timesToRun"];
  if (!Array.isArray(timesToRun) || timesToRun.length === 0)
    throw new InvalidRequestError("timesToRun required", "timesToRun");
  const times = timesToRun.map((time: unknown, index) => {
    const hour = isJsonObject(time) ? time["hour"] : undefined;
    const minute = isJsonObject(time) ? time["minute"] : undefined;
    if (!isInteger(hour, 0, 23) || !isInteger(minute, 0, 59)) {
      throw new InvalidRequestError(
        `timesToRun[${index}] must be { hour: 0-23, minute: 0-59 } in UTC, received ${typeName(time)}.`,
        "timesToRun",
      );
    }
    return { hour, minute };
  });

  const repeatInterval = merged["repeatInterval"] ?? "once";
  if (
    repeatInterval !== "once" &&
    repeatInterval !== "daily" &&
    repeatInterval !== "weekly" &&
    repeatInterval !== "monthly"
  ) {
    throw new InvalidRequestError(
      `repeatInterval must be once, daily, weekly or monthly, received ${typeName(repeatInterval)}.`,
      "repeatInterval",
    );
  }
  const status = merged["status"] ?? "enabled";
  if (status !== "enabled" && status !== "disabled" && status !== "running") {
    throw new InvalidRequestError(
      `status must be enabled, disabled or running, received ${typeName(status)}.`,
      "status",
    );
  }
  const startDate = merged["startDate"] ?? now;
  if (typeof startDate !== "number" || !Number.isFinite(startDate) || startDate < 0) {
    throw new InvalidRequestError(
      `startDate must be Unix time in ms, received ${typeName(startDate)}.`,
      "startDate",
    );
  }
  const daysOfWeek = merged["daysOfWeek"];
  if (
    daysOfWeek !== undefined &&
    (!Array.isArray(daysOfWeek) || daysOfWeek.some((day) => !isInteger(day, 0, 6)))
  ) {
    throw new InvalidRequestError(
      "daysOfWeek must be an array of days 0 (Sunday) to 6 (Saturday).",
      "daysOfWeek",
    );
  }
  const dayOfMonth = merged["dayOfMonth"];
  if (dayOfMonth !== undefined && !isInteger(dayOfMonth, 1, 31)) {
    throw new InvalidRequestError(
      `dayOfMonth must be an integer 1-31, received ${typeName(dayOfMonth)}.`,
      "dayOfMonth",
    );
  }
  const text = (name: string): Record<string, string> => {
    const value = merged[name];
    if (value === undefined) return {};
    if (typeof value !== "string")
      throw new InvalidRequestError(`${name} must be a string, received ${typeName(value)}.`, name);
    return { [name]: value };
  };

  return {
    factoryConfigId: String(merged["factoryConfigId"] ?? ""),
    ...text("label"),
    startDate,
    timesToRun: times,
    repeatInterval,
    ...(daysOfWeek === undefined ? {} : { daysOfWeek: daysOfWeek as number[] }),
    ...(dayOfMonth === undefined ? {} : { dayOfMonth: dayOfMonth as number }),
    status,
    ...text("initialCarryPayload"),
  };
}

/**
 * Computes the next start of a schedule at or after `now` (and not before `startDate`), in UTC.
 * A weekly schedule without `daysOfWeek` runs on the weekday of `startDate`, a monthly one without
 * `dayOfMonth` on its day of the month. A monthly day past the end of a month (the 31st in
 * April) falls on that month's last day.
 */
export function nextRunAt(fields: ScheduleFields, now: number): number {
  const from = Math.max(fields.startDate, now);
  const anchor = new Date(fields.startDate);
  const firstDay = Date.UTC(
    new Date(from).getUTCFullYear(),
    new Date(from).getUTCMonth(),
    new Date(from).getUTCDate(),
  );
  const times = [...fields.timesToRun].sort((a, b) => a.hour * 60 + a.minute - (b.hour * 60 + b.minute));
  const weekdays =
    fields.daysOfWeek !== undefined && fields.daysOfWeek.length > 0
      ? new Set(fields.daysOfWeek)
      : new Set([anchor.getUTCDay()]);
  const monthDay = fields.dayOfMonth ?? anchor.getUTCDate();

  for (let offset = 0; offset < SEARCH_DAYS; offset += 1) {
    const day = new Date(firstDay + offset * DAY_MS);
    if (!runsOn(fields.repeatInterval, day, weekdays, monthDay)) continue;
    for (const time of times) {
      const at = day.getTime() + (time.hour * 60 + time.minute) * 60_000;
      if (at >= from) return at;
    }
  }
  // Every interval has a start within SEARCH_DAYS days, so this line is not reached.
  return from;
}

function runsOn(
  interval: RepeatInterval,
  day: Date,
  weekdays: ReadonlySet<number>,
  monthDay: number,
): boolean {
  if (interval === "weekly") return weekdays.has(day.getUTCDay());
  if (interval === "monthly") {
    const lastDay = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)).getUTCDate();
    return day.getUTCDate() === Math.min(monthDay, lastDay);
  }
  return true;
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}
