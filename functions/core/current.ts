/**
 * Which delivery is current, read from the delivery log once, so that a whole run (figures, a
 * report, a rise check) sees one consistent set of objects while deliveries go on.
 *
 * Every attempt writes its own immutable objects first and its one delivery-log line last: the
 * line is the commit. The current delivery of a location and quarter is, of its accepted and
 * committed attempts, the one uploaded last (`compareUploadOrder`) — the same rule as the SQL
 * view `current_delivery` (`currentDeliverySql`). A line that cannot be read or does not match
 * the contract is reported as broken, with its key; it never silently disappears.
 */
import {
  type CurrentDelivery,
  compareUploadOrder,
  currentDeliveryColumns,
  type DeliveryLogEntry,
  deliveryLogEntry,
} from "../../schemas/curated.ts";
import type { ObjectStore } from "../ports.ts";

/** A stored object that could not be used, and what is wrong with it (Dutch). */
export interface BrokenObject {
  key: string;
  /** Location and quarter it belongs to, when its key says so. */
  location: string | null;
  quarter: string | null;
  problem: string;
}

/** The consistent set of objects a run reads. */
export interface Snapshot {
  /** Every committed attempt (accepted and rejected) of the locations/quarters read. */
  log: DeliveryLogEntry[];
  /** The current accepted delivery per location and quarter. */
  current: CurrentDelivery[];
  /** Accepted occupancy loads (their curated keys), oldest first. */
  occupancy: { key: string; loadId: string }[];
  broken: BrokenObject[];
}

export const LOG_PREFIX = "delivery-log/";
const OCCUPANCY_LOG_PREFIX = "occupancy-log/";
const READ_CONCURRENCY = 16;

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** `delivery-log/<LOC>/<Q>/<id>.json` → location and quarter. */
function placeOfLogKey(key: string): { location: string | null; quarter: string | null } {
  const [, location = null, quarter = null] = key.split("/");
  return { location, quarter };
}

/** Reads and checks delivery-log lines; unreadable ones are returned as broken, never dropped. */
export async function readLogLines(
  store: ObjectStore,
  keys: readonly string[],
): Promise<{ entries: DeliveryLogEntry[]; broken: BrokenObject[] }> {
  const results = await mapLimited(keys, READ_CONCURRENCY, async (key) => {
    const place = key.startsWith(LOG_PREFIX) ? placeOfLogKey(key) : { location: null, quarter: null };
    const object = await store.get("curated", key);
    if (!object) return null; // removed since it was listed
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(object.body));
    } catch {
      return {
        entry: null,
        broken: { key, ...place, problem: "is geen geldige JSON (beschadigd of half geschreven)" },
      };
    }
    const parsed = deliveryLogEntry.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".") || "(regel)";
      return {
        entry: null,
        broken: { key, ...place, problem: `veld ${field} klopt niet (${issue?.message ?? "onbekend"})` },
      };
    }
    const entry = parsed.data;
    const expected = key.startsWith(LOG_PREFIX) ? `${entry.location}/${entry.quarter}` : null;
    if (expected && `${place.location}/${place.quarter}` !== expected)
      return {
        entry: null,
        broken: {
          key,
          ...place,
          problem: `hoort bij ${expected}, maar staat onder ${place.location}/${place.quarter}`,
        },
      };
    return { entry, broken: null };
  });
  const entries: DeliveryLogEntry[] = [];
  const broken: BrokenObject[] = [];
  for (const r of results) {
    if (!r) continue;
    if (r.entry) entries.push(r.entry);
    else if (r.broken) broken.push(r.broken);
  }
  return { entries, broken };
}

/** The current accepted delivery per `location/quarter`, by upload order. */
export function pickCurrent(entries: readonly DeliveryLogEntry[]): Map<string, DeliveryLogEntry> {
  const current = new Map<string, DeliveryLogEntry>();
  for (const e of entries) {
    if (e.status !== "accepted" || !e.curated_key) continue;
    const k = `${e.location}/${e.quarter}`;
    const best = current.get(k);
    if (best === undefined || compareUploadOrder(e, best) > 0) current.set(k, e);
  }
  return current;
}

