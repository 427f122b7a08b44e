/**
 * Correctness under faults, concurrency and damaged objects, in process with the real local
 * adapters (folder store, HMAC key, DuckDB). What "the right state" is, is computed here from the
 * raw log lines and Parquet files (integrity-helpers.ts), never by asking the code under test.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createFolderStore } from "../../functions/adapters/local/folder-store.ts";
import { createHmacPseudonymiser } from "../../functions/adapters/local/hmac-pseudonymiser.ts";
import { figuresFor } from "../../functions/cli/actions.ts";
import { run } from "../../functions/cli/main.ts";
import { createRuntime } from "../../functions/compose.ts";
import { type DropZoneEvent, ingestDropZoneObject } from "../../functions/core/ingest.ts";
import { generateDeliveryCsv } from "../../functions/demo/bulk.ts";
import type { Logger, ObjectStore, Ports } from "../../functions/ports.ts";
import { captureIo, csvBytes, tempDir } from "../helpers.ts";
import {
  expectedCurrent,
  faultyStore,
  filesUnder,
  InjectedFault,
  parquetRows,
  rawLog,
} from "./integrity-helpers.ts";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** A store whose writes each take `ms` longer. */
function slowStore(inner: ObjectStore, ms: number): ObjectStore {
  const pause = () => new Promise((r) => setTimeout(r, ms));
  return {
    ...inner,
    put: async (...a) => {
      await pause();
      return inner.put(...a);
    },
  };
}

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const key = new Uint8Array(32).fill(7);

function setup() {
  const t = tempDir("vbm-integrity-");
  cleanups.push(t.cleanup);
  let tick = Date.UTC(2023, 3, 5, 8, 0);
  const clock = {
    now: () => {
      tick += 1000;
      return new Date(tick);
    },
  };
  const base = createFolderStore(t.dir, { versioned: ["dropzone"] });
  const ports = (store: ObjectStore = base): Ports => ({
    store,
    pseudonymiser: createHmacPseudonymiser(key),
    clock,
    logger: quiet,
  });
  return { dir: t.dir, base, ports };
}

const small = (n: number, hour = "10:00") =>
  csvBytes(
    Array.from({ length: n }, (_, i) => [
      `AB${String((i % 9) + 1).padStart(4, "0")}`,
      `${String((i % 28) + 1).padStart(2, "0")}.02.2023`,
      hour,
      "",
      "",
      "",
      "16",
      "",
    ]),
  );

/** Puts a file in the drop zone and returns the event the store's versioning gives it. */
async function upload(
  store: ObjectStore,
  name: string,
  body: Uint8Array,
  at: number,
): Promise<DropZoneEvent> {
  const k = `AB/2023-Q1/all/${name}`;
  const { version } = await store.put("dropzone", k, body);
  return { key: k, version, receivedAt: new Date(at), sequencer: String(at).padStart(32, "0") };
}

/** Asserts the complete-state invariant for AB 2023-Q1 and returns the rows that count. */
async function assertComplete(dir: string): Promise<number | null> {
  const lines = rawLog(dir, "AB", "2023-Q1");
  const current = expectedCurrent(lines);
  const runtime = createRuntime({ mode: "local", dataDir: dir });
  const engine = await runtime.openQueryEngine();
  try {
    expect(engine.broken).toEqual([]);
    const status = await engine.query("SELECT attempt_id, rows FROM current_delivery");
    const measures = await engine.query(
      "SELECT count(*) AS n, count(DISTINCT delivery_id) AS d FROM measures",
    );
    if (!current) {
      expect(status).toEqual([]);
      expect(measures).toEqual([{ n: 0, d: 0 }]);
      return null;
    }
    expect(status).toEqual([{ attempt_id: current.attempt_id, rows: current.rows }]);
    // The data that counts is exactly the current attempt's object, complete.
    expect(await parquetRows(join(dir, "curated", current.curated_key as string))).toBe(current.rows);
    expect(measures).toEqual([{ n: current.rows, d: current.rows > 0 ? 1 : 0 }]);
    return current.rows;
  } finally {
    await engine.close();
  }
}

