import type { ContractFailure } from "../validation/contract-failure.ts";
import type { CheckFamily } from "./check-family.ts";

/** A failure as reports show it: the contract failure plus how to reproduce it. */
export interface ReportedFailure extends ContractFailure {
  /** curl command that repeats the request, with `$MSQ_API_KEY` in place of the key. */
  readonly curl: string;
  /** One line: method, concrete path and outcome. */
  readonly exchange: string;
}

export type CheckResult = "pass" | "fail" | "skip";

/** The outcome of one check on one operation within one test. */
export interface CheckRecord {
  /** Label of the target the check ran against (see NamedTarget). */
  readonly run: string;
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly check: string;
  readonly family: CheckFamily;
  readonly outcome: CheckResult;
  /** True when the checked response or schema is marked x-inferred in the spec. */
  readonly inferred: boolean;
  /** Reason the check was skipped. */
  readonly reason?: string;
  readonly failures: readonly ReportedFailure[];
}

/** Data a contract test stores in its vitest task meta for the reporter. */
export interface ContractTaskMeta {
  records: CheckRecord[];
}

declare module "@vitest/runner" {
  interface TaskMeta {
    contract?: ContractTaskMeta;
  }
}
