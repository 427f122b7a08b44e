/**
 * Checks the CLI commands share before they do any work: is a location known, was anything
 * delivered. They read only the locations config and the delivery log (no ingest, no Parquet),
 * so the document functions' bundles do not carry the ingest.
 */
import { join } from "node:path";
import { locationCode } from "../../schemas/delivery.ts";
import type { FiguresModel } from "../../schemas/figures.ts";
import type { Runtime } from "../compose.ts";
import { LOG_PREFIX } from "../core/current.ts";
import { NoDataError, UserError } from "../errors.ts";

/** Where the locations config is, in words (for messages that name it). */
export function locationsConfigPlace(runtime: Runtime): string {
  return runtime.mode === "local"
    ? join(runtime.places.dataDir, "config", "locations.json")
    : "config/locations.json in de rapportage-bucket";
}

/** Location codes that ever had a delivery attempt (accepted or not), from the delivery log keys. */
export async function loggedLocations(runtime: Runtime): Promise<string[]> {
  const keys = await runtime.store.list("curated", LOG_PREFIX);
  return [...new Set(keys.map((k) => k.slice(LOG_PREFIX.length).split("/")[0] ?? ""))]
    .filter((c) => locationCode.safeParse(c).success)
    .sort();
}

/**
 * Refuses a location code that is neither in the locations config nor in the delivery log: a
 * typo would otherwise give empty figures or an empty document.
 */
export async function requireKnownLocation(runtime: Runtime, code: string): Promise<void> {
  const config = await runtime.loadLocations();
  if (config.some((l) => l.code === code)) return;
  if ((await loggedLocations(runtime)).includes(code)) return;
  throw new UserError(
    config.length > 0
      ? `Locatie ${code} is onbekend: de code staat niet in de lijst van locaties (${locationsConfigPlace(runtime)}) en er is nooit een bestand voor geleverd. Controleer de code.`
      : `Locatie ${code} is onbekend: er is nooit een bestand voor geleverd (en er is geen lijst van locaties, ${locationsConfigPlace(runtime)}). Controleer de code.`,
  );
}

/**
 * Refuses to deliver for a code that is not in the locations config (when there is one), before
 * anything is stored: a typo must not leave folders, a receipt or a quarantined file for it.
 */
export async function requireConfiguredLocation(runtime: Runtime, code: string): Promise<void> {
  const config = await runtime.loadLocations();
  if (config.length === 0 || config.some((l) => l.code === code)) return;
  throw new UserError(
    `Locatie ${code} staat niet in de lijst van locaties (${locationsConfigPlace(runtime)}); bekende codes: ${config.map((l) => l.code).join(", ")}. Controleer --location. Er is niets opgeslagen.`,
  );
}

/** A quarter or range in words for messages: `2023-Q3` or `2023-Q1 t/m 2023-Q3`. */
export function rangeWords(from: string, to: string): string {
  return from === to ? from : `${from} t/m ${to}`;
}

/** Refuses figures without any accepted delivery in scope: they would be all zeros. */
export function requireDelivered(model: FiguresModel): void {
  if (model.deliveries.some((d) => d.status !== "missing")) return;
  const range = rangeWords(model.from, model.to);
  throw new NoDataError(
    model.location
      ? `Locatie ${model.location} heeft over ${range} geen geaccepteerde levering; er zijn dus geen cijfers.`
      : `Over ${range} is er geen enkele levering geaccepteerd; er zijn dus geen cijfers.`,
  );
}
