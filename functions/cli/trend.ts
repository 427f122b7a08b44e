import type { Runtime } from "../compose.ts";
import {
  checkQuarterRange,
  loadTrendData,
  parsePeriods,
  type TrendResult,
  trendFromData,
} from "../core/trend.ts";
import { formatPerLocation, type LocationTrend, perLocationTrend } from "../core/trend-locations.ts";
import { formatTrend } from "../core/trend-text.ts";
import { UserError } from "../errors.ts";
import type { Io } from "./main.ts";

/**
 * `vbm-monitor trend --from Q --to Q --periods A..B,C..D,… [--per-location] [--json]`: the trend
 * analysis of seclusion (functions/core/trend.ts), locally on DuckDB or with VBM_MODE=aws on
 * Athena. `--per-location` adds seclusions and rates per location and period for the
 * facilitator (functions/core/trend-locations.ts: `<5` and `x`, never fewer than 5 behind a cell).
 * Exit 0 when every model was estimated, 1 when one or more could not be (they are named, with
 * the reason, and get no numbers), 2 for a usage error or no data.
 */
export async function commandTrend(
  runtime: Runtime,
  args: {
    from?: string | undefined;
    to?: string | undefined;
    periods?: string | undefined;
    json?: boolean | undefined;
    "per-location"?: boolean | undefined;
    location?: string | undefined;
  },
  io: Io,
): Promise<number> {
  if (args.location !== undefined)
    throw new UserError(
      "De trendanalyse is landelijk (met de locatie als factor): --location kan hier niet. Laat --location weg.",
    );
  const from = (args.from ?? "").toUpperCase();
  if (!from) throw new UserError("De optie --from ontbreekt, bijv. --from 2019-Q4.");
  const to = (args.to ?? "").toUpperCase();
  if (!to) throw new UserError("De optie --to ontbreekt, bijv. --to 2023-Q3.");
  checkQuarterRange(from, to);
  if (args.periods === undefined)
    throw new UserError(
      "De optie --periods ontbreekt: geef de perioden als reeksen maanden, de eerste is de referentie, bijv. --periods 2019-10..2020-03,2020-09..2021-08.",
    );
  const periods = parsePeriods(args.periods, { from, to });
  const engine = await runtime.openQueryEngine({ from, to });
  let result: TrendResult;
  let perLocation: LocationTrend[] | undefined;
  try {
    const data = await loadTrendData(engine, { from, to });
    result = trendFromData(data, { from, to, periods });
    // Facilitator only: per location and period, after disclosure control (never < 5 behind a cell).
    if (args["per-location"]) perLocation = perLocationTrend(data, periods);
  } finally {
    await engine.close();
  }
  if (args.json) io.out(JSON.stringify(perLocation ? { ...result, perLocation } : result, null, 2));
  else
    io.out(perLocation ? `${formatTrend(result)}\n\n${formatPerLocation(perLocation)}` : formatTrend(result));
  const failed = result.models.filter((m) => m.status === "failed");
  for (const m of failed) io.err(`vbm-monitor: ${m.id}: ${m.error}`);
  return failed.length > 0 ? 1 : 0;
}