describe("crash safety: every failing write leaves the old or the new complete state", () => {
  it("fails each write of an accepted re-delivery in turn; re-processing the event finishes the job", async () => {
    // Prepare: learn the writes of one clean run.
    const probe = setup();
    await ingestDropZoneObject(probe.ports(), await upload(probe.base, "old.csv", small(3), 1_000));
    const counted = faultyStore(probe.base, null);
    await ingestDropZoneObject(
      probe.ports(counted.store),
      await upload(probe.base, "new.csv", small(7), 2_000),
      {
        mailVerdict: true,
      },
    );
    const writes = counted.writes.length;
    expect(writes).toBeGreaterThanOrEqual(4); // parquet, receipt, mail request, log line

    for (let failAt = 1; failAt <= writes; failAt++) {
      const { dir, base, ports } = setup();
      await ingestDropZoneObject(ports(), await upload(base, "old.csv", small(3), 1_000));
      const event = await upload(base, "new.csv", small(7), 2_000);
      // Act: the failAt-th write fails.
      const faulty = faultyStore(base, failAt);
      await expect(ingestDropZoneObject(ports(faulty.store), event, { mailVerdict: true })).rejects.toThrow(
        InjectedFault,
      );
      // Assess: the old complete state, unless the commit itself had happened (it is the last write).
      expect(await assertComplete(dir), `fault at write ${failAt}: ${faulty.writes.at(-1)}`).toBe(3);
      // Re-processing the same event (a retry) completes it.
      const again = await ingestDropZoneObject(ports(), event, { mailVerdict: true });
      expect(again.status).toBe("accepted");
      expect(await assertComplete(dir)).toBe(7);
      expect(await base.exists("mail", `requests/${again.entry.attempt_id}.json`)).toBe(true);
    }
  });

  it("fails each write of a rejected file in turn: the data never change, the retry keeps file and report", async () => {
    const bad = csvBytes([["AB0001", "31.02.2023", "10:00", "", "", "", "16", ""]]);
    const probe = setup();
    const counted = faultyStore(probe.base, null);
    await ingestDropZoneObject(probe.ports(counted.store), await upload(probe.base, "bad.csv", bad, 2_000));
    for (let failAt = 1; failAt <= counted.writes.length; failAt++) {
      const { dir, base, ports } = setup();
      await ingestDropZoneObject(ports(), await upload(base, "old.csv", small(3), 1_000));
      const event = await upload(base, "bad.csv", bad, 2_000);
      await expect(ingestDropZoneObject(ports(faultyStore(base, failAt).store), event)).rejects.toThrow(
        InjectedFault,
      );
      expect(await assertComplete(dir)).toBe(3);
      const again = await ingestDropZoneObject(ports(), event);
      expect(again.status).toBe("rejected");
      expect(await base.get("quarantine", again.entry.quarantine_key as string)).toMatchObject({ body: bad });
      expect(await assertComplete(dir)).toBe(3);
    }
  });
});

describe("the newest upload wins, whatever the processing order", () => {
  it("20 times: a large file uploaded first and a small one a moment later, processed at once", async () => {
    for (let i = 0; i < 20; i++) {
      const { dir, base, ports } = setup();
      await ingestDropZoneObject(ports(), await upload(base, "first.csv", small(2), 1_000));
      const big = generateDeliveryCsv({ location: "AB", quarter: "2023-Q1", rows: 1_500, seed: i + 1 });
      const bigEvent = await upload(base, "big.csv", big, 5_000 + i);
      const smallEvent = await upload(base, "small.csv", small(5), 5_000 + i + 1);
      const finished: string[] = [];
      const [a, b] = await Promise.all([
        // The large file's writes are slow (a busy disk or a throttled S3): it finishes last.
        ingestDropZoneObject(ports(slowStore(base, 25)), bigEvent).then((o) => {
          finished.push("big");
          return o;
        }),
        ingestDropZoneObject(ports(), smallEvent).then((o) => {
          finished.push("small");
          return o;
        }),
      ]);
      // The scenario really happened: the older upload finished last.
      expect(finished).toEqual(["small", "big"]);
      expect(a).toMatchObject({ status: "accepted", current: false });
      expect(b).toMatchObject({ status: "accepted", current: true });
      expect(await assertComplete(dir)).toBe(5);
      const receipt = JSON.parse(
        new TextDecoder().decode((await base.get("receipts", a.entry.report_key))?.body),
      );
      expect(receipt.verdict).toContain("small.csv");
    }
  });

  it("the same key uploaded twice quickly: each event reads its own version, the later one counts", async () => {
    const { dir, base, ports } = setup();
    const first = await upload(base, "export.csv", small(4), 1_000);
    const second = await upload(base, "export.csv", small(6), 1_000); // same millisecond: the sequencer decides
    second.sequencer = `${first.sequencer?.slice(0, 31)}9`;
    const [b, a] = await Promise.all([
      ingestDropZoneObject(ports(), second),
      ingestDropZoneObject(ports(), first),
    ]);
    expect([a.entry.rows, b.entry.rows]).toEqual([4, 6]);
    expect(await assertComplete(dir)).toBe(6);
  });

  it("an older event retried after the newer one was accepted does not replace it", async () => {
    const { dir, base, ports } = setup();
    const older = await upload(base, "older.csv", small(4), 1_000);
    const newer = await upload(base, "newer.csv", small(6), 2_000);
    const throttled = faultyStore(base, 1);
    await expect(ingestDropZoneObject(ports(throttled.store), older)).rejects.toThrow(InjectedFault);
    await ingestDropZoneObject(ports(), newer);
    const retried = await ingestDropZoneObject(ports(), older);
    expect(retried).toMatchObject({ status: "accepted", current: false });
    expect(await assertComplete(dir)).toBe(6);
  });
});

