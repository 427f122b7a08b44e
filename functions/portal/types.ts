/**
 * The portal: one HTTP app (Hono) for the three kinds of users, on the same core and ports as the
 * CLI and the Lambda functions. Locally it runs under `@hono/node-server` (`vbm-monitor serve`)
 * with password users and signed session cookies; on AWS as a Lambda behind API Gateway with
 * Cognito. Routes only call the core; they hold no business logic.
 */
import type { Runtime } from "../compose.ts";
import type { ReadLimits } from "../core/read/types.ts";

/** What a reminder or factsheet action did for one location (as functions/core/documents.ts reports it). */
export interface ActionOutcome {
  location: string;
  quarter: string;
  status: string;
}

/**
 * The result of a facilitator action: done (with what it did), or started elsewhere and
 * finishing on its own (on AWS the pipeline's functions do the work; the page says where the
 * result will appear).
 */
export type ActionResult<T> = { status: "done"; value: T } | { status: "started" };

/**
 * The facilitator's actions that write documents or send mail. Locally they run the core in this
 * process (`functions/portal/actions.ts`); on AWS the portal function may not write curated
 * data or documents, nor send mail, so it invokes the pipeline's functions
 * (`createPipelineActions` in functions/portal/aws.ts).
 */
export interface FacilitatorActions {
  /** Reminders to every location without an accepted delivery for the quarter. */
  reminders(quarter: string): Promise<ActionResult<ActionOutcome[]>>;
  /** The national report for a range; `done` gives its key in the reports area. */
  nationalReport(from: string, to: string): Promise<ActionResult<{ key: string }>>;
  /** Makes a location's factsheet again and sends it, also when it was sent before. */
  resendFactsheet(location: string, quarter: string): Promise<ActionResult<ActionOutcome>>;
}

export type Role = "location" | "facilitator" | "igj";

export interface PortalUser {
  email: string;
  role: Role;
  /** The user's own location code (role `location` only). */
  location: string | null;
}

/**
 * Who is asking. Locally: a password check plus a signed session cookie (functions/portal/session.ts);
 * on AWS: the Cognito JWT, verified in the app as well as at the gateway.
 */
export interface IdentityProvider {
  readonly kind: "password" | "cognito";
  /** The signed-in user of a request, or null. */
  identify(request: Request): Promise<PortalUser | null>;
  /** Password sign-in (kind `password` only): the user, or null when the e-mail or password is wrong. */
  signIn?(email: string, password: string): Promise<PortalUser | null>;
  /** Where the sign-in page is (Cognito managed login), when not the portal's own form. */
  signInUrl?(): string;
  signOutUrl?(): string;
}

/** How a location's browser hands a valid file to the drop zone. */
export interface UploadTarget {
  readonly kind: "direct" | "presigned-post";
  /**
   * Presigned POST: the origin the browser posts to (the drop-zone bucket), the one extra origin
   * of the Content Security Policy's `connect-src` and `form-action`.
   */
  readonly origin?: string;
  /**
   * AWS: a presigned POST (URL + form fields) whose policy pins the key prefix
   * `<LOC>/<YYYY-Qn>/<scope>/`, the size range and SSE-KMS with the data key.
   */
  presign?(input: {
    location: string;
    quarter: string;
    scope: "all" | "seclusion";
    fileName: string;
  }): Promise<{
    url: string;
    fields: Record<string, string>;
    key: string;
  }>;
  /**
   * AWS: a presigned POST for the facilitator's occupancy file, pinned to `occupancy/`, at most
   * `MAX_OCCUPANCY_BYTES` and SSE-KMS with the data key.
   */
  presignOccupancy?(fileName: string): Promise<{
    url: string;
    fields: Record<string, string>;
    key: string;
  }>;
}

/** The largest occupancy file (a few hundred lines in practice). */
export const MAX_OCCUPANCY_BYTES = 5 * 1024 * 1024;

export interface PortalDeps {
  runtime: Runtime;
  identity: IdentityProvider;
  upload: UploadTarget;
  /** The facilitator's actions: in this process (local) or by the pipeline's functions (AWS). */
  actions: FacilitatorActions;
  /** Secret for signing session and CSRF cookies (local mode). */
  sessionSecret: string;
  /** Whether the portal is served over HTTPS (cookies get `Secure`, responses HSTS). */
  https: boolean;
  /** Static assets (CSS, client JS) by path under `/static/`; on AWS they come from CloudFront. */
  assets?: ReadonlyMap<string, { body: Uint8Array; type: string }>;
  /** Read limits of a delivered file (size); default `defaultReadLimits` (VBM_MAX_FILE_MB locally). */
  limits?: ReadLimits;
  /** Deadline for a quarter's delivery, in days after the quarter ends (default 30). */
  deadlineDays?: number;
  now?: () => Date;
}
