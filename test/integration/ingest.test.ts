import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, describe, expect, it } from "vitest";
import { createDuckDbEngine } from "../../functions/adapters/local/duckdb-engine.ts";
import { createFolderStore } from "../../functions/adapters/local/folder-store.ts";
import { createHmacPseudonymiser } from "../../functions/adapters/local/hmac-pseudonymiser.ts";
import { ingestDropZoneObject } from "../../functions/core/ingest.ts";
import type { Logger, Ports } from "../../functions/ports.ts";
import { csvBytes, tempDir } from "../helpers.ts";

let cleanup = () => {};
afterEach(() => cleanup());

function setup() {
  const t = tempDir();
  cleanup = t.cleanup;
  const logs: string[] = [];
  const logger: Logger = {
    info: (m, f) => logs.push(JSON.stringify({ m, ...f })),
    warn: (m, f) => logs.push(JSON.stringify({ m, ...f })),
    error: (m, f) => logs.push(JSON.stringify({ m, ...f })),
  };
  const key = new Uint8Array(32).fill(3);
  let tick = Date.UTC(2023, 3, 5, 8, 0);
  const ports: Ports = {
    store: createFolderStore(t.dir),
    pseudonymiser: createHmacPseudonymiser(key),
    clock: {
      now: () => {
        tick += 1000;
        return new Date(tick);
      },
    },
    logger,
  };
  return { dir: t.dir, ports, logs };
}