describe("figures read one consistent snapshot", () => {
  it("a run opened before a delivery commits keeps reading the state it started with", async () => {
    const { dir, base, ports } = setup();
    await ingestDropZoneObject(ports(), await upload(base, "a.csv", small(3), 1_000));
    const runtime = createRuntime({ mode: "local", dataDir: dir });
    const engine = await runtime.openQueryEngine();
    try {
      await ingestDropZoneObject(ports(), await upload(base, "b.csv", small(8), 2_000));
      expect(await engine.query("SELECT rows FROM current_delivery")).toEqual([{ rows: 3 }]);
      expect(await engine.query("SELECT count(*) AS n FROM measures")).toEqual([{ n: 3 }]);
    } finally {
      await engine.close();
    }
    expect(await assertComplete(dir)).toBe(8);
  });

  it("10 figures runs during deliveries each agree with themselves", async () => {
    const { dir, base, ports } = setup();
    await ingestDropZoneObject(ports(), await upload(base, "a.csv", small(3), 1_000));
    const runtime = createRuntime({ mode: "local", dataDir: dir });
    for (let i = 0; i < 10; i++) {
      const rows = 300 + i;
      const delivery = upload(
        base,
        `d${i}.csv`,
        generateDeliveryCsv({ location: "AB", quarter: "2023-Q1", rows, seed: i + 7 }),
        2_000 + i,
      ).then((e) => ingestDropZoneObject(ports(), e));
      const model = await figuresFor(runtime, { from: "2023-Q1", to: "2023-Q1", location: "AB" });
      await delivery;
      const status = model.deliveries.find((d) => d.location === "AB");
      expect([3, rows - 1, rows]).toContain(model.total);
      expect(status?.rows).toBe(model.total);
      expect(model.byStartHour.reduce((s, h) => s + h.count, 0)).toBe(model.total);
      expect(model.byMonth.reduce((s, m) => s + m.count, 0)).toBe(model.total);
    }
  });
});

