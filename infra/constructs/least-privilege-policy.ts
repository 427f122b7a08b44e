import { Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";

/** One allow statement of a role's policy. */
export interface Permission {
  /** Statement id (letters and digits): what this permission is for. */
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: Record<string, Record<string, unknown>>;
  /**
   * Why an action or resource needs a `*`. Required exactly when there is one: it becomes the
   * reason of the cdk-nag acknowledgement of that wildcard (AwsSolutions-IAM5), so every
   * wildcard in the app is justified where it is granted.
   */
  readonly wildcardReason?: string;
}

export interface LeastPrivilegePolicyProps {
  readonly description: string;
  readonly roles: iam.IRole[];
  readonly permissions: readonly Permission[];
}

/**
 * A customer-managed policy built from explicit permissions, attached to the given roles.
 * Managed rather than inline (HIPAA IAMNoInlinePolicy), one per role, and each statement is
 * written out in full: no grant helpers that widen permissions behind the scenes.
 */
export class LeastPrivilegePolicy extends Construct {
  readonly policy: iam.ManagedPolicy;
  private readonly acknowledged = new Set<string>();

  constructor(scope: Construct, id: string, props: LeastPrivilegePolicyProps) {
    super(scope, id);
    this.policy = new iam.ManagedPolicy(this, "Resource", {
      description: props.description,
      roles: props.roles,
    });
    for (const p of props.permissions) this.allow(p);
  }

  allow(p: Permission): void {
    if (!/^[A-Za-z0-9]+$/.test(p.sid)) throw new Error(`${this.node.path}: invalid statement id "${p.sid}"`);
    this.policy.addStatements(
      new iam.PolicyStatement({
        sid: p.sid,
        actions: p.actions,
        resources: p.resources,
        ...(p.conditions ? { conditions: p.conditions } : {}),
      }),
    );
    const stack = Stack.of(this);
    const findings = [
      ...p.actions.filter((a) => a.includes("*")).map((a) => `Action::${a}`),
      ...p.resources
        .map((r) => flattenCfnReference(stack.resolve(r)))
        .filter((r) => r.includes("*"))
        .map((r) => `Resource::${r}`),
    ];
    if (findings.length > 0 && !p.wildcardReason)
      throw new Error(
        `${this.node.path}: ${p.sid} uses a wildcard (${findings.join(", ")}) without a reason`,
      );
    if (findings.length === 0 && p.wildcardReason)
      throw new Error(`${this.node.path}: ${p.sid} gives a wildcard reason but has no wildcard`);
    for (const finding of findings) {
      const id = `AwsSolutions-IAM5[${finding}]`;
      if (this.acknowledged.has(id)) continue;
      this.acknowledged.add(id);
      Validations.of(this.policy).acknowledge({ id, reason: `${p.sid}: ${p.wildcardReason}` });
    }
  }
}

/**
 * The flat string cdk-nag reports for a resolved CloudFormation value (`Ref` → `<Name>`,
 * `Fn::GetAtt` → `<Name.Attr>`, `Fn::Join` joined, `Fn::Sub` with `${x}` → `<x>`), so the
 * acknowledgement ids above match its findings exactly.
 */
export function flattenCfnReference(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value.replace(/\$\{/g, "<").replace(/\}/g, ">");
  if (value !== null && typeof value === "object") {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v["Fn::Join"])) {
      const [delimiter, items] = v["Fn::Join"] as [string, unknown[]];
      return items.map(flattenCfnReference).join(delimiter);
    }
    if (v["Fn::Sub"] !== undefined) return flattenCfnReference(v["Fn::Sub"]);
    if (Array.isArray(v["Fn::GetAtt"])) {
      const [resource, attribute] = v["Fn::GetAtt"] as [unknown, unknown];
      return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
    }
    if (v["Fn::ImportValue"] !== undefined) return flattenCfnReference(v["Fn::ImportValue"]);
    if (v.Ref !== undefined) return `<${flattenCfnReference(v.Ref)}>`;
  }
  return JSON.stringify(value);
}
