import { Aws, CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import * as athena from "aws-cdk-lib/aws-athena";
import * as glue from "aws-cdk-lib/aws-glue";
import type * as kms from "aws-cdk-lib/aws-kms";
import type { Construct } from "constructs";
import { aggregates } from "../../queries/aggregates.ts";
import {
  aggregateColumns,
  CURATED_VIEWS,
  deliveryLogColumns,
  JSON_LINES_STORAGE,
  measuresColumns,
  occupancyTableColumns,
  PARQUET_STORAGE,
  prestoView,
  projectedLocationCodes,
  projectedQuarters,
} from "../catalog.ts";
import type { InfraConfig } from "../config.ts";
import {
  CURATED_PREFIXES,
  CURATED_TABLES,
  DATABASES,
  RESULT_PREFIXES,
  s3Url,
  WORKGROUPS,
} from "../naming.ts";

export interface CatalogStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly dataKey: kms.IKey;
}

/**
 * The Glue catalog and the Athena workgroups. Tables are declared (L1), never crawled, and
 * partitions are projected, so nothing has to run MSCK REPAIR or add partitions: a new
 * location/quarter object is queryable the moment it is written.
 */
export class CatalogStack extends Stack {
  readonly curatedDatabase: glue.CfnDatabase;
  readonly aggregatesDatabase: glue.CfnDatabase;
  readonly facilitatorWorkgroup: athena.CfnWorkGroup;
  readonly igjWorkgroup: athena.CfnWorkGroup;

