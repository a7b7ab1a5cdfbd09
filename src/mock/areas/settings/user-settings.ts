import type { OperationContext } from "../../area.ts";
import { jsonResponse, type MockResponse } from "../../mock-response.ts";
import { isJsonObject, typeName } from "../../request-fields.ts";
import type { Account } from "../../store.ts";
import { SETTINGS_FAULTS } from "./settings-faults.ts";
import { USER_SETTINGS, type UtilityAgents } from "./settings-records.ts";

const UTILITY_AGENT_KEYS = ["titleAgent", "configAgent"] as const;

/** Builds the `UserSettings` of an account. `updatedAt` is 0 until the account first changes them. */
function settingsView(context: OperationContext, account: Account): Record<string, unknown> {
  const record = context.store.slot(account, USER_SETTINGS);
  return { userId: account.id, utilityAgents: { ...record.utilityAgents }, updatedAt: record.updatedAt ?? 0 };
}

export function getUserSettings(context: OperationContext): MockResponse {
  const first = context.store.accounts()[0];
  const account =
    context.faults.has(SETTINGS_FAULTS.readAcrossAccounts) && first !== undefined ? first : context.account;
  return jsonResponse(200, { success: true, settings: settingsView(context, account) });
}

/** Builds the 400 response for an invalid settings body, with the documented `Invalid payload` message. */
function invalidPayload(context: OperationContext, dataPath: string, problem: string): MockResponse {
  return context.error(400, `Invalid payload: ${dataPath} ${problem}`, { dataPath });
}

/**
 * Updates the keys present in the body. Each utility agent is a non-empty string, or null to clear
 * it. Anything else gets 400 `Invalid payload`.
 */
export function updateUserSettings(context: OperationContext): MockResponse {
  const body = context.request.json;
  if (!isJsonObject(body))
    return invalidPayload(context, "body", `must be a JSON object, received ${typeName(body)}.`);
  const utilityAgents = body["utilityAgents"];
  const changes: Partial<UtilityAgents> = {};
  if (utilityAgents !== undefined) {
    if (!isJsonObject(utilityAgents)) {
      return invalidPayload(
        context,
        "utilityAgents",
        `must be an object, received ${typeName(utilityAgents)}.`,
      );
    }
    const emptyAllowed = context.faults.has(SETTINGS_FAULTS.emptyStringAccepted);
    for (const key of UTILITY_AGENT_KEYS) {
      const value = utilityAgents[key];
      if (value === undefined) continue;
      const valid = value === null || (typeof value === "string" && (value !== "" || emptyAllowed));
      if (!valid) {
        return invalidPayload(
          context,
          `utilityAgents.${key}`,
          `must be an agent name or null, received ${typeName(value)}.`,
        );
      }
      changes[key] = value as string | null;
    }
  }
  const record = context.store.slot(context.account, USER_SETTINGS);
  Object.assign(record.utilityAgents, changes);
  record.updatedAt = context.request.receivedAtEpochMs;
  return jsonResponse(200, { success: true, settings: settingsView(context, context.account) });
}
