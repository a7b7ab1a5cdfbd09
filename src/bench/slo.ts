import { ConfigError } from "../config/config-error.ts";

/**
 * Service level objectives for goodput, in milliseconds, named as vLLM's `--goodput` names them:
 * a request is good when it succeeded and each stated metric is at or below its limit.
 */
export interface Slo {
  readonly ttft?: number;
  readonly tpot?: number;
  readonly e2el?: number;
}

const SLO_NAMES = ["ttft", "tpot", "e2el"] as const;

/** Parses `--goodput ttft:500 tpot:50 e2el:3000` (vLLM's syntax; values in milliseconds). */
export function parseSlo(items: readonly string[]): Slo {
  const slo: { ttft?: number; tpot?: number; e2el?: number } = {};
  for (const item of items) {
    const [name, value, extra] = item.split(":");
    const limit = Number(value);
    if (
      extra !== undefined ||
      !isSloName(name) ||
      value === undefined ||
      !Number.isFinite(limit) ||
      limit <= 0
    ) {
      throw new ConfigError(
        `--goodput: invalid SLO "${item}". Use NAME:MILLISECONDS with NAME one of ${SLO_NAMES.join(", ")}, ` +
          "for example --goodput ttft:500 tpot:50.",
      );
    }
    slo[name] = limit;
  }
  return slo;
}

export function isSloEmpty(slo: Slo): boolean {
  return slo.ttft === undefined && slo.tpot === undefined && slo.e2el === undefined;
}

function isSloName(name: string | undefined): name is (typeof SLO_NAMES)[number] {
  return name !== undefined && (SLO_NAMES as readonly string[]).includes(name);
}