async function sql(query: string) {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(query)).getRowObjectsJson();
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const rows = [
  ["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "Ruzie met Sanne", "3", "1"],
  ["AB0002", "26.03.2023", "01:30", "26.03.2023", "03:30", "", "10", ""],
  ["AB0001", "11.02.2023", "09:00", "", "", "Kamercontrole", "18", "2"],
];

describe("ingestDropZoneObject (local adapters)", () => {
  it("writes one curated Parquet object readable by DuckDB, with the documented types and V1 pages", async () => {
    // Prepare
    const { dir, ports } = setup();
    await ports.store.put("dropzone", "AB/2023-Q1/all/export.csv", csvBytes(rows, { bom: true }));
    // Act
    const outcome = await ingestDropZoneObject(ports, {
      key: "AB/2023-Q1/all/export.csv",
      version: "v1",
      receivedAt: new Date(),
    });
    // Assess
    expect(outcome.status).toBe("accepted");
    expect(outcome.entry.curated_key).toBe(
      `measures/location=AB/quarter=2023-Q1/${outcome.entry.attempt_id}.parquet`,
    );
    const file = join(dir, "curated", outcome.entry.curated_key as string);
    const data = await sql(
      `SELECT source_row, start_ts::VARCHAR AS s, end_ts::VARCHAR AS e, start_month, start_hour, duration_min, type_code, category, room, locked, care_plan, has_reason, codebook_version, length(youth_pseudonym) AS plen FROM '${file}' ORDER BY source_row`,
    );
    expect(data).toEqual([
      {
        source_row: 2,
        s: "2023-01-10 14:00:00",
        e: "2023-01-10 14:30:00",
        start_month: "2023-01",
        start_hour: 14,
        duration_min: 30,
        type_code: 3,
        category: "beperken_bewegingsvrijheid",
        room: null,
        locked: null,
        care_plan: "yes",
        has_reason: true,
        codebook_version: "2023",
        plen: "64",
      },
      {
        source_row: 3,
        s: "2023-03-26 01:30:00",
        e: "2023-03-26 03:30:00",
        start_month: "2023-03",
        start_hour: 1,
        duration_min: 60,
        type_code: 10,
        category: "gedwongen_afzonderen",
        room: "eigen_kamer",
        locked: true,
        care_plan: "unknown",
        has_reason: false,
        codebook_version: "2023",
        plen: "64",
      },
      {
        source_row: 4,
        s: "2023-02-11 09:00:00",
        e: null,
        start_month: "2023-02",
        start_hour: 9,
        duration_min: null,
        type_code: 18,
        category: "controles",
        room: null,
        locked: null,
        care_plan: "no",
        has_reason: true,
        codebook_version: "2023",
        plen: "64",
      },
    ]);
    const schema = await sql(
      `SELECT name, type, logical_type FROM parquet_schema('${file}') WHERE name IN ('start_ts','type_code','duration_min')`,
    );
    expect(schema.find((s) => s.name === "start_ts")?.logical_type).toContain("isAdjustedToUTC=0");
    expect(schema.find((s) => s.name === "start_ts")?.type).toBe("INT64");
    const meta = await sql(
      `SELECT path_in_schema, data_page_offset, dictionary_page_offset, encodings FROM parquet_metadata('${file}')`,
    );
    const bytes = readFileSync(file);
    for (const m of meta) {
      // Thrift compact PageHeader: field 1 (type) = 0x15, then zigzag(type): DATA_PAGE (V1) = 0x00, V2 would be 0x06.
      const at = Number(m.data_page_offset);
      expect([bytes[at], bytes[at + 1]], String(m.path_in_schema)).toEqual([0x15, 0x00]);
    }
    expect(meta.some((m) => String(m.encodings).includes("DICTIONARY"))).toBe(true);
  });

  it("pseudonymises stably: the same youth in two quarters gets the same pseudonym, different youth differ", async () => {
    const { dir, ports } = setup();
    await ports.store.put("dropzone", "AB/2023-Q1/all/q1.csv", csvBytes(rows));
    await ports.store.put(
      "dropzone",
      "AB/2023-Q2/all/q2.csv",
      csvBytes([["AB0001", "03.04.2023", "10:00", "", "", "", "17", ""]]),
    );
    await ingestDropZoneObject(ports, { key: "AB/2023-Q1/all/q1.csv", version: "a", receivedAt: new Date() });
    await ingestDropZoneObject(ports, { key: "AB/2023-Q2/all/q2.csv", version: "b", receivedAt: new Date() });
    const res = await sql(
      `SELECT quarter, youth_pseudonym FROM read_parquet('${dir}/curated/measures/*/*/*.parquet', hive_partitioning=true) ORDER BY quarter, source_row`,
    );
    expect(res.map((r) => r.quarter)).toEqual(["2023-Q1", "2023-Q1", "2023-Q1", "2023-Q2"]);
    expect(res[0]?.youth_pseudonym).toBe(res[2]?.youth_pseudonym);
    expect(res[3]?.youth_pseudonym).toBe(res[0]?.youth_pseudonym);
    expect(res[1]?.youth_pseudonym).not.toBe(res[0]?.youth_pseudonym);
  });

  it("rejects a file with errors as a whole: curated data unchanged, file + report in quarantine, receipt and log written", async () => {
    const { dir, ports } = setup();
    await ports.store.put("dropzone", "AB/2023-Q1/all/good.csv", csvBytes(rows));
    await ingestDropZoneObject(ports, {
      key: "AB/2023-Q1/all/good.csv",
      version: "1",
      receivedAt: new Date(),
    });
    const curatedBefore = await ports.store.list("curated", "");
    const before = readFileSync(
      join(dir, "curated", curatedBefore.find((k) => k.endsWith(".parquet")) as string),
    );
    const bad = csvBytes([...rows, ["AB0003", "10.01.2023", "14:00", "", "", "", "99", ""]]);
    await ports.store.put("dropzone", "AB/2023-Q1/all/bad.csv", bad);

    const outcome = await ingestDropZoneObject(ports, {
      key: "AB/2023-Q1/all/bad.csv",
      version: "2",
      receivedAt: new Date(),
    });

    expect(outcome.status).toBe("rejected");
    // Nothing in the curated data changed but the one new log line.
    const curatedAfter = await ports.store.list("curated", "");
    expect(curatedAfter.filter((k) => !curatedBefore.includes(k))).toEqual([
      `delivery-log/AB/2023-Q1/${outcome.entry.attempt_id}.json`,
    ]);
    expect(
      readFileSync(join(dir, "curated", curatedBefore.find((k) => k.endsWith(".parquet")) as string)),
    ).toEqual(before);
    const q = await ports.store.list("quarantine", "AB/2023-Q1/");
    expect(q.some((k) => k.endsWith("/bad.csv"))).toBe(true);
    expect(q.some((k) => k.endsWith("/report.json"))).toBe(true);
    const kept = await ports.store.get("quarantine", q.find((k) => k.endsWith("/bad.csv")) as string);
    expect(kept?.body).toEqual(bad);
    const receipt = JSON.parse(
      new TextDecoder().decode((await ports.store.get("receipts", outcome.entry.report_key))?.body),
    );
    expect(receipt.status).toBe("rejected");
    expect(receipt.report.findings[0]).toMatchObject({ code: "unknown-type", row: 5, value: "99" });
    const log = await ports.store.list("curated", "delivery-log/AB/2023-Q1/");
    expect(log).toHaveLength(2);
  });

  it("replaces an earlier delivery for the same location and quarter, and accepts a zero delivery", async () => {
    const { dir, ports } = setup();
    await ports.store.put("dropzone", "AB/2023-Q1/all/a.csv", csvBytes(rows));
    const first = await ingestDropZoneObject(ports, {
      key: "AB/2023-Q1/all/a.csv",
      version: "1",
      receivedAt: new Date(Date.UTC(2023, 3, 1, 9)),
    });
    await ports.store.put("dropzone", "AB/2023-Q1/all/b.csv", csvBytes([]));
    const outcome = await ingestDropZoneObject(ports, {
      key: "AB/2023-Q1/all/b.csv",
      version: "2",
      receivedAt: new Date(Date.UTC(2023, 3, 1, 10)),
    });
    expect(outcome).toMatchObject({ status: "accepted", current: true });
    expect(outcome.report?.stats.zeroDelivery).toBe(true);
    // The earlier object stays until the grace period has passed; only the later one counts.
    const engine = await createDuckDbEngine({ curatedDir: join(dir, "curated") });
    try {
      expect(await engine.query("SELECT attempt_id, rows FROM current_delivery")).toEqual([
        { attempt_id: outcome.entry.attempt_id, rows: 0 },
      ]);
      expect(await engine.query("SELECT count(*) AS n FROM measures")).toEqual([{ n: 0 }]);
    } finally {
      await engine.close();
    }
    const n = await sql(`SELECT count(*)::INTEGER AS n FROM '${dir}/curated/${outcome.entry.curated_key}'`);
    expect(n).toEqual([{ n: 0 }]);
    expect(await ports.store.exists("curated", first.entry.curated_key as string)).toBe(true);
  });

  it("is idempotent for the same event: no second log entry, no change", async () => {
    const { ports } = setup();
    await ports.store.put("dropzone", "AB/2023-Q1/all/a.csv", csvBytes(rows));
    const event = { key: "AB/2023-Q1/all/a.csv", version: "same", receivedAt: new Date() };
    const first = await ingestDropZoneObject(ports, event);
    const second = await ingestDropZoneObject(ports, event);
    expect(first.status).toBe("accepted");
    expect(second.status).toBe("duplicate");
    expect(second.entry).toEqual(first.entry);
    expect(await ports.store.list("curated", "delivery-log/")).toHaveLength(1);
  });

  it("quarantines a file whose key does not fit the drop-zone convention, with a Dutch explanation", async () => {
    const { ports } = setup();
    await ports.store.put("dropzone", "AB/2023-Q5/all/x.csv", csvBytes(rows));
    const outcome = await ingestDropZoneObject(ports, {
      key: "AB/2023-Q5/all/x.csv",
      version: "1",
      receivedAt: new Date(),
    });
    expect(outcome.status).toBe("rejected");
    expect(outcome.report?.findings[0]?.code).toBe("bad-drop-key");
    expect(outcome.report?.findings[0]?.message).toContain("JJJJ-Qn");
    expect(outcome.entry.location).toBe("_unrouted");
    expect(await ports.store.list("quarantine", "_unrouted/")).toHaveLength(2);
  });

  it("names, in the private receipt only, young people whose measures rose sharply against the previous quarter", async () => {
    const { ports } = setup();
    const measuresOf = (youth: string, n: number, month: string) =>
      Array.from({ length: n }, (_, i) => [
        youth,
        `${String(i + 1).padStart(2, "0")}.${month}.2023`,
        "10:00",
        "",
        "",
        "",
        "16",
        "",
      ]);
    const q1 = [...measuresOf("AB0001", 2, "01"), ...measuresOf("AB0002", 6, "02")];
    const q2 = [
      ...measuresOf("AB0001", 9, "04"),
      ...measuresOf("AB0002", 8, "05"),
      ...measuresOf("AB0003", 5, "06"),
      ...measuresOf("AB0004", 4, "06").map((r) => [r[0] as string, ...r.slice(1, 2), "11:00", ...r.slice(3)]),
    ];
    await ports.store.put("dropzone", "AB/2023-Q1/all/q1.csv", csvBytes(q1));
    await ports.store.put("dropzone", "AB/2023-Q2/all/q2.csv", csvBytes(q2));
    const first = await ingestDropZoneObject(ports, {
      key: "AB/2023-Q1/all/q1.csv",
      version: "1",
      receivedAt: new Date(),
    });
    const second = await ingestDropZoneObject(ports, {
      key: "AB/2023-Q2/all/q2.csv",
      version: "2",
      receivedAt: new Date(),
    });
    const receipt = async (key: string) =>
      JSON.parse(new TextDecoder().decode((await ports.store.get("receipts", key))?.body));
    // 2 → 9 and 0 → 5 rose sharply; 6 → 8 and 0 → 4 did not.
    expect((await receipt(second.entry.report_key)).signals).toEqual({
      comparedWith: "2023-Q1",
      rises: [
        { youthNumber: "AB0001", previous: 2, current: 9 },
        { youthNumber: "AB0003", previous: 0, current: 5 },
      ],
    });
    expect((await receipt(first.entry.report_key)).signals).toEqual({ comparedWith: null, rises: [] });
    // The raw numbers stay out of curated data and the log.
    for (const key of await ports.store.list("curated", "")) {
      const text = Buffer.from((await ports.store.get("curated", key))?.body ?? []).toString("latin1");
      expect(text.includes("AB0001"), key).toBe(false);
    }
  });
});
