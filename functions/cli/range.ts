import { quarterId } from "../../schemas/delivery.ts";
import { UserError } from "../errors.ts";

/**
 * The range of quarters of figures, deliveries and report, the same in all three:
 * `--from A --to B` for a range, `--quarter Q` for one quarter (`--quarter A --to B` still works).
 */
export function rangeOptions(values: {
  from?: string | undefined;
  to?: string | undefined;
  quarter?: string | undefined;
}): { from: string; to: string } {
  if (values.from !== undefined && values.quarter !== undefined)
    throw new UserError(
      "Gebruik --from en --to voor een reeks kwartalen of --quarter voor één kwartaal, niet --from en --quarter samen.",
    );
  const startOption = values.from !== undefined ? "from" : "quarter";
  const start = values.from ?? values.quarter;
  if (start === undefined || start === "")
    throw new UserError(
      values.to !== undefined
        ? "De optie --from ontbreekt: geef een reeks als --from JJJJ-Qn --to JJJJ-Qn, bijv. --from 2023-Q1 --to 2023-Q3."
        : "Geef de kwartalen op: --quarter JJJJ-Qn voor één kwartaal (bijv. --quarter 2023-Q1) of --from JJJJ-Qn --to JJJJ-Qn voor een reeks.",
    );
  const from = start.toUpperCase();
  const to = (values.to ?? start).toUpperCase();
  for (const q of [from, to])
    if (!quarterId.safeParse(q).success)
      throw new UserError(`"${q}" is geen kwartaal: schrijf JJJJ-Qn, bijv. 2023-Q1.`);
  if (to < from) throw new UserError(`--to ${to} ligt vóór --${startOption} ${from}.`);
  return { from, to };
}
