/** One recorded call of a webhook: a trigger, a skipped trigger or an OAuth callback. */
export interface ExecutionRecord {
  readonly executionId: string;
  readonly webhookId: string;
  readonly username: string;
  /** ISO time of the call. */
  readonly triggeredAt: string;
  /** The inbound payload as received, never the transformed one. */
  readonly payload: unknown;
  readonly deliveryId?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly skippedReason?: "conditions_not_met" | "ping";
  /** Scheduler time at which the execution ends; until then it reads `running`. */
  readonly completesAt: number;
  /** Run time of the execution, in ms. */
  readonly durationMs: number;
  readonly outcome: ExecutionOutcome;
}

export interface ExecutionOutcome {
  readonly success: boolean;
  readonly statusCode: number;
  readonly response?: unknown;
  readonly error?: string;
}

/** Executions kept per webhook; a busy trigger drops the oldest past this count. */
export const MAX_EXECUTIONS_PER_WEBHOOK = 1000;

/** Appends `record` to `executions` (oldest first), dropping the oldest past the limit. */
export function appendExecution(executions: ExecutionRecord[], record: ExecutionRecord): void {
  executions.push(record);
  if (executions.length > MAX_EXECUTIONS_PER_WEBHOOK)
    executions.splice(0, executions.length - MAX_EXECUTIONS_PER_WEBHOOK);
}

/** Builds the execution as `GET /v1/webhooks/{webhookId}/executions` lists it at scheduler time `now`. */
export function executionView(record: ExecutionRecord, now: number): Record<string, unknown> {
  const view: Record<string, unknown> = {
    executionId: record.executionId,
    webhookId: record.webhookId,
    username: record.username,
    triggeredAt: record.triggeredAt,
    payload: record.payload,
  };
  if (record.deliveryId !== undefined) view["deliveryId"] = record.deliveryId;
  if (record.sourceIp !== undefined) view["sourceIp"] = record.sourceIp;
  if (record.userAgent !== undefined) view["userAgent"] = record.userAgent;

  if (record.skippedReason !== undefined) {
    return {
      ...view,
      success: true,
      duration: record.durationMs,
      statusCode: 200,
      status: "skipped",
      skippedReason: record.skippedReason,
    };
  }
  if (now < record.completesAt) return { ...view, success: false, duration: 0, status: "running" };
  const { outcome } = record;
  return {
    ...view,
    success: outcome.success,
    duration: record.durationMs,
    statusCode: outcome.statusCode,
    status: outcome.success ? "success" : "failed",
    ...(outcome.response === undefined ? {} : { response: outcome.response }),
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
  };
}
