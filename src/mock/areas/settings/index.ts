import type { MockArea } from "../../area.ts";
import {
  createConfigAgentChat,
  getConfigAgentChat,
  getConfigAgentStatus,
  provisionConfigAgent,
  saveConfigAgentChat,
} from "./config-agent.ts";
import { SETTINGS_FAULTS } from "./settings-faults.ts";
import { getUserSettings, updateUserSettings } from "./user-settings.ts";

/** Account settings (utility agent choices) and the config agent with its saved conversation. */
export const settingsArea: MockArea = {
  name: "settings",
  operations: [
    {
      operationId: "getUserSettings",
      method: "GET",
      path: "/v1/core/user/settings",
      handle: getUserSettings,
    },
    {
      operationId: "updateUserSettings",
      method: "PUT",
      path: "/v1/core/user/settings",
      handle: updateUserSettings,
    },
    {
      operationId: "getConfigAgentStatus",
      method: "GET",
      path: "/v1/core/config-agent/status",
      handle: getConfigAgentStatus,
    },
    {
      operationId: "provisionConfigAgent",
      method: "POST",
      path: "/v1/core/config-agent/provision",
      handle: provisionConfigAgent,
    },
    {
      operationId: "getConfigAgentChat",
      method: "GET",
      path: "/v1/core/config-agent/chat",
      handle: getConfigAgentChat,
    },
    {
      operationId: "saveConfigAgentChat",
      method: "POST",
      path: "/v1/core/config-agent/chat",
      handle: saveConfigAgentChat,
    },
    {
      operationId: "createConfigAgentChat",
      method: "POST",
      path: "/v1/core/config-agent/chat/new",
      handle: createConfigAgentChat,
    },
  ],
  faults: Object.values(SETTINGS_FAULTS),
};
