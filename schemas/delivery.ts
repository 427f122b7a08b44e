import { z } from "zod";

/** Two capital letters: the code of a care location (and the letters of its youth numbers). */
export const locationCode = z.string().regex(/^[A-Z]{2}$/, "een locatiecode is twee hoofdletters, bijv. AB");
/**
 * The years a delivery can be for: historical data starts in 2019. The catalog projects exactly
 * these quarters (infra/catalog.ts), so that every quarter the ingest can write is queryable and
 * Athena's projection stays below its limit of a million partitions (400 quarters × 676 codes).
 */
export const QUARTER_YEARS = { first: 2000, last: 2099 } as const;
export const quarterId = z
  .string()
  .regex(
    /^20\d{2}-Q[1-4]$/,
    "een kwartaal schrijf je als JJJJ-Qn, met een jaar van 2000 tot en met 2099, bijv. 2023-Q1",
  );
export const monthId = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
export const scope = z.enum(["all", "seclusion"]);
export type Scope = z.infer<typeof scope>;

/** Where a delivery lands in the drop zone: `<LOC>/<YYYY-Qn>/<all|seclusion>/<file name>`. */
export interface DeliveryRoute {
  kind: "delivery";
  location: string;
  quarter: string;
  scope: Scope;
  fileName: string;
}
/** Occupancy files land at `occupancy/<file name>`. */
export interface OccupancyRoute {
  kind: "occupancy";
  fileName: string;
}
export type DropZoneRoute = DeliveryRoute | OccupancyRoute;

export function deliveryKey(location: string, quarter: string, scope: Scope, fileName: string): string {
  return `${location}/${quarter}/${scope}/${fileName}`;
}
export function occupancyKey(fileName: string): string {
  return `occupancy/${fileName}`;
}

/**
 * Derives what an object in the drop zone is from its key. The same convention holds for the
 * local folder and the S3 bucket. Returns a Dutch explanation when the key does not fit.
 */
export function parseDropZoneKey(
  key: string,
): { ok: true; route: DropZoneRoute } | { ok: false; message: string } {
  const parts = key.split("/");
  const fileName = parts[parts.length - 1] ?? "";
  if (parts.length === 2 && parts[0] === "occupancy" && fileName) {
    return { ok: true, route: { kind: "occupancy", fileName } };
  }
  const expected = "verwacht LOCATIE/JJJJ-Qn/all|seclusion/bestandsnaam, bijv. AB/2023-Q1/all/export.csv";
  if (parts.length !== 4 || !fileName) {
    return { ok: false, message: `Het pad "${key}" past niet in de afleverstructuur: ${expected}.` };
  }
  const [loc, quarter, sc] = parts as [string, string, string, string];
  if (!locationCode.safeParse(loc).success)
    return {
      ok: false,
      message: `"${loc}" in het pad "${key}" is geen locatiecode (twee hoofdletters); ${expected}.`,
    };
  if (!quarterId.safeParse(quarter).success)
    return {
      ok: false,
      message: `"${quarter}" in het pad "${key}" is geen kwartaal (JJJJ-Qn); ${expected}.`,
    };
  const s = scope.safeParse(sc);
  if (!s.success)
    return {
      ok: false,
      message: `"${sc}" in het pad "${key}" is geen leveringsomvang: gebruik "all" (alle typen) of "seclusion" (alleen afzonderen, codes 6–11).`,
    };
  return { ok: true, route: { kind: "delivery", location: loc, quarter, scope: s.data, fileName } };
}
