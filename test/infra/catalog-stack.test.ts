import type { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aggregates } from "../../queries/aggregates.ts";
import { deliveryLogEntry, measureColumns, occupancyColumns } from "../../schemas/curated.ts";
import { type BuiltApp, buildApp, flat, type Json, props, resourcesOf } from "./build-app.ts";

let built: BuiltApp;
let catalog: Template;

beforeAll(() => {
  built = buildApp();
  catalog = built.template(built.stacks.catalog);
}, 60_000);
afterAll(() => built?.dispose());

interface TableInput {
  Name: string;
  TableType: string;
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

describe("vbm_curated", () => {
  it("holds exactly measures, delivery_log and occupancy, declared as external tables", () => {
    const t = tables("vbm_curated");
    expect([...t.keys()].sort()).toEqual(["delivery_log", "measures", "occupancy"]);
    for (const table of t.values()) expect(table.TableType).toBe("EXTERNAL_TABLE");
  });

  it("declares measures with the curated schema's columns and projected location/quarter partitions", () => {
    const m = tables("vbm_curated").get("measures") as TableInput;
    expect(m.StorageDescriptor.Columns.map((c) => [c.Name, c.Type])).toEqual(
      measureColumns.map((c) => [c.name, GLUE[c.sql]]),
    );
    expect(m.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(PARQUET_SERDE);
    expect(m.PartitionKeys).toEqual([
      { Name: "location", Type: "string" },
      { Name: "quarter", Type: "string" },
    ]);
    const p = m.Parameters;
    expect(p["projection.enabled"]).toBe("true");
    expect(p["projection.location.type"]).toBe("enum");
    expect(p["projection.location.values"]).toBe(built.stacks.config.locations.map((l) => l.code).join(","));
    expect(p["projection.quarter.type"]).toBe("enum");
    const q = quarters(p["projection.quarter.values"]);
    expect(q).toHaveLength(13 * 4);
    expect(q[0]).toBe("2023-Q1");
    expect(q.at(-1)).toBe("2035-Q4");
    expect(flat(p["storage.location.template"])).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholders
      "s3://vbm-curated-<AWS::AccountId>-<AWS::Region>/measures/location=${location}/quarter=${quarter}/",
    );
    expect(flat(m.StorageDescriptor.Location)).toBe(
      "s3://vbm-curated-<AWS::AccountId>-<AWS::Region>/measures/",
    );
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
      expect(quarters(table.Parameters["projection.quarter.values"])).toHaveLength(52);
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
