import type { Runtime } from "../compose.ts";
import { buildTrend, checkQuarterRange, parsePeriods, type TrendResult } from "../core/trend.ts";
import { formatTrend } from "../core/trend-text.ts";
import { UserError } from "../errors.ts";
import type { Io } from "./main.ts";

/**
 * `vbm-monitor trend --from Q --to Q --periods A..B,C..D,… [--json]`: the trend analysis of
 * seclusion (functions/core/trend.ts), locally on DuckDB or with VBM_MODE=aws on Athena.
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
  try {
    result = await buildTrend(engine, { from, to, periods });
  } finally {
    await engine.close();
  }
  io.out(args.json ? JSON.stringify(result, null, 2) : formatTrend(result));
  const failed = result.models.filter((m) => m.status === "failed");
  for (const m of failed) io.err(`vbm-monitor: ${m.id}: ${m.error}`);
  return failed.length > 0 ? 1 : 0;
}
