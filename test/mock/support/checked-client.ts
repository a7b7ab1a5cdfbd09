import type { RunningMock } from "../../../src/mock/server.ts";
import type { ValidatorRegistry } from "../../../src/validation/validator-registry.ts";
import { expectConforms } from "./contract-checks.ts";
import { sendRequest, type Caller, type MockExchange } from "./mock-exchange.ts";

/** A client of one running mock that checks every response against the spec. */
export class CheckedClient {
  constructor(
    readonly mock: RunningMock,
    private readonly registry: ValidatorRegistry,
  ) {}

  async call(
    caller: Caller,
    operationId: string,
    method: string,
    path: string,
    json?: unknown,
    headers?: Readonly<Record<string, string>>,
  ): Promise<MockExchange> {
    const exchange = await sendRequest(this.mock.origin, caller, method, path, json, headers);
    expectConforms(this.registry, operationId, exchange);
    return exchange;
  }
}