export function toCurrentDelivery(e: DeliveryLogEntry): CurrentDelivery {
  const out: Record<string, unknown> = {};
  for (const c of currentDeliveryColumns) out[c] = e[c];
  return out as CurrentDelivery;
}

/** Log keys of one location and quarter. */
export const logPrefix = (location: string, quarter: string) => `${LOG_PREFIX}${location}/${quarter}/`;

/** The current delivery of one location and quarter, with any broken log lines of it. */
export async function currentDeliveryOf(
  store: ObjectStore,
  location: string,
  quarter: string,
): Promise<{ current: DeliveryLogEntry | null; entries: DeliveryLogEntry[]; broken: BrokenObject[] }> {
  const { entries, broken } = await readLogLines(
    store,
    await store.list("curated", logPrefix(location, quarter)),
  );
  return { current: pickCurrent(entries).get(`${location}/${quarter}`) ?? null, entries, broken };
}

/**
 * Resolves the snapshot a run reads: the delivery log of the quarters `from`..`to` (all quarters
 * when not given), the current delivery of each location and quarter, and the accepted
 * occupancy loads. Objects written after this moment are not seen by the run.
 */
export async function resolveSnapshot(
  store: ObjectStore,
  range: { from?: string; to?: string } = {},
): Promise<Snapshot> {
  const inRange = (q: string | null) =>
    q !== null && (!range.from || q >= range.from) && (!range.to || q <= range.to);
  const logKeys = (await store.list("curated", LOG_PREFIX)).filter((k) => {
    const { location, quarter } = placeOfLogKey(k);
    return location !== "_unrouted" && inRange(quarter);
  });
  const occupancyKeys = await store.list("curated", OCCUPANCY_LOG_PREFIX);
  const [log, occ] = await Promise.all([readLogLines(store, logKeys), readLogLines(store, occupancyKeys)]);
  const current = [...pickCurrent(log.entries).values()]
    .sort((a, b) => a.location.localeCompare(b.location) || a.quarter.localeCompare(b.quarter))
    .map(toCurrentDelivery);
  const occupancy = occ.entries
    .filter((e) => e.status === "accepted" && e.curated_key)
    .sort((a, b) => a.processed_at.localeCompare(b.processed_at) || a.attempt_id.localeCompare(b.attempt_id))
    .map((e) => ({ key: e.curated_key as string, loadId: e.attempt_id }));
  return {
    log: log.entries,
    current,
    occupancy,
    broken: [...log.broken, ...occ.broken.map((b) => ({ ...b, location: "_occupancy", quarter: null }))],
  };
}

/** Broken objects that matter for a run over `location` (null = national) and `from`..`to`. */
export function brokenInScope(
  broken: readonly BrokenObject[],
  scope: { location: string | null; from: string; to: string },
): BrokenObject[] {
  return broken.filter((b) => {
    if (b.location === "_occupancy") return true; // occupancy feeds the rates of every location
    if (scope.location && b.location && b.location !== scope.location) return false;
    if (b.quarter && (b.quarter < scope.from || b.quarter > scope.to)) return false;
    return true;
  });
}

/** A Dutch message that names each broken object and says how to repair it. */
export function brokenMessage(broken: readonly BrokenObject[], where: string): string {
  const list = broken
    .slice(0, 5)
    .map((b) => `${b.key} ${b.problem}`)
    .join("; ");
  const more = broken.length > 5 ? ` (en nog ${broken.length - 5})` : "";
  return `Er ${broken.length === 1 ? "is een beschadigd bestand" : `zijn ${broken.length} beschadigde bestanden`} in ${where}: ${list}${more}. De cijfers worden niet gemaakt, want ze zouden niet kloppen. Zet het bestand terug uit de back-up of laat de locatie het kwartaal opnieuw aanleveren; de cijfers van andere locaties en kwartalen zijn wel op te vragen.`;
}
