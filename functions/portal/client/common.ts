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
