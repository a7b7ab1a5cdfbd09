import type { SniffedType } from "./binary-sniff.ts";

/**
 * The expectation of a suite for one exchange. Generic checks (status, schema, SSE framing) apply
 * to every exchange. The checks of a rule (auth, namespacing, lifecycle, ...) apply only to
 * exchanges whose intent names that rule, and read their expected values from the intent.
 */
export type ExchangeIntent =
  | SuccessIntent
  | AuthProbeIntent
  | AuthRejectionIntent
  | ExpectedStatusIntent
  | LifecycleIntent
  | ForeignAccessIntent
  | ShareAccessIntent
  | MaskingIntent
  | BinaryContentIntent
  | ConsistencyIntent
  | SdkCallIntent
  | StreamErrorIntent
  | BodyRuleIntent
  | NamespaceKeysIntent
  | HeaderValueIntent
  | StreamAudioIntent;

/** A call that must succeed with a 2xx status. */
export interface SuccessIntent {
  readonly kind: "success";
}

/** The credential variants sent to every secured operation. */
export type AuthProbe =
  | "missing-key"
  | "unknown-key"
  | "malformed-key"
  | "bearer-without-msq-prefix"
  | "x-api-key"
  | "bearer-msq-key"
  | "public-without-key";

export interface AuthProbeIntent {
  readonly kind: "auth-probe";
  readonly probe: AuthProbe;
}

/** A request whose credential the operation must refuse with one of `statuses`. */
export interface AuthRejectionIntent {
  readonly kind: "auth-rejection";
  readonly statuses: readonly number[];
  /** The case, such as "the X-Webhook-Secret header is wrong". */
  readonly reason: string;
}

/** A documented error case: the request is built to get one of `statuses`. */
export interface ExpectedStatusIntent {
  readonly kind: "expected-status";
  readonly statuses: readonly number[];
  /** The documented case, such as "sessionId is blank". */
  readonly reason: string;
}

/** Extractor of the resource ids that a list response contains. */
export type ListedIds = (body: unknown) => readonly string[];

export type LifecycleIntent =
  | { readonly kind: "lifecycle"; readonly step: "create"; readonly resource: string; readonly id?: string }
  | {
      readonly kind: "lifecycle";
      readonly step: "read";
      readonly resource: string;
      readonly id: string;
      readonly idIn: ListedIds;
    }
  | {
      readonly kind: "lifecycle";
      readonly step: "list";
      readonly resource: string;
      readonly id: string;
      readonly expected: "present" | "absent";
      readonly listedIds: ListedIds;
    }
  | {
      readonly kind: "lifecycle";
      readonly step: "update";
      readonly resource: string;
      readonly id: string;
    }
  | {
      readonly kind: "lifecycle";
      readonly step: "read-after-update";
      readonly resource: string;
      readonly id: string;
      /** Returns a description of each updated field that does not show the new value. */
      readonly unapplied: (body: unknown) => readonly string[];
    }
  | { readonly kind: "lifecycle"; readonly step: "delete"; readonly resource: string; readonly id: string }
  | {
      readonly kind: "lifecycle";
      readonly step: "read-after-delete";
      readonly resource: string;
      readonly id: string;
    }
  | {
      readonly kind: "lifecycle";
      readonly step: "run-finished";
      readonly resource: string;
      readonly id: string;
      /** Terminal statuses that count as the expected outcome, such as ["completed"]. */
      readonly expectedStatuses: readonly string[];
      readonly statusOf: (body: unknown) => string | undefined;
    };

/** A second account acting on what the first created. */
export interface ForeignAccessIntent {
  readonly kind: "foreign-access";
  readonly action: "read" | "list" | "change" | "delete" | "use" | "owner-read-after-foreign-delete";
  readonly resource: string;
  /** The first account's resource id or name. */
  readonly id: string;
  /** For `list`: the ids a list body shows. */
  readonly listedIds?: ListedIds;
}

/**
 * A list whose entries are keyed per account (such as collections by safeName). The same key twice
 * means entries of other accounts leaked into the caller's list.
 */
export interface NamespaceKeysIntent {
  readonly kind: "namespace-keys";
  readonly resource: string;
  readonly keysOf: ListedIds;
}

/** Access to a shared resource by the recipient, another account, or after revocation. */
export interface ShareAccessIntent {
  readonly kind: "share-access";
  readonly who: "recipient" | "non-recipient" | "revoked-recipient";
  readonly resource: string;
  readonly id: string;
}

/** A read that must not reveal stored credentials. */
export interface MaskingIntent {
  readonly kind: "masking";
  /** Secret values stored earlier; none may appear in the body. */
  readonly secrets: readonly string[];
}

/** A binary body whose bytes must match its declared type; `sniffed` comes from `sniffResponseBody`. */
export interface BinaryContentIntent {
  readonly kind: "binary-content";
  readonly sniffed: SniffedType;
  /** The exact bytes the body must hold, such as those of an upload. */
  readonly expectedBytes?: Uint8Array;
}

/** A documented rule about a response body that its JSON schema cannot express. */
export interface BodyRuleIntent {
  readonly kind: "body-rule";
  /** The rule in words, as the spec documents it. */
  readonly rule: string;
  /** Returns a description of each violation; empty when the body keeps the rule. */
  readonly problems: (body: unknown) => readonly string[];
}

/** A response header that must hold a value the request determines, such as the uploaded Content-Type. */
export interface HeaderValueIntent {
  readonly kind: "header-value";
  /** Lowercase header name. */
  readonly header: string;
  /**
   * The expected value; for content-type, only the media type essence is compared. Undefined
   * requires only that the header is present and not empty.
   */
  readonly expected: string | undefined;
}

/** The audio of an SSE stream (its joined base64 chunks) must be a file of the requested format. */
export interface StreamAudioIntent {
  readonly kind: "stream-audio";
  /** The requested format as a media type, such as audio/mpeg. */
  readonly mediaType: string;
  readonly sniffed: SniffedType;
  readonly bytes: number;
}

/** A comparison between what two endpoints return. */
export interface ConsistencyIntent {
  readonly kind: "consistency";
  readonly rule: "file-content" | "usage-growth" | "shared-agent-answers" | "listed-target";
  /** Returns a description of each mismatch; empty when consistent. */
  readonly mismatches: (body: unknown) => readonly string[];
  /** The expectation in words, for the report. */
  readonly documented: string;
}

/** An exchange made by the official openai SDK. */
export interface SdkCallIntent {
  readonly kind: "sdk-call";
  readonly call: "chat" | "chat-stream" | "chat-tools" | "embeddings";
  /** The SDK's error, or each problem found in what the SDK returned. */
  readonly problems: readonly string[];
}

/** A stream that is expected to carry an in-band error event. */
export interface StreamErrorIntent {
  readonly kind: "stream-error";
}
