import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { type InfraConfig, loadInfraConfig, repoRoot } from "../../infra/config.ts";
import { type RunResult, run, SYNTH_TIMEOUT_MS, sharedSynthResult } from "./shared-synth.ts";

export { type RunResult, run };

/**
 * The cloud assemblies the infra tests read. Synthesis never runs inside a test worker: it runs
 * in child processes started asynchronously, so a worker only awaits (and keeps answering
 * vitest) however busy the machine is.
 *
 * - `sharedAssembly()`: `npx cdk synth` exactly as a developer or CI runs it (bundling every
 *   function, cdk-nag, CloudFormation's built-in rules), once per vitest run: the global setup
 *   starts it when the run includes the infra tests, otherwise the first worker that asks; the
 *   others wait for its result file (test/infra/shared-synth.ts). Every test of the default
 *   configuration (cdk.json) reads this one assembly.
 * - `synthVariant(overrides)`: the app with other context values, without bundling
 *   (test/infra/synth-app.ts), for the few tests of other configurations.
 */

export type Json = Record<string, unknown>;
export const STACKS = [
  "VbmData",
  "VbmCatalog",
  "VbmPipeline",
  "VbmAccess",
  "VbmDocuments",
  "VbmPortal",
] as const;
export type StackName = (typeof STACKS)[number];

/** A synthesised cloud assembly on disk. */
export class Assembly {
  private readonly templates = new Map<string, Template>();
  constructor(readonly dir: string) {}

  json(stack: string): Json {
    return JSON.parse(readFileSync(join(this.dir, `${stack}.template.json`), "utf8"));
  }

  template(stack: StackName | string): Template {
    let t = this.templates.get(stack);
    if (!t) {
      t = Template.fromJSON(this.json(stack), { skipCyclicalDependenciesCheck: true });
      this.templates.set(stack, t);
    }
    return t;
  }

  /** The construct metadata of a stack, by construct path (`<stack>.metadata.json`). */
  metadata(stack: string): Record<string, { type: string; data?: unknown }[]> {
    const file = join(this.dir, `${stack}.metadata.json`);
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  }

  validationReport(): {
    pluginReports: { pluginName: string; violations?: { ruleName: string; severity?: string }[] }[];
  } {
    return JSON.parse(readFileSync(join(this.dir, "validation-report.json"), "utf8"));
  }
}

/** The context `cdk synth` uses: everything in cdk.json (feature flags and `vbm:*`). */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(repoRoot, "cdk.json"), "utf8")).context;
}

/** The configuration the app reads from `context` (cdk.json's by default); no synthesis. */
export function infraConfig(overrides: Record<string, unknown> = {}): InfraConfig {
  return loadInfraConfig(new App({ context: { ...cdkJsonContext(), ...overrides } }).node);
}

export interface SharedSynth {
  readonly run: RunResult;
  readonly assembly: Assembly;
  /** `npx cdk synth`'s stdout and stderr, for failure messages. */
  readonly output: string;
}

let shared: Promise<SharedSynth> | undefined;

/** `npx cdk synth` of the default configuration, once per vitest run (see above). */
export function sharedAssembly(): Promise<SharedSynth> {
  shared ??= (async () => {
    // Test workers are children of the vitest process: its pid names the run.
    const { outdir, result } = await sharedSynthResult(process.ppid);
    const output = `${result.error ?? ""}\n${result.stdout}\n${result.stderr}`;
    if (!existsSync(join(outdir, "manifest.json")))
      throw new Error(`npx cdk synth wrote no cloud assembly (exit ${result.status}):\n${output}`);
    return { run: result, assembly: new Assembly(outdir), output };
  })();
  return shared;
}

export interface Variant {
  readonly run: RunResult;
  /** Undefined when the app refused to synthesise. */
  readonly assembly?: Assembly;
  dispose(): void;
}

/** The app with cdk.json's context plus `overrides`, synthesised in a child process (no bundling). */
export async function synthVariant(
  overrides: Record<string, unknown>,
  flags: string[] = [],
): Promise<Variant> {
  const outdir = mkdtempSync(join(tmpdir(), "vbm-infra-variant-"));
  const result = await run(
    process.execPath,
    ["--import", "tsx", join("test", "infra", "synth-app.ts"), outdir, JSON.stringify(overrides), ...flags],
    { timeoutMs: SYNTH_TIMEOUT_MS },
  );
  const ok = result.status === 0 && existsSync(join(outdir, "manifest.json"));
  return {
    run: result,
    ...(ok ? { assembly: new Assembly(outdir) } : {}),
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

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

/** All statements of the managed policies attached to a role (by logical id). */
export function statementsForRole(t: Template, roleId: string): Statement[] {
  return resourcesOf(t, "AWS::IAM::ManagedPolicy")
    .filter(([, p]) => asList(props(p).Roles as Json[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => statementsOf(props(p).PolicyDocument));
}

/** The Lambda function of a template by its physical name. */
export function functionNamed(t: Template, name: string): [string, Json] | undefined {
  return resourcesOf(t, "AWS::Lambda::Function").find(([, r]) => props(r).FunctionName === name);
}

/** Statements of the managed policies of a named function's role. */
export function statementsForFunction(t: Template, name: string): Statement[] {
  const found = functionNamed(t, name);
  if (!found) throw new Error(`no function ${name}`);
  const role = props(found[1]).Role as { "Fn::GetAtt": [string, string] };
  return statementsForRole(t, role["Fn::GetAtt"][0]);
}

/** Allowed actions → flattened resources, over statements that must all be allows. */
export function actionsOn(statements: Statement[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of statements) {
    if (s.Effect !== "Allow") throw new Error(`unexpected ${s.Effect} statement ${s.Sid}`);
    for (const a of asList(s.Action))
      out.set(a, [...(out.get(a) ?? []), ...asList(s.Resource).map(flat)].sort());
  }
  return out;
}

/** Whether a path exists (a file of an asset directory). */
export function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
