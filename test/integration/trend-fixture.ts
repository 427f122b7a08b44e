/**
 * Turns a synthetic trend data set of test/fixtures/trend (months.csv + measures.csv, the data
 * R fitted for r-reference.json) into what a real monitor holds: one seclusion-only delivery
 * file per location and quarter, and one occupancy file. Delivered in process through the same
 * ingest as `vbm-monitor deliver`, the trend command must then reproduce R.
 *
 * - A quarter with at least one month in months.csv is delivered (scope `seclusion`); other
 *   quarters are not delivered at all.
 * - Occupancy is given for exactly the location-months of months.csv, so a month missing from
 *   months.csv inside a delivered quarter is left out through its missing occupancy (it has no
 *   measures either).
 * - Each measure of measures.csv starts on day 1–20 of its month (never near a change of summer
 *   time, the last Sunday of March or October), ends exactly `durationMin` minutes later (no end
 *   when the duration is missing), and is type 6 or 7 (isolation/seclusion room) when
 *   `isolation` is 1, else 8–11.
 */
import { join } from "node:path";
import { deliverFile } from "../../functions/cli/actions.ts";
import { createRuntime } from "../../functions/compose.ts";
import { deliveryKey, occupancyKey } from "../../schemas/delivery.ts";
import { quarterOfMonth } from "../../schemas/quarter.ts";
import { csvBytes } from "../helpers.ts";
import { readCsv } from "../unit/stats/reference.ts";

/** The periods of the seed study, as the fixtures (stats/reference/generate-data.ts) use them. */
export const FIXTURE_PERIODS = "2019-10..2020-03,2020-09..2021-08,2021-09..2022-09,2022-10..2023-09";
export const FIXTURE_RANGE = { from: "2019-Q4", to: "2023-Q3" } as const;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const date = (d: Date) => `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
const time = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;

/** The delivery rows (codebook columns) per location and quarter, and the occupancy file. */
export function fixtureFiles(dir: string): {
  deliveries: { location: string; quarter: string; rows: string[][] }[];
  occupancy: string;
  measures: number;
} {
  const months = readCsv(join(dir, "months.csv"));
  const measures = readCsv(join(dir, "measures.csv"));
  const files = new Map<string, { location: string; quarter: string; rows: string[][] }>();
  for (const m of months) {
    const location = String(m.location);
    const quarter = quarterOfMonth(String(m.month));
    const key = `${location}/${quarter}`;
    if (!files.has(key)) files.set(key, { location, quarter, rows: [] });
  }
  const counter = new Map<string, number>();
  for (const m of measures) {
    const location = String(m.location);
    const month = String(m.month);
    const file = files.get(`${location}/${quarterOfMonth(month)}`);
    if (!file) throw new Error(`fixture: measure of ${location} ${month} outside every delivered quarter`);
    const i = counter.get(location) ?? 0;
    counter.set(location, i + 1);
    const start = new Date(
      Date.UTC(
        Number(month.slice(0, 4)),
        Number(month.slice(5, 7)) - 1,
        1 + (i % 20),
        (i * 7) % 24,
        (i * 13) % 60,
      ),
    );
    const duration = m.durationMin === "" ? null : Number(m.durationMin);
    const end = duration === null ? null : new Date(start.getTime() + duration * 60_000);
    const type = m.isolation === "1" ? 6 + (i % 2) : 8 + (i % 4);
    file.rows.push([
      `${location}${pad((i % 9999) + 1, 4)}`,
      date(start),
      time(start),
      end ? date(end) : "",
      end ? time(end) : "",
      "",
      String(type),
      ["1", "2", ""][i % 3] as string,
    ]);
  }
  const occupancy = [
    "Locatie;Maand;Gemiddelde bezetting",
    ...months.map((m) => `${m.location};${m.month};${String(m.occupancy).replace(".", ",")}`),
  ].join("\r\n");
  return { deliveries: [...files.values()], occupancy: `${occupancy}\r\n`, measures: measures.length };
}

/** Delivers the data set into `dataDir` in process; returns how many files were accepted. */
export async function deliverFixture(
  fixtureDir: string,
  dataDir: string,
): Promise<{ accepted: number; rows: number }> {
  const { deliveries, occupancy } = fixtureFiles(fixtureDir);
  const runtime = createRuntime({ mode: "local", dataDir });
  let accepted = 0;
  let rows = 0;
  const deliver = async (d: (typeof deliveries)[number]) => {
    const body = csvBytes(d.rows);
    const outcome = await deliverFile(runtime, {
      load: async () => body,
      key: deliveryKey(d.location, d.quarter, "seclusion", `afzonderingen-${d.quarter}.csv`),
    });
    if (outcome.status !== "accepted")
      throw new Error(
        `fixture delivery ${d.location} ${d.quarter} rejected: ${JSON.stringify(outcome.report?.findings.slice(0, 3))}`,
      );
    accepted++;
    rows += outcome.entry.rows;
  };
  // The first accepted delivery creates the pseudonym key; the others may then run side by side
  // (each writes only its own objects), which overlaps their file-system waits.
  const [first, ...rest] = deliveries;
  if (first) await deliver(first);
  let next = 0;
  const worker = async () => {
    while (next < rest.length) await deliver(rest[next++] as (typeof deliveries)[number]);
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  const body = new TextEncoder().encode(occupancy);
  const occ = await deliverFile(runtime, { load: async () => body, key: occupancyKey("bezetting.csv") });
  if (occ.status !== "accepted")
    throw new Error(`fixture occupancy rejected: ${JSON.stringify(occ.report?.findings.slice(0, 3))}`);
  return { accepted, rows };
}
