import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, type Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { composeVbm, type VbmStacks } from "../../infra/compose.ts";
import { repoRoot } from "../../infra/config.ts";

/** The context `cdk synth` would use: everything in cdk.json (feature flags and `vbm:*`). */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(repoRoot, "cdk.json"), "utf8")).context;
}

export interface BuiltApp {
  readonly app: App;
  readonly stacks: VbmStacks;
  /** The four stacks, in deployment order. */
  readonly allStacks: Stack[];
  readonly outdir: string;
  template(stack: Stack): Template;
  dispose(): void;
}

/**
 * Builds the whole app in memory with the cdk.json context plus `overrides`, and synthesises it
 * (which runs the cdk-nag packs: any unacknowledged finding throws here). Bundling the Lambda
 * code is the slow part, so only the stacks named in `bundle` are bundled (default: none; a
 * placeholder asset stands in). CloudFormation's built-in rule validation runs in the
 * `cdk synth` test; here it is off to keep the suite fast.
 */
export function buildApp(opts: { overrides?: Record<string, unknown>; bundle?: string[] } = {}): BuiltApp {
  const outdir = mkdtempSync(join(tmpdir(), "vbm-infra-"));
  const app = new App({
    outdir,
    builtinCloudFormationValidation: false,
    context: {
      ...cdkJsonContext(),
      ...opts.overrides,
      "aws:cdk:bundling-stacks": opts.bundle ?? [],
    },
  });
  let stacks: VbmStacks;
  try {
    stacks = composeVbm(app);
    app.synth();
  } catch (e) {
    rmSync(outdir, { recursive: true, force: true });
    throw e;
  }
  const templates = new Map<Stack, Template>();
  return {
    app,
    stacks,
    allStacks: [stacks.data, stacks.catalog, stacks.pipeline, stacks.access],
    outdir,
    template(stack) {
      let t = templates.get(stack);
      if (!t) {
        t = Template.fromStack(stack);
        templates.set(stack, t);
      }
      return t;
    },
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

export type Json = Record<string, unknown>;

/** Resources of one type in a template, as `[logicalId, resource]`. */
export function resourcesOf(t: Template, type: string): [string, Json][] {
  return Object.entries(t.findResources(type)) as [string, Json][];
}

export function props(resource: Json): Json {
  return resource.Properties as Json;
}

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export function statementsOf(policyDocument: unknown): Statement[] {
  return ((policyDocument as { Statement: Statement[] }).Statement ?? []) as Statement[];
}

export function asList<T>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/**
 * A CloudFormation value as flat text (`{"Ref":"AWS::Region"}` → `<AWS::Region>`, joins
 * concatenated), to compare ARNs built from pseudo parameters.
 */
export function flat(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const v = value as Json;
    if (Array.isArray(v["Fn::Join"])) {
      const [sep, parts] = v["Fn::Join"] as [string, unknown[]];
      return parts.map(flat).join(sep);
    }
    if (typeof v.Ref === "string") return `<${v.Ref}>`;
    if (Array.isArray(v["Fn::GetAtt"])) return `<${(v["Fn::GetAtt"] as string[]).join(".")}>`;
    if (v["Fn::GetStackOutput"]) return `<output:${(v["Fn::GetStackOutput"] as Json).OutputName as string}>`;
  }
  return JSON.stringify(value);
}

/** The bucket name `naming.ts` gives an area, flattened. */
export function flatBucketName(area: string): string {
  return `vbm-${area}-<AWS::AccountId>-<AWS::Region>`;
}
