import type { Credential, MultipartField } from "../../src/http/exchange.ts";
import type { HttpClient } from "../../src/http/http-client.ts";
import type { Exchange } from "../../src/http/exchange.ts";
import type { OperationInfo, ValidatorRegistry } from "../../src/validation/validator-registry.ts";

/** One exchange together with the operation it exercised. */
export interface Call {
  readonly operation: OperationInfo;
  readonly exchange: Exchange;
}

export interface CallOptions {
  /** Values of the path template's `{name}` parameters. */
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly multipart?: readonly MultipartField[];
  readonly bytes?: { readonly contentType: string; readonly data: Uint8Array };
  /** Header the key travels in; x-api-key by default. */
  readonly scheme?: "x-api-key" | "bearer";
  /** Replaces the account's credential, for auth probes. */
  readonly credential?: Credential;
  readonly timeoutMs?: number;
}

/** Sends requests to operations of the spec as one account. */
export class AccountClient {
  constructor(
    private readonly http: HttpClient,
    private readonly validators: ValidatorRegistry,
    /** The account's key and its variable; undefined for anonymous requests. */
    private readonly account: { readonly key: string; readonly variable: string } | undefined,
  ) {}

  /** Calls `operationId` with the given parameters and body and returns the recorded exchange. */
  async call(operationId: string, options: CallOptions = {}): Promise<Call> {
    const operation = this.validators.operation(operationId);
    const credential: Credential =
      options.credential ??
      (this.account === undefined
        ? { scheme: "none" }
        : { scheme: options.scheme ?? "x-api-key", key: this.account.key, variable: this.account.variable });
    const exchange = await this.http.send({
      method: operation.method,
      path: fillPath(operation.path, options.params ?? {}),
      credential,
      ...(options.query === undefined ? {} : { query: options.query }),
      ...(options.headers === undefined ? {} : { headers: options.headers }),
      ...(options.json === undefined ? {} : { json: options.json }),
      ...(options.multipart === undefined ? {} : { multipart: options.multipart }),
      ...(options.bytes === undefined ? {} : { bytes: options.bytes }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    return { operation, exchange };
  }
}

/** Replaces each `{name}` of a path template with the URL-encoded parameter value. */
export function fillPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([^}/]+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Path ${template} needs the parameter ${name}.`);
    // URL parsing drops "." and ".." segments, encoded or not, so the request would reach another route.
    if (value === "" || value === "." || value === "..") {
      throw new Error(
        `Invalid ${name} ${JSON.stringify(value)} for path ${template}: an empty, "." or ".." segment changes the route. Use an id with other characters.`,
      );
    }
    return encodeURIComponent(value);
  });
}
