import { closestNames } from "./closest-names.ts";

/** An operationId that the spec does not define. The message names the closest known ids. */
export class UnknownOperationError extends Error {
  override readonly name = "UnknownOperationError";

  constructor(operationId: string, knownIds: Iterable<string>) {
    const closest = closestNames(operationId, knownIds);
    super(
      `Unknown operationId "${operationId}"; the closest known ids are ${closest.join(", ")}. ` +
        "Use an operationId from the spec; `msq-harness spec coverage` lists them all.",
    );
  }
}
