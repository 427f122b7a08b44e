/**
 * A report as a list of simple blocks (headings, paragraphs, key figures, tables, charts, boxes),
 * built once and written three ways: PDF (pdf.ts), e-mail HTML and plain text (here). So the
 * PDF, the HTML and the text always hold the same words and numbers.
 */

import type { ChartSvg } from "./charts.ts";

export interface KeyFigure {
  label: string;
  value: string;
  note?: string;
}

export interface TableBlock {
  kind: "table";
  headers: string[];
  /** Per column; default left for the first column, right for the others. */
  align?: ("left" | "right")[];
  rows: string[][];
  /** A short line under the table. */
  note?: string;
}

export type Block =
  | { kind: "heading"; text: string }
  | { kind: "subheading"; text: string }
  | { kind: "paragraph"; text: string; muted?: boolean }
  | { kind: "bullets"; items: string[] }
  | { kind: "figures"; items: KeyFigure[] }
  | TableBlock
  | {
      kind: "chart";
      chart: ChartSvg;
      /** The numbers behind the chart, written out in the plain-text version. */
      data: { headers: string[]; rows: string[][] };
    }
  | {
      kind: "box";
      title: string;
      blocks: ({ kind: "paragraph"; text: string } | { kind: "bullets"; items: string[] })[];
    };

export interface ReportDocument {
  title: string;
  subtitle: string;
  /** Left part of every page footer (the right part is the page number). */
  footer: string;
  /** PDF metadata. */
  creationDate: Date;
  subject?: string;
  keywords?: string;
  blocks: Block[];
}

export function alignOf(table: Pick<TableBlock, "align">, column: number): "left" | "right" {
  return table.align?.[column] ?? (column === 0 ? "left" : "right");
}

// ---------------------------------------------------------------- HTML (e-mail) ----------

function esc(s: string): string {
  return s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const HTML_FONT = "'DejaVu Sans', Verdana, Arial, sans-serif";
const CELL = "padding:4px 8px;border-bottom:1px solid #d9d9d9;vertical-align:top;";

function htmlTable(t: { headers: string[]; rows: string[][]; align?: ("left" | "right")[] }): string {
  const head = t.headers
    .map(
      (h, i) =>
        `<th style="${CELL}border-bottom:2px solid #1a1a1a;text-align:${alignOf(t, i)};font-weight:bold;">${esc(h)}</th>`,
    )
    .join("");
  const body = t.rows
    .map(
      (r, ri) =>
        `<tr style="background:${ri % 2 === 1 ? "#f3f3f3" : "#ffffff"};">${r
          .map((c, i) => `<td style="${CELL}text-align:${alignOf(t, i)};">${esc(c)}</td>`)
          .join("")}</tr>`,
    )
    .join("\n");
  return `<table role="table" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 4px 0;"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function htmlBlock(b: Block): string {
  switch (b.kind) {
    case "heading":
      return `<h2 style="font-size:18px;margin:26px 0 8px 0;padding-bottom:4px;border-bottom:1px solid #1a1a1a;">${esc(b.text)}</h2>`;
    case "subheading":
      return `<h3 style="font-size:15px;margin:16px 0 6px 0;">${esc(b.text)}</h3>`;
    case "paragraph":
      return `<p style="margin:6px 0;${b.muted ? "color:#555555;font-size:13px;" : ""}">${esc(b.text)}</p>`;
    case "bullets":
      return `<ul style="margin:6px 0;padding-left:22px;">${b.items.map((i) => `<li style="margin:2px 0;">${esc(i)}</li>`).join("")}</ul>`;
    case "figures": {
      const cells = b.items
        .map(
          (f) =>
            `<td style="width:${Math.floor(100 / b.items.length)}%;padding:10px;border:1px solid #1a1a1a;vertical-align:top;">` +
            `<div style="font-size:22px;font-weight:bold;">${esc(f.value)}</div>` +
            `<div style="font-size:13px;">${esc(f.label)}</div>` +
            (f.note ? `<div style="font-size:12px;color:#555555;">${esc(f.note)}</div>` : "") +
            "</td>",
        )
        .join("");
      return `<table role="presentation" cellspacing="6" cellpadding="0" style="width:100%;border-collapse:separate;margin:8px 0;"><tr>${cells}</tr></table>`;
    }
    case "table":
      return `${htmlTable(b)}${b.note ? `<p style="margin:2px 0 8px 0;color:#555555;font-size:12px;">${esc(b.note)}</p>` : ""}`;
    case "chart":
      // Gmail and Outlook do not show inline SVG: the mail gives the chart's numbers and leaves
      // the picture to the PDF that goes along as an attachment.
      return `<div style="margin:8px 0 12px 0;"><p style="margin:2px 0;font-size:13px;">${esc(b.chart.description)}</p><p style="margin:2px 0;color:#555555;font-size:12px;">${esc(CHART_IN_PDF)}</p>${htmlTable(b.data)}</div>`;
    case "box":
      return `<div style="border:2px solid #1a1a1a;padding:10px 14px;margin:14px 0;"><div style="font-weight:bold;font-size:15px;margin-bottom:4px;">${esc(b.title)}</div>${b.blocks.map(htmlBlock).join("\n")}</div>`;
  }
}

