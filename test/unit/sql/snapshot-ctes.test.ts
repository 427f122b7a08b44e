/**
 * On Athena a run's snapshot is put in front of every query as CTEs (`withSnapshot`). Checked
 * here: the result is valid Trino with its parameters still only in WHERE clauses, and, run on
 * DuckDB over *all* attempt objects (superseded ones too), it gives exactly what the local
 * engine gives over the snapshot's own files.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSnapshot } from "../../../functions/adapters/aws/athena-engine.ts";
import { measuresAllColumns } from "../../../functions/adapters/local/duckdb-dialect.ts";
import { createDuckDbEngine } from "../../../functions/adapters/local/duckdb-engine.ts";
import { createFolderStore } from "../../../functions/adapters/local/folder-store.ts";
import { resolveSnapshot, type Snapshot } from "../../../functions/core/current.ts";
import { bindParams, loadQuery, queryNames } from "../../../queries/index.ts";
import { checkParameters } from "./athena-params.ts";
import { attempt, makeCuratedDir, removeDir, writeLog, writeMeasures } from "./fixtures.ts";

let dir: string;
let snapshot: Snapshot;
beforeAll(async () => {
  dir = makeCuratedDir();
  // AB 2023-Q1: an older upload (processed last) and a newer one; only the newer counts, but
  // the older attempt's object exists too (each attempt writes its own before it commits).
  writeLog(dir, {
    attempt_id: attempt(1),
    location: "AB",
    quarter: "2023-Q1",
    status: "accepted",
    rows: 1,
    received_at: "2023-04-01 09:00:00.000",
    processed_at: "2023-04-02 09:06:00.000",
  });
  await writeMeasures(dir, "AB", "2023-Q1", [{ youth: "p7", start: "2023-01-05 10:00", type: 3 }]);
  writeLog(dir, {
    attempt_id: attempt(2),
    location: "AB",
    quarter: "2023-Q1",
    status: "accepted",
    rows: 3,
    received_at: "2023-04-02 09:00:00.000",
    processed_at: "2023-04-02 09:05:00.000",
  });
  await writeMeasures(dir, "AB", "2023-Q1", [
    { youth: "p1", start: "2023-01-03 10:00", type: 3 },
    { youth: "p1", start: "2023-01-04 11:00", type: 6 },
    { youth: "p2", start: "2023-02-04 12:00", type: 16 },
  ]);
  await writeMeasures(dir, "CD", "2023-Q1", [{ youth: "p9", start: "2023-03-01 08:00", type: 10 }]);
  snapshot = await resolveSnapshot(createFolderStore(dir, { areaDirs: { curated: dir } }));
});
afterAll(() => removeDir(dir));

const values = { from: "2023-Q1", to: "2023-Q1", location: null, seclusionCategory: "gedwongen_afzonderen" };

describe("withSnapshot (Athena)", () => {
  it("keeps every query valid Trino with parameters only in WHERE", () => {
    for (const name of queryNames()) {
      const check = checkParameters(withSnapshot(loadQuery(name), snapshot.current));
      expect(check.syntaxErrors, name).toEqual([]);
      expect(check.misplaced, name).toEqual([]);
    }
    expect(
      checkParameters(withSnapshot("SELECT 1 FROM measures WHERE quarter = ?", [])).syntaxErrors,
    ).toEqual([]);
  });

  it("gives the same results as the snapshot engine, while all attempt objects are in the table", async () => {
    expect(snapshot.current.map((c) => [c.location, c.attempt_id])).toEqual([
      ["AB", attempt(2)],
      ["CD", expect.any(String)],
    ]);
    const engine = await createDuckDbEngine({ curatedDir: dir, snapshot });
    try {
      const expected = new Map<string, unknown>();
      for (const name of queryNames())
        expected.set(name, await engine.query(loadQuery(name), bindParams(name, values)));
      // Now `measures_all` holds every object, the superseded attempt included, as the Glue table does.
      const cols = measuresAllColumns.map((c) => `CAST("${c.name}" AS ${c.sql}) AS "${c.name}"`).join(", ");
      await engine.query(
        `CREATE OR REPLACE VIEW measures_all AS SELECT ${cols} FROM read_parquet('${dir}/measures/*/*/*.parquet', hive_partitioning = true, hive_types = {'location': VARCHAR, 'quarter': VARCHAR})`,
      );
      expect(await engine.query("SELECT count(*) AS n FROM measures_all")).toEqual([{ n: 5 }]);
      for (const name of queryNames())
        expect(
          await engine.query(withSnapshot(loadQuery(name), snapshot.current), bindParams(name, values)),
          name,
        ).toEqual(expected.get(name));
      expect(expected.get("totals")).toEqual([expect.objectContaining({ total: 4 })]);
    } finally {
      await engine.close();
    }
  });
});
