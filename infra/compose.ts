import { type App, Tags } from "aws-cdk-lib";
import { type InfraConfig, loadInfraConfig } from "./config.ts";
import { addNagPacks } from "./nag.ts";
import { AccessStack } from "./stacks/access-stack.ts";
import { CatalogStack } from "./stacks/catalog-stack.ts";
import { DataStack } from "./stacks/data-stack.ts";
import { DocumentsStack } from "./stacks/documents-stack.ts";
import { PipelineStack } from "./stacks/pipeline-stack.ts";
import { PortalStack } from "./stacks/portal-stack.ts";

export interface VbmStacks {
  readonly config: InfraConfig;
  readonly data: DataStack;
  readonly catalog: CatalogStack;
  readonly pipeline: PipelineStack;
  readonly access: AccessStack;
  readonly documents: DocumentsStack;
  readonly portal: PortalStack;
}

/**
 * Wires the stacks of the monitor into `app`: data (keys, buckets) → catalog (Glue, Athena) →
 * pipeline (functions), documents, access (roles) and the portal. Configuration comes from the `vbm:*` context
 * (cdk.json). No account or region is fixed: the stacks deploy into the environment of the
 * credentials used.
 */
export function composeVbm(app: App): VbmStacks {
  const config = loadInfraConfig(app.node);
  const data = new DataStack(app, "VbmData", {
    description: "vbm-monitor: KMS keys and S3 buckets (all data at rest)",
    terminationProtection: config.retainData,
    config,
  });
  const keys = { dataKey: data.dataKey, pseudonymKey: data.pseudonymKey };
  const catalog = new CatalogStack(app, "VbmCatalog", {
    description: "vbm-monitor: Glue catalog (curated, aggregates) and Athena workgroups",
    config,
    dataKey: data.dataKey,
  });
  const pipeline = new PipelineStack(app, "VbmPipeline", {
    description: "vbm-monitor: ingest and materialise functions, schedule, queues and alarms",
    config,
    ...keys,
  });
  const access = new AccessStack(app, "VbmAccess", {
    description: "vbm-monitor: upload roles per location, facilitator, IGJ analyst and break-glass roles",
    config,
    ...keys,
  });
  const documents = new DocumentsStack(app, "VbmDocuments", {
    description: "vbm-monitor: factsheets, reminders and the national report (SES)",
    config,
    dataKey: data.dataKey,
    alarmTopic: pipeline.alarmTopic,
  });
  const portal = new PortalStack(app, "VbmPortal", {
    description: "vbm-monitor: the portal (CloudFront, API Gateway, Lambda, Cognito) and its static files",
    config,
    dataKey: data.dataKey,
  });
  // Buckets, tables and workgroups are referenced by name, so make the order explicit.
  catalog.addStackDependency(data);
  pipeline.addStackDependency(catalog);
  access.addStackDependency(catalog);
  access.addStackDependency(pipeline);
  documents.addStackDependency(catalog);
  documents.addStackDependency(pipeline);
  access.addStackDependency(documents);
  portal.addStackDependency(catalog);
  portal.addStackDependency(pipeline);

  Tags.of(app).add("project", "vbm-monitor");
  addNagPacks(app);
  return { config, data, catalog, pipeline, access, documents, portal };
}
