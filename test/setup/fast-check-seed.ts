import fc from "fast-check";
import { isCi } from "../../src/bench/environment.ts";

// Property tests draw new inputs on every local run. In CI they use one fixed seed, so a failed build
// can be replayed. FC_SEED=<seed> replays any run, such as the one whose seed a failure printed.

const CI_SEED = 1;

const configuredSeed = process.env["FC_SEED"];
if (configuredSeed !== undefined && configuredSeed !== "") {
  const seed = Number(configuredSeed);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(
      `Invalid FC_SEED ${JSON.stringify(configuredSeed)}: set it to an integer, such as the seed a failed property printed.`,
    );
  }
  fc.configureGlobal({ seed });
} else if (isCi()) {
  fc.configureGlobal({ seed: CI_SEED });
}
