import type { MockArea } from "../area.ts";
import { agentsArea } from "./agents/index.ts";
import { audioArea } from "./audio/index.ts";
import { chatArea } from "./chat/index.ts";
import { collectionsArea } from "./collections/index.ts";
import { embeddingsArea } from "./embeddings/index.ts";
import { factoriesArea } from "./factories/index.ts";
import { filesArea } from "./files/index.ts";
import { mcpServersArea } from "./mcp-servers/index.ts";
import { modelsArea } from "./models/index.ts";
import { providersArea } from "./providers/index.ts";
import { publicAgentsArea } from "./public-agents/index.ts";
import { settingsArea } from "./settings/index.ts";
import { usageArea } from "./usage/index.ts";
import { utilitiesArea } from "./utilities/index.ts";
import { vectorStoresArea } from "./vector-stores/index.ts";
import { videoArea } from "./video/index.ts";
import { voicesArea } from "./voices/index.ts";
import { webhooksArea } from "./webhooks/index.ts";
import { workflowsArea } from "./workflows/index.ts";

/**
 * Every area the mock serves. Adding an area is one module under `areas/` plus one line here;
 * seeding runs in this order, so areas that seed on top of others come after them.
 */
export const AREAS: readonly MockArea[] = [
  providersArea,
  modelsArea,
  chatArea,
  embeddingsArea,
  audioArea,
  voicesArea,
  filesArea,
  vectorStoresArea,
  webhooksArea,
  mcpServersArea,
  videoArea,
  agentsArea,
  settingsArea,
  publicAgentsArea,
  collectionsArea,
  usageArea,
  utilitiesArea,
  workflowsArea,
  factoriesArea,
];
