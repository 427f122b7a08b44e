import type { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { aggregates } from "../../queries/aggregates.ts";
import {
  currentDeliveryColumns,
  currentDeliverySql,
  deliveryLogEntry,
  measureColumns,
  measuresViewSql,
  occupancyColumns,
} from "../../schemas/curated.ts";
import { locationCode, quarterId } from "../../schemas/delivery.ts";
import { flat, type Json, props, resourcesOf, sharedAssembly } from "./assembly.ts";

let catalog: Template;

beforeAll(async () => {
  catalog = (await sharedAssembly()).assembly.template("VbmCatalog");
}, 360_000);

interface TableInput {
  Name: string;
  TableType: string;
  ViewOriginalText?: string;
  ViewExpandedText?: string;
  Parameters: Record<string, unknown>;
  PartitionKeys?: { Name: string; Type: string }[];
  StorageDescriptor: {
    Columns: { Name: string; Type: string }[];
    Location: unknown;
    InputFormat: string;
    SerdeInfo: { SerializationLibrary: string };
  };
}

function tables(database: string): Map<string, TableInput> {
  const dbId = resourcesOf(catalog, "AWS::Glue::Database").find(
    ([, r]) => (props(r).DatabaseInput as Json).Name === database,
  )?.[0];
  expect(dbId).toBeDefined();
  const out = new Map<string, TableInput>();
  for (const [, r] of resourcesOf(catalog, "AWS::Glue::Table")) {
    if ((props(r).DatabaseName as Json).Ref !== dbId) continue;
    const input = props(r).TableInput as TableInput;
    out.set(input.Name, input);
  }
  return out;
}

const GLUE: Record<string, string> = {
  VARCHAR: "string",
  INTEGER: "int",
  SMALLINT: "smallint",
  TIMESTAMP: "timestamp",
  BOOLEAN: "boolean",
  DOUBLE: "double",
};
const quarters = (values: unknown) => String(values).split(",");
const PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";

/** The years of the quarters a delivery can be for, found by asking the drop-zone contract. */
function ingestYears(): { first: number; last: number } {
  const accepts = (y: number) => quarterId.safeParse(`${String(y).padStart(4, "0")}-Q2`).success;
  let first = 0;
  while (!accepts(first)) first++;
  let last = first;
  while (accepts(last + 1)) last++;
  return { first, last };
}

describe("vbm_curated", () => {
  it("holds measures_all, delivery_log and occupancy as external tables, and the views current_delivery and measures", () => {
    const t = tables("vbm_curated");
    expect([...t.keys()].sort()).toEqual([
      "current_delivery",
      "delivery_log",
      "measures",
      "measures_all",
      "occupancy",
    ]);
    for (const [name, table] of t)
      expect(table.TableType, name).toBe(
        name === "measures" || name === "current_delivery" ? "VIRTUAL_VIEW" : "EXTERNAL_TABLE",
      );
  });

  it("declares measures_all with the curated schema's columns and projected location/quarter partitions", () => {
    const m = tables("vbm_curated").get("measures_all") as TableInput;
    expect(m.StorageDescriptor.Columns.map((c) => [c.Name, c.Type])).toEqual(
      measureColumns.map((c) => [c.name, GLUE[c.sql]]),
    );
    expect(m.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(PARQUET_SERDE);
    expect(m.PartitionKeys).toEqual([
      { Name: "location", Type: "string" },
      { Name: "quarter", Type: "string" },
    ]);
    expect(m.Parameters["projection.enabled"]).toBe("true");
    expect(flat(m.Parameters["storage.location.template"])).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholders
      "s3://vbm-curated-<AWS::AccountId>-<AWS::Region>/measures/location=${location}/quarter=${quarter}/",
    );
    expect(flat(m.StorageDescriptor.Location)).toBe(
      "s3://vbm-curated-<AWS::AccountId>-<AWS::Region>/measures/",
    );
  });

  it("projects every location code the ingest accepts, not only the configured ones", () => {
    const p = (tables("vbm_curated").get("measures_all") as TableInput).Parameters;
    expect(p["projection.location.type"]).toBe("enum");
    const codes = String(p["projection.location.values"]).split(",");
    expect(codes).toHaveLength(26 * 26);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(locationCode.safeParse(c).success, c).toBe(true);
    // Two capital letters is all the ingest accepts: AA..ZZ is all of it.
    expect(codes[0]).toBe("AA");
    expect(codes.at(-1)).toBe("ZZ");
    // Not derived from the locations config (here AB, CD, EF): the codes of historical
    // deliveries of locations that left the config (e.g. the trend fixtures' LA..LF) stay
    // queryable, so their history counts in the trend analysis.
    for (const c of ["LA", "LF", "ZO"]) expect(codes, c).toContain(c);
  });

  it("projects every quarter a stored row can have, on measures_all and on every aggregate table", () => {
    const { first, last } = ingestYears();
    expect(first).toBeLessThanOrEqual(2019); // historical deliveries from 2019 on
    const expected = (last - first + 1) * 4;
    const check = (name: string, p: Record<string, unknown>) => {
      expect(p["projection.quarter.type"], name).toBe("enum");
      const q = quarters(p["projection.quarter.values"]);
      expect(q, name).toHaveLength(expected);
      expect(q[0], name).toBe(`${first}-Q1`);
      expect(q.at(-1), name).toBe(`${last}-Q4`);
      // 2019-Q4: the first historical seclusion-only deliveries of the trend analysis.
      for (const x of [q[0], q.at(-1), "2019-Q1", "2019-Q4", "2024-Q3"])
        expect(quarterId.safeParse(x).success && q.includes(x as string)).toBe(true);
    };
    check("measures_all", (tables("vbm_curated").get("measures_all") as TableInput).Parameters);
    // Athena refuses a projection of more than 1,000,000 partitions for one query.
    const p = (tables("vbm_curated").get("measures_all") as TableInput).Parameters;
    expect(
      quarters(p["projection.quarter.values"]).length * quarters(p["projection.location.values"]).length,
    ).toBeLessThan(1_000_000);
    for (const [name, t] of tables("vbm_aggregates")) check(name, t.Parameters);
    // The Glue limit on a table's metadata (about 1 MB gzip) is far away; the template stays below 1 MB.
    expect(JSON.stringify(catalog.toJSON()).length).toBeLessThan(1024 * 1024);
  });

  /** The definition Athena reads from a Presto view's `viewOriginalText`. */
  const viewDefinition = (name: string) => {
    const v = tables("vbm_curated").get(name) as TableInput;
    expect(v.Parameters).toEqual({ presto_view: "true", comment: "Presto View" });
    expect(v.ViewExpandedText).toBe("/* Presto View */");
    const m = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(v.ViewOriginalText ?? "");
    expect(m, v.ViewOriginalText).not.toBeNull();
    const definition = JSON.parse(Buffer.from(m?.[1] as string, "base64").toString("utf8")) as {
      originalSql: string;
      catalog: string;
      schema: string;
      columns: { name: string; type: string }[];
    };
    expect(definition.catalog).toBe("awsdatacatalog");
    expect(definition.schema).toBe("vbm_curated");
    expect(v.StorageDescriptor.Columns.map((c) => c.Name)).toEqual(definition.columns.map((c) => c.name));
    return definition;
  };

  it("defines current_delivery as a Presto view over delivery_log, with the product's own SQL", () => {
    const d = viewDefinition("current_delivery");
    expect(d.originalSql).toBe(currentDeliverySql);
    expect(d.columns.map((c) => c.name)).toEqual([...currentDeliveryColumns]);
    expect(d.columns.find((c) => c.name === "rows")?.type).toBe("integer");
    for (const c of d.columns) if (c.name !== "rows") expect(c.type, c.name).toBe("varchar");
  });

  it("defines measures as a Presto view: the rows of the current delivery of each location and quarter", () => {
    const definition = viewDefinition("measures");
    const PRESTO: Record<string, string> = {
      VARCHAR: "varchar",
      INTEGER: "integer",
      SMALLINT: "smallint",
      TIMESTAMP: "timestamp(3)",
      BOOLEAN: "boolean",
      DOUBLE: "double",
    };
    const columns = [
      ...measureColumns.map((c) => ({ name: c.name, type: PRESTO[c.sql] })),
      { name: "location", type: "varchar" },
      { name: "quarter", type: "varchar" },
    ];
    expect(definition.columns).toEqual(columns);
    expect(definition.originalSql).toBe(measuresViewSql(columns.map((c) => c.name)));
    expect(definition.originalSql).toMatch(/FROM measures_all m\s+JOIN current_delivery c/);
  });

  it("declares the delivery log as JSON lines with every log field, numbers typed", () => {
    const d = tables("vbm_curated").get("delivery_log") as TableInput;
    expect(d.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe("org.openx.data.jsonserde.JsonSerDe");
    const types = Object.fromEntries(d.StorageDescriptor.Columns.map((c) => [c.Name, c.Type]));
    expect(Object.keys(types)).toEqual(Object.keys(deliveryLogEntry.shape));
    expect(types).toMatchObject({ file_bytes: "bigint", rows: "int", errors: "int", warnings: "int" });
    const strings = Object.entries(types).filter(([, t]) => t === "string");
    expect(strings).toHaveLength(Object.keys(types).length - 4);
    expect(flat(d.StorageDescriptor.Location)).toBe(
      "s3://vbm-curated-<AWS::AccountId>-<AWS::Region>/delivery-log/",
    );
    expect(d.PartitionKeys).toBeUndefined();
  });

  it("declares occupancy as Parquet with the occupancy columns", () => {
    const o = tables("vbm_curated").get("occupancy") as TableInput;
    expect(o.StorageDescriptor.Columns.map((c) => [c.Name, c.Type])).toEqual(
      occupancyColumns.map((c) => [c.name, GLUE[c.sql]]),
    );
    expect(o.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(PARQUET_SERDE);
    expect(flat(o.StorageDescriptor.Location)).toBe(
      "s3://vbm-curated-<AWS::AccountId>-<AWS::Region>/occupancy/",
    );
  });
});

describe("vbm_aggregates", () => {
  it("has one table per aggregate definition: its columns, location, suppressed flag and a projected quarter", () => {
    const t = tables("vbm_aggregates");
    expect([...t.keys()].sort()).toEqual(aggregates.map((a) => a.name).sort());
    for (const agg of aggregates) {
      const table = t.get(agg.name) as TableInput;
      expect(table.StorageDescriptor.Columns.map((c) => [c.Name, c.Type])).toEqual([
        ...agg.columns.map((c) => [c.name, c.type]),
        ["location", "string"],
        ["suppressed", "boolean"],
      ]);
      expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(PARQUET_SERDE);
      expect(table.PartitionKeys).toEqual([{ Name: "quarter", Type: "string" }]);
      expect(table.Parameters["projection.enabled"]).toBe("true");
      expect(table.Parameters["projection.quarter.type"]).toBe("enum");
      expect(flat(table.Parameters["storage.location.template"])).toBe(
        `s3://vbm-aggregates-<AWS::AccountId>-<AWS::Region>/${agg.name}/quarter=\${quarter}/`,
      );
    }
  });
});

describe("Athena workgroups", () => {
  const workgroups = () =>
    new Map(
      resourcesOf(catalog, "AWS::Athena::WorkGroup").map(
        ([, r]) => [props(r).Name as string, props(r)] as const,
      ),
    );

  it("has a facilitator and an IGJ workgroup", () => {
    expect([...workgroups().keys()].sort()).toEqual(["vbm-facilitator", "vbm-igj"]);
  });

  it("enforces engine v3, SSE-KMS results with the data key, a scan cutoff and CloudWatch metrics", () => {
    const prefixes = new Set<string>();
    for (const [name, wg] of workgroups()) {
      const c = wg.WorkGroupConfiguration as Json;
      expect(c.EnforceWorkGroupConfiguration).toBe(true);
      expect(c.PublishCloudWatchMetricsEnabled).toBe(true);
      expect(c.BytesScannedCutoffPerQuery).toBe(10 * 1024 ** 3);
      expect(c.EngineVersion).toEqual({ SelectedEngineVersion: "Athena engine version 3" });
      const result = c.ResultConfiguration as Json;
      const enc = result.EncryptionConfiguration as Json;
      expect(enc.EncryptionOption).toBe("SSE_KMS");
      expect(flat(enc.KmsKey)).toMatch(/^<output:.*DataKey.*Arn.*>$/);
      const location = flat(result.OutputLocation);
      expect(location).toMatch(/^s3:\/\/vbm-athena-results-<AWS::AccountId>-<AWS::Region>\/[a-z]+\/$/);
      prefixes.add(location);
      expect(name).toMatch(/^vbm-/);
    }
    expect(prefixes.size).toBe(2);
  });
});