/** What the e-mail HTML says in place of a chart. */
export const CHART_IN_PDF = "De grafiek staat in de pdf in de bijlage; hieronder de cijfers.";

/**
 * The report as one HTML document for an e-mail body: inline CSS only. Charts are not embedded
 * (Gmail and Outlook do not show inline SVG): each chart is its numbers as a table, with a line
 * that the chart is in the attached PDF.
 */
export function toHtml(doc: ReportDocument): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="nl">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(doc.title)} – ${esc(doc.subtitle)}</title></head>`,
    `<body style="margin:0;padding:16px;background:#ffffff;color:#1a1a1a;font-family:${HTML_FONT};font-size:14px;line-height:1.45;">`,
    '<div style="max-width:680px;margin:0 auto;">',
    `<h1 style="font-size:24px;margin:0 0 2px 0;">${esc(doc.title)}</h1>`,
    `<p style="margin:0 0 12px 0;font-size:15px;color:#444444;">${esc(doc.subtitle)}</p>`,
    ...doc.blocks.map(htmlBlock),
    `<p style="margin:24px 0 0 0;font-size:12px;color:#555555;">${esc(doc.footer)}</p>`,
    "</div>",
    "</body>",
    "</html>",
  ].join("\n");
}

// ---------------------------------------------------------------- plain text ------------

const TEXT_WIDTH = 76;

function wrap(text: string, width: number, indent = "", firstIndent = indent): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line += (empty ? "" : " ") + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

function textTable(t: { headers: string[]; rows: string[][]; align?: ("left" | "right")[] }): string[] {
  const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? "").length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (alignOf(t, i) === "right" ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [
    fmt(t.headers),
    widths
      .map((w) => "-".repeat(w))
      .join("  ")
      .trimEnd(),
    ...t.rows.map(fmt),
  ].map((l) => `  ${l}`);
}

function textBlock(b: Block): string[] {
  switch (b.kind) {
    case "heading":
      return ["", b.text.toUpperCase(), "=".repeat(Math.min(TEXT_WIDTH, b.text.length))];
    case "subheading":
      return ["", b.text, "-".repeat(Math.min(TEXT_WIDTH, b.text.length))];
    case "paragraph":
      return [...wrap(b.text, TEXT_WIDTH), ""];
    case "bullets":
      return [...b.items.flatMap((i) => wrap(i, TEXT_WIDTH, "    ", "  - ")), ""];
    case "figures":
      return [
        ...b.items.flatMap((f) =>
          wrap(`${f.label}: ${f.value}${f.note ? ` (${f.note})` : ""}`, TEXT_WIDTH, "    ", "  * "),
        ),
        "",
      ];
    case "table":
      return [...textTable(b), ...(b.note ? wrap(b.note, TEXT_WIDTH, "  ", "  ") : []), ""];
    case "chart":
      return [...wrap(`[Grafiek] ${b.chart.description}`, TEXT_WIDTH), ...textTable(b.data), ""];
    case "box":
      return [
        "",
        `+${"-".repeat(TEXT_WIDTH - 2)}`,
        `| ${b.title}`,
        ...b.blocks.flatMap(textBlock).map((l) => (l ? `| ${l}` : "|")),
        `+${"-".repeat(TEXT_WIDTH - 2)}`,
        "",
      ];
  }
}

/** The report as plain text (e-mail text part, national report text). */
export function toText(doc: ReportDocument): string {
  const lines = [
    doc.title,
    doc.subtitle,
    "#".repeat(TEXT_WIDTH),
    "",
    ...doc.blocks.flatMap(textBlock),
    "",
    doc.footer,
  ];
  // No runs of more than one empty line.
  return `${lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}
