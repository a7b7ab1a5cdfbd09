import { CHECK_FAMILIES, type CheckFamily } from "./check-family.ts";
import type { ContractCheck } from "./contract-check.ts";
import * as auth from "./checks/auth-rules.ts";
import {
  binaryContentMatchesType,
  binaryContentMatchesUpload,
  streamAudioMatchesFormat,
} from "./checks/binary-content-rules.ts";
import { responseBodyRule, responseHeaderValue } from "./checks/body-rules.ts";
import * as chatStream from "./checks/chat-stream-rules.ts";
import * as compatibility from "./checks/compatibility-rules.ts";
import * as consistency from "./checks/consistency-rules.ts";
import { chatJsonModeContent, embeddingDimensions } from "./checks/content-rules.ts";
import { documentedErrorStatus, successStatus } from "./checks/expected-status.ts";
import * as lifecycle from "./checks/lifecycle-rules.ts";
import * as masking from "./checks/masking-rules.ts";
import * as namespacing from "./checks/namespacing-rules.ts";
import * as conformance from "./checks/response-conformance.ts";
import { sseBase64Content, streamStopAfterContent } from "./checks/speech-stream-rules.ts";
import * as sse from "./checks/sse-stream-rules.ts";

/** Every contract check, in report order: conformance first, then the rule families. */
export const CHECK_REGISTRY: readonly ContractCheck[] = [
  conformance.responseReceived,
  conformance.statusCodeConformance,
  conformance.contentTypeConformance,
  conformance.responseSchemaConformance,
  conformance.responseHeaderConformance,
  successStatus,
  documentedErrorStatus,
  responseBodyRule,
  responseHeaderValue,
  chatJsonModeContent,
  embeddingDimensions,
  sse.sseStreamServed,
  sse.sseEventSchemaConformance,
  sse.sseEventTypeConformance,
  sse.sseCommentConformance,
  sse.sseEventDataParsable,
  sse.sseStreamComplete,
  sse.sseTerminatorLast,
  sse.sseErrorEvent,
  sse.sseFirstEvent,
  sseBase64Content,
  streamStopAfterContent,
  chatStream.chatStreamRoleFirst,
  chatStream.chatStreamStableIdentity,
  chatStream.chatStreamSingleFinishReason,
  chatStream.chatStreamToolCallDeltas,
  chatStream.chatStreamUsagePlacement,
  auth.authMissingKeyRejected,
  auth.authUnknownKeyRejected,
  auth.authMalformedKeyRejected,
  auth.authBearerWithoutPrefixRejected,
  auth.authXApiKeyAccepted,
  auth.authBearerMsqKeyAccepted,
  auth.authPublicOperationOpen,
  auth.authInvalidCredentialRejected,
  namespacing.namespacingForeignReadRejected,
  namespacing.namespacingForeignListExcluded,
  namespacing.namespacingListKeysUnique,
  namespacing.namespacingForeignChangeRejected,
  namespacing.namespacingForeignDeleteRejected,
  namespacing.namespacingForeignDeleteKept,
  namespacing.namespacingForeignUseRejected,
  namespacing.namespacingShareGrantsRecipient,
  namespacing.namespacingShareExcludesOthers,
  namespacing.authRevokedShareRejected,
  lifecycle.lifecycleCreateSucceeds,
  lifecycle.lifecycleReadAfterCreate,
  lifecycle.lifecycleListedAfterCreate,
  lifecycle.lifecycleUpdateSucceeds,
  lifecycle.lifecycleUpdateApplied,
  lifecycle.lifecycleDeleteSucceeds,
  lifecycle.lifecycleGoneAfterDelete,
  lifecycle.lifecycleRunFinishes,
  masking.maskingStoredSecretHidden,
  masking.maskingCredentialFieldsMasked,
  binaryContentMatchesType,
  binaryContentMatchesUpload,
  streamAudioMatchesFormat,
  consistency.consistencyFileContent,
  consistency.consistencyUsageGrowth,
  consistency.consistencySharedAgentAnswers,
  consistency.consistencyListedTarget,
  compatibility.compatibilitySdkChat,
  compatibility.compatibilitySdkChatStream,
  compatibility.compatibilitySdkChatTools,
  compatibility.compatibilitySdkEmbeddings,
];

const byId = new Map(CHECK_REGISTRY.map((check) => [check.id, check]));
if (byId.size !== CHECK_REGISTRY.length) throw new Error("Two contract checks share an id.");

/** Returns the check with this id; throws for an unknown id, listing the valid ones. */
export function checkById(id: string): ContractCheck {
  const check = byId.get(id);
  if (check === undefined)
    throw new Error(`Unknown contract check "${id}". Valid checks: ${[...byId.keys()].join(", ")}.`);
  return check;
}

/** Returns the family of a check id; ids outside the registry belong to no family. */
export function familyOf(id: string): CheckFamily | undefined {
  return byId.get(id)?.family;
}

/** Number of checks per family, for coverage reports. */
export function checksPerFamily(): Record<CheckFamily, number> {
  const counts = Object.fromEntries(CHECK_FAMILIES.map((family) => [family, 0])) as Record<
    CheckFamily,
    number
  >;
  for (const check of CHECK_REGISTRY) counts[check.family] += 1;
  return counts;
}
