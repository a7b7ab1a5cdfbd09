import type { MockArea } from "../../area.ts";
import {
  createFactory,
  deleteFactory,
  getFactory,
  listFactories,
  listFactoryRuns,
  updateFactory,
} from "./factory-config-handlers.ts";
import { FACTORY_FAULTS } from "./factory-faults.ts";
import {
  cancelRun,
  getHydratedStepRun,
  getRun,
  getStepRun,
  listStepRuns,
  pauseRun,
  resumeRun,
  startRun,
  streamRun,
} from "./factory-run-handlers.ts";
import {
  createSchedule,
  deleteSchedule,
  listSchedules,
  toggleSchedule,
  updateSchedule,
} from "./factory-schedule-handlers.ts";

const RUN_PATH = "/v1/core/factory-runs/{runId}";
const STEP_PATH = `${RUN_PATH}/steps/{stepRunId}`;

/**
 * Factories: configs that chain agent and workflow steps, runs that execute them on the timing
 * scheduler with a live SSE stream, pause, resume and cancel, and schedules with their UTC
 * `nextRunAt`. Workflow steps start real workflow runs of the workflows area.
 * NOTE: schedules compute `nextRunAt` but never start runs, since the mock keeps no wall-clock timers.
 */
export const factoriesArea: MockArea = {
  name: "factories",
  operations: [
    { operationId: "listFactories", method: "GET", path: "/v1/core/factories", handle: listFactories },
    { operationId: "createFactory", method: "POST", path: "/v1/core/factories", handle: createFactory },
    { operationId: "getFactory", method: "GET", path: "/v1/core/factories/{id}", handle: getFactory },
    { operationId: "updateFactory", method: "PUT", path: "/v1/core/factories/{id}", handle: updateFactory },
    {
      operationId: "deleteFactory",
      method: "DELETE",
      path: "/v1/core/factories/{id}",
      handle: deleteFactory,
    },
    {
      operationId: "listFactoryRuns",
      method: "GET",
      path: "/v1/core/factories/{id}/runs",
      handle: listFactoryRuns,
    },
    { operationId: "startFactoryRun", method: "POST", path: "/v1/core/factory-runs", handle: startRun },
    { operationId: "getFactoryRun", method: "GET", path: RUN_PATH, handle: getRun },
    { operationId: "listFactoryStepRuns", method: "GET", path: `${RUN_PATH}/steps`, handle: listStepRuns },
    { operationId: "getFactoryStepRun", method: "GET", path: STEP_PATH, handle: getStepRun },
    {
      operationId: "getHydratedFactoryStepRun",
      method: "GET",
      path: `${STEP_PATH}/hydrated`,
      handle: getHydratedStepRun,
    },
    { operationId: "streamFactoryRun", method: "GET", path: `${RUN_PATH}/stream`, handle: streamRun },
    { operationId: "pauseFactoryRun", method: "POST", path: `${RUN_PATH}/pause`, handle: pauseRun },
    { operationId: "resumeFactoryRun", method: "POST", path: `${RUN_PATH}/resume`, handle: resumeRun },
    { operationId: "cancelFactoryRun", method: "POST", path: `${RUN_PATH}/cancel`, handle: cancelRun },
    {
      operationId: "listFactorySchedules",
      method: "GET",
      path: "/v1/core/factory-schedules",
      handle: listSchedules,
    },
    {
      operationId: "createFactorySchedule",
      method: "POST",
      path: "/v1/core/factory-schedules",
      handle: createSchedule,
    },
    {
      operationId: "updateFactorySchedule",
      method: "PUT",
      path: "/v1/core/factory-schedules/{id}",
      handle: updateSchedule,
    },
    {
      operationId: "deleteFactorySchedule",
      method: "DELETE",
      path: "/v1/core/factory-schedules/{id}",
      handle: deleteSchedule,
    },
    {
      operationId: "toggleFactorySchedule",
      method: "POST",
      path: "/v1/core/factory-schedules/{id}/toggle",
      handle: toggleSchedule,
    },
  ],
  faults: Object.values(FACTORY_FAULTS),
};