describe("one damaged object breaks only what it belongs to", () => {
  async function twoLocations() {
    const s = setup();
    const cd = csvBytes([["CD0001", "03.02.2023", "10:00", "", "", "", "16", ""]]);
    await ingestDropZoneObject(s.ports(), await upload(s.base, "ab.csv", small(3), 1_000));
    const { version } = await s.base.put("dropzone", "CD/2023-Q1/all/cd.csv", cd);
    await ingestDropZoneObject(s.ports(), {
      key: "CD/2023-Q1/all/cd.csv",
      version,
      receivedAt: new Date(1_000),
    });
    const cli = async (...args: string[]) => {
      const c = captureIo({});
      const code = await run([...args, "--data-dir", s.dir, "--json"], c.io);
      return { code, out: c.out(), err: c.err() };
    };
    return { ...s, cli };
  }

  for (const [what, damage] of [
    ["a truncated Parquet object", (b: Uint8Array) => b.subarray(0, Math.floor(b.length / 2))],
    ["a zero-byte Parquet object", () => new Uint8Array(0)],
  ] as const) {
    it(`${what}: the other location works, the national figures refuse and name it`, async () => {
      const { dir, cli } = await twoLocations();
      const abKey = (await createFolderStore(dir).list("curated", "measures/location=AB/"))[0] as string;
      const file = join(dir, "curated", abKey);
      const { readFileSync } = await import("node:fs");
      writeFileSync(file, damage(new Uint8Array(readFileSync(file))));
      const cd = await cli("figures", "--quarter", "2023-Q1", "--location", "CD");
      expect(cd.code).toBe(0);
      expect(JSON.parse(cd.out).total).toBe(1);
      const national = await cli("figures", "--quarter", "2023-Q1");
      expect(national.code).toBe(2);
      expect(national.err).toContain(abKey);
      expect(national.err).toMatch(/beschadigd/);
      expect(national.err).not.toMatch(/SELECT|Exception|ZodError/);
      const ab = await cli("figures", "--quarter", "2023-Q1", "--location", "AB");
      expect(ab.code).toBe(2);
    });
  }

  it("a malformed delivery-log line: named in Dutch, other locations keep working", async () => {
    const { dir, cli } = await twoLocations();
    const logDir = join(dir, "curated", "delivery-log", "AB", "2023-Q1");
    writeFileSync(join(logDir, "ffffffffffffffffffff.json"), '{"attempt_id": "ffffffffffffffffffff", "stat');
    expect((await cli("figures", "--quarter", "2023-Q1", "--location", "CD")).code).toBe(0);
    const national = await cli("figures", "--quarter", "2023-Q1");
    expect(national.code).toBe(2);
    expect(national.err).toContain("delivery-log/AB/2023-Q1/ffffffffffffffffffff.json");
    expect(national.err).toContain("geen geldige JSON");
  });

  it("a damaged previous quarter never blocks the next delivery: accepted, rise check skipped with the reason", async () => {
    const { dir, base, ports } = setup();
    await ingestDropZoneObject(ports(), await upload(base, "q1.csv", small(3), 1_000));
    const q1 = (await base.list("curated", "measures/"))[0] as string;
    writeFileSync(join(dir, "curated", q1), "not parquet");
    const q2 = csvBytes([["AB0001", "03.04.2023", "10:00", "", "", "", "16", ""]]);
    const { version } = await base.put("dropzone", "AB/2023-Q2/all/q2.csv", q2);
    const out = await ingestDropZoneObject(ports(), {
      key: "AB/2023-Q2/all/q2.csv",
      version,
      receivedAt: new Date(2_000),
    });
    expect(out.status).toBe("accepted");
    const receipt = JSON.parse(
      new TextDecoder().decode((await base.get("receipts", out.entry.report_key))?.body),
    );
    expect(receipt.signals).toMatchObject({ comparedWith: null, rises: [] });
    expect(receipt.signals.unavailable).toContain(q1);
  });
});

describe("leftovers, storage errors and the locations config", () => {
  it("temporary files of a killed write are removed by the next deliver, and never listed", async () => {
    const { dir } = setup();
    const runtime = createRuntime({ mode: "local", dataDir: dir });
    const leftover = join(dir, "curated", "measures", "location=AB", "quarter=2023-Q1");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(leftover, { recursive: true });
    // A pid that does not run (pid_max is at most 2^22 on Linux).
    writeFileSync(join(leftover, "x.parquet.tmp-4194399-0"), new Uint8Array(3 * 1024 * 1024));
    expect(await runtime.store.list("curated", "")).toEqual([]);
    const c = captureIo({});
    writeFileSync(join(dir, "q.csv"), small(2));
    expect(
      await run(
        ["deliver", join(dir, "q.csv"), "--location", "AB", "--quarter", "2023-Q1", "--data-dir", dir],
        c.io,
      ),
    ).toBe(0);
    expect(filesUnder(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("a locations config of [] is refused in Dutch instead of switching the check off; field errors name the field", async () => {
    const { dir } = setup();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "config"), { recursive: true });
    writeFileSync(join(dir, "q.csv"), small(2));
    const deliver = async () => {
      const c = captureIo({});
      const code = await run(
        ["deliver", join(dir, "q.csv"), "--location", "AB", "--quarter", "2023-Q1", "--data-dir", dir],
        c.io,
      );
      return { code, err: c.err() };
    };
    writeFileSync(join(dir, "config", "locations.json"), "[]");
    const empty = await deliver();
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/lijst is leeg/);
    writeFileSync(
      join(dir, "config", "locations.json"),
      JSON.stringify([
        { code: "AB", name: "De Eik", emails: ["registratie@eik.example"] },
        { code: "CD", name: "", emails: ["geen-adres"] },
      ]),
    );
    const wrong = await deliver();
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("locatie 2 (CD), veld name");
    expect(wrong.err).toContain("locatie 2 (CD), veld emails[0]");
    expect(wrong.err).not.toMatch(/Invalid|expected/);
    expect(existsSync(join(dir, "curated"))).toBe(false);
    expect(readdirSync(dir).includes("keys")).toBe(false);
  });
});
