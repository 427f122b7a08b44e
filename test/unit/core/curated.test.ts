import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { encodeMeasures } from "../../../functions/core/curated.ts";
import { validateDelivery } from "../../../functions/core/validate/delivery.ts";
import { generateDeliveryCsv } from "../../../functions/demo/generate.ts";
import { tempDir } from "../../helpers.ts";

describe("encodeMeasures", () => {
  it("writes a large delivery row group by row group, with the same rows as in one row group", async () => {
    // Prepare
    const csv = generateDeliveryCsv({ location: "BM", quarter: "2023-Q1", rows: 1000, seed: 3 });
    const { measures, codebook } = await validateDelivery(csv, {
      location: "BM",
      quarter: "2023-Q1",
      scope: "all",
      fileName: "bm.csv",
    });
    if (!measures) throw new Error("not valid");
    const pseudonyms = new Map(measures.youthNumbers.map((y) => [y, `p-${y}`]));
    const meta = { deliveryId: "d1", codebook };

    // Act
    const whole = await encodeMeasures(measures, pseudonyms, meta);
    const grouped = await encodeMeasures(measures, pseudonyms, meta, 300);

    // Assess
    const temp = tempDir();
    try {
      const db = await DuckDBInstance.create(":memory:");
      const c = await db.connect();
      const facts = async (bytes: Uint8Array, name: string) => {
        const file = join(temp.dir, name);
        writeFileSync(file, bytes);
        const groups = await c.runAndReadAll(
          `SELECT count(DISTINCT row_group_id)::INT, max(row_group_num_rows)::INT FROM parquet_metadata('${file}')`,
        );
        const rows = await c.runAndReadAll(
          `SELECT count(*)::INT, md5(string_agg(t::VARCHAR, '|' ORDER BY source_row)) FROM read_parquet('${file}') t`,
        );
        const types = await c.runAndReadAll(
          `SELECT name, type, converted_type FROM parquet_schema('${file}') ORDER BY name`,
        );
        return { groups: groups.getRows()[0], rows: rows.getRows()[0], types: types.getRows() };
      };
      const one = await facts(whole, "whole.parquet");
      const four = await facts(grouped, "grouped.parquet");
      c.closeSync();
      expect(one.groups).toEqual([1, 1000]);
      expect(four.groups).toEqual([4, 300]);
      expect(four.rows).toEqual(one.rows);
      expect(four.rows?.[0]).toBe(1000);
      expect(four.types).toEqual(one.types);
    } finally {
      temp.cleanup();
    }
  });
});
