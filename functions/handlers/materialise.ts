import middy from "@middy/core";
import { previousQuarter } from "../../schemas/quarter.ts";
import { createRuntimeFromEnv, type Runtime } from "../compose.ts";
import { ConfigError } from "../config.ts";
import { type MaterialiseResult, materialiseAggregates } from "../core/materialise.ts";
import { InvalidEventError, materialiseEvent } from "./events.ts";

function quarterOf(d: Date): string {
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/**
 * Builds the IGJ aggregate tables for one quarter (`{"quarter":"YYYY-Qn"}`), or, when the
 * schedule calls it without one, for the quarter that has just ended.
 */
export function createMaterialiseHandler(getRuntime: () => Promise<Runtime>) {
  return middy<unknown, MaterialiseResult>().handler(async (event) => {
    const parsed = materialiseEvent.safeParse(event ?? {});
    if (!parsed.success) throw new InvalidEventError('expected {"quarter": "YYYY-Qn"} or a scheduled event');
    const runtime = await getRuntime();
    const quarter = parsed.data.quarter ?? previousQuarter(quarterOf(runtime.ports.clock.now()));
    if (!runtime.aggregates) throw new ConfigError("the aggregates database and bucket are not configured");
    const engine = await runtime.openQueryEngine();
    try {
      const result = await materialiseAggregates({
        engine,
        store: runtime.store,
        locations: (await runtime.loadLocations()).map((l) => l.code),
        quarter,
      });
      runtime.ports.logger.info("aggregates materialised", { quarter, tables: result.tables.length });
      return result;
    } finally {
      await engine.close();
    }
  });
}

let runtime: Promise<Runtime> | undefined;
export const handler = createMaterialiseHandler(() => (runtime ??= createRuntimeFromEnv(process.env)));