  constructor(scope: Construct, id: string, props: CatalogStackProps) {
    super(scope, id, props);
    const { config } = props;
    const quarters = projectedQuarters().join(",");
    const locationCodes = projectedLocationCodes().join(",");

    this.curatedDatabase = new glue.CfnDatabase(this, "CuratedDatabase", {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: DATABASES.curated,
        description: "vbm-monitor curated data: pseudonymised measures, delivery log, occupancy (row level)",
      },
    });
    this.aggregatesDatabase = new glue.CfnDatabase(this, "AggregatesDatabase", {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: DATABASES.aggregates,
        description:
          "vbm-monitor aggregates per location and nationally, per quarter (the only data IGJ can read)",
      },
    });

    const table = (id: string, database: glue.CfnDatabase, input: glue.CfnTable.TableInputProperty) => {
      const t = new glue.CfnTable(this, id, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: database.ref,
        tableInput: { tableType: "EXTERNAL_TABLE", ...input },
      });
      t.addResourceDependency(database);
      return t;
    };

    // Both partition columns project everything the ingest can write (catalog.ts): every code
    // AA–ZZ and every quarter a stored row can have. Queries filter on quarter (all of the
    // product's do), so Athena lists only the partitions of the quarters asked for.
    table("MeasuresAllTable", this.curatedDatabase, {
      name: CURATED_TABLES.measuresAll,
      description:
        "One row per restrictive measure of every accepted delivery attempt (one Parquet object per attempt); query the view measures for the current deliveries",
      partitionKeys: [
        { name: "location", type: "string" },
        { name: "quarter", type: "string" },
      ],
      parameters: {
        classification: "parquet",
        "projection.enabled": "true",
        "projection.location.type": "enum",
        "projection.location.values": locationCodes,
        "projection.quarter.type": "enum",
        "projection.quarter.values": quarters,
        "storage.location.template": s3Url(
          "curated",
          `${CURATED_PREFIXES.measures}location=\${location}/quarter=\${quarter}/`,
        ),
      },
      storageDescriptor: {
        ...PARQUET_STORAGE,
        columns: measuresColumns,
        location: s3Url("curated", CURATED_PREFIXES.measures),
      },
    });

    // The views hold no data of their own: Athena expands them at query time. `measures` reads
    // `current_delivery`, which reads `delivery_log`.
    const view = (
      id: string,
      name: string,
      def: (typeof CURATED_VIEWS)[keyof typeof CURATED_VIEWS],
      description: string,
    ) => {
      const v = new glue.CfnTable(this, id, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.curatedDatabase.ref,
        tableInput: prestoView(name, DATABASES.curated, def.sql, def.columns, description),
      });
      v.addResourceDependency(this.curatedDatabase);
      return v;
    };
    view(
      "CurrentDeliveryView",
      CURATED_TABLES.currentDelivery,
      CURATED_VIEWS.currentDelivery,
      "The current delivery per location and quarter: of its accepted attempts the one uploaded last (from the delivery log)",
    );
    view(
      "MeasuresView",
      CURATED_TABLES.measures,
      CURATED_VIEWS.measures,
      "One row per restrictive measure of the current accepted delivery per location and quarter",
    );

    table("DeliveryLogTable", this.curatedDatabase, {
      name: CURATED_TABLES.deliveryLog,
      description: "One JSON line per delivery attempt (accepted or rejected); no youth numbers, no reasons",
      parameters: { classification: "json" },
      storageDescriptor: {
        ...JSON_LINES_STORAGE,
        columns: deliveryLogColumns,
        location: s3Url("curated", CURATED_PREFIXES.deliveryLog),
      },
    });

    table("OccupancyTable", this.curatedDatabase, {
      name: CURATED_TABLES.occupancy,
      description: "Average occupancy per location and month, one Parquet object per load",
      parameters: { classification: "parquet" },
      storageDescriptor: {
        ...PARQUET_STORAGE,
        columns: occupancyTableColumns,
        location: s3Url("curated", CURATED_PREFIXES.occupancy),
      },
    });

    for (const agg of aggregates) {
      table(
        `Aggregate${agg.name.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase())}Table`,
        this.aggregatesDatabase,
        {
          name: agg.name,
          description: `Aggregate ${agg.name} (queries/${agg.query}.sql) per location and nationally, materialised per quarter`,
          partitionKeys: [{ name: "quarter", type: "string" }],
          parameters: {
            classification: "parquet",
            "projection.enabled": "true",
            "projection.quarter.type": "enum",
            "projection.quarter.values": quarters,
            "storage.location.template": s3Url("aggregates", `${agg.name}/quarter=\${quarter}/`),
          },
          storageDescriptor: {
            ...PARQUET_STORAGE,
            columns: aggregateColumns(agg),
            location: s3Url("aggregates", `${agg.name}/`),
          },
        },
      );
    }

    const workgroup = (id: string, name: string, prefix: string, description: string) =>
      new athena.CfnWorkGroup(this, id, {
        name,
        description,
        state: "ENABLED",
        // Deleting the workgroup (only when the stack is deleted) also deletes its saved queries.
        recursiveDeleteOption: true,
        workGroupConfiguration: {
          enforceWorkGroupConfiguration: true,
          publishCloudWatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: config.athenaBytesScannedCutoff,
          engineVersion: { selectedEngineVersion: "Athena engine version 3" },
          resultConfiguration: {
            outputLocation: s3Url("athena-results", prefix),
            expectedBucketOwner: Aws.ACCOUNT_ID,
            // The ARN, not the alias: the results bucket refuses any other key id.
            encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKey: props.dataKey.keyArn },
          },
        },
      });
    this.facilitatorWorkgroup = workgroup(
      "FacilitatorWorkgroup",
      WORKGROUPS.facilitator,
      RESULT_PREFIXES.facilitator,
      "vbm-monitor: the network facilitator and the materialiser query the curated data",
    );
    this.igjWorkgroup = workgroup(
      "IgjWorkgroup",
      WORKGROUPS.igj,
      RESULT_PREFIXES.igj,
      "vbm-monitor: IGJ analysts query the aggregates only",
    );

    new CfnOutput(this, "FacilitatorWorkgroupName", { value: WORKGROUPS.facilitator });
    new CfnOutput(this, "IgjWorkgroupName", { value: WORKGROUPS.igj });
  }
}
