/**
 * What the portal's browser scripts share: small DOM builders (text only, never HTML) and the
 * presigned POST into the drop zone.
 */
import { safeFileName } from "../file-name.ts";

export const POLL_MS = 2000;
export const POLL_MAX = 90;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string } = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  node.append(...children);
  return node;
}

export function alertBox(kind: "error" | "info" | "ok" | "warning", ...content: Node[]): HTMLElement {
  const box = el("div", { className: `utrecht-alert utrecht-alert--${kind}` });
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  box.append(
    el(
      "div",
      { className: "utrecht-alert__message" },
      el("p", { className: "utrecht-paragraph" }, ...content),
    ),
  );
  return box;
}

export function progressBlock(label: string, percent: number | null): HTMLElement {
  const id = "controle-voortgang";
  const bar = el("progress");
  bar.id = id;
  bar.max = 100;
  if (percent !== null) bar.value = percent;
  const text = el("label", { text: label });
  text.htmlFor = id;
  return el("div", { className: "portal-progress" }, text, bar);
}

/** A presigned POST as the portal hands it out. */
export interface UploadPolicy {
  url: string;
  fields: Record<string, string>;
  key: string;
  since: string;
}

/** Sends the file with the policy's fields (the file must be the last field); throws when S3 refuses. */
export async function sendToDropZone(policy: UploadPolicy, file: File): Promise<void> {
  const body = new FormData();
  for (const [k, v] of Object.entries(policy.fields)) body.append(k, v);
  body.append("file", file, safeFileName(file.name));
  const upload = await fetch(policy.url, { method: "POST", body });
  if (!upload.ok) throw new Error("upload");
}

/** The server's verdict on an upload, once the ingest has processed it. */
export interface UploadVerdict {
  status: string;
  attempt?: string;
  verdict?: string;
}

/**
 * The whole presigned upload: asks `policyUrl` for a presigned POST (with the page's CSRF token),
 * sends the file to the drop zone, then polls `verdictUrl` (with the key and the moment the policy
 * was issued) until the server's own check is done. Returns the verdict, or null when it takes
 * longer than POLL_MAX polls; throws when the policy or the upload fails.
 */
export async function uploadAndAwaitVerdict(opts: {
  file: File;
  csrf: string;
  policyUrl: string;
  verdictUrl: string;
  output: HTMLElement;
  checkingText: string;
}): Promise<UploadVerdict | null> {
  const policyResponse = await fetch(opts.policyUrl, {
    headers: { "x-csrf-token": opts.csrf },
    credentials: "same-origin",
  });
  if (!policyResponse.ok) throw new Error("policy");
  const policy = (await policyResponse.json()) as UploadPolicy;
  opts.output.replaceChildren(progressBlock("Bestand versturen…", null));
  await sendToDropZone(policy, opts.file);
  opts.output.replaceChildren(progressBlock(opts.checkingText, null));
  const query = new URLSearchParams({ key: policy.key, sinds: policy.since });
  for (let i = 0; i < POLL_MAX; i++) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const res = await fetch(`${opts.verdictUrl}?${query}`, { credentials: "same-origin" });
    if (!res.ok) continue;
    const verdict = (await res.json()) as UploadVerdict;
    if (verdict.status !== "pending" && verdict.attempt) return verdict;
  }
  return null;
}
