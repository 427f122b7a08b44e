/**
 * PDF output of the reports with pdfkit: A4, DejaVu Sans embedded (regular + bold), headings,
 * paragraphs, key figures, simple tables that continue on the next page with their header,
 * charts embedded as vectors (svg-to-pdfkit) and a footer with page numbers. Deterministic:
 * the same document (including its creation date) gives the same bytes.
 */

import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import { alignOf, type Block, type KeyFigure, type ReportDocument, type TableBlock } from "./blocks.ts";
import type { ChartSvg } from "./charts.ts";
import { FONT_BOLD, FONT_REGULAR, registerFonts } from "./fonts.ts";

export const A4 = { width: 595.28, height: 841.89 } as const;
export const MARGIN = { top: 50, bottom: 60, left: 50, right: 50 } as const;
export const CONTENT_WIDTH = A4.width - MARGIN.left - MARGIN.right;

const INK = "#1a1a1a";
const MUTED = "#555555";
const SIZE = { title: 19, subtitle: 11, heading: 13.5, subheading: 10.5, body: 9.5, table: 8.5, small: 8 };

type Doc = PDFKit.PDFDocument;

/** A new A4 document with the fonts registered and its metadata set (no page yet written to). */
export function createPdf(meta: {
  title: string;
  subject?: string;
  keywords?: string;
  creationDate: Date;
}): Doc {
  const doc = new PDFDocument({
    size: "A4",
    margins: { ...MARGIN },
    bufferPages: true,
    autoFirstPage: false,
    lang: "nl-NL",
    displayTitle: true,
    pdfVersion: "1.7",
    info: {
      Title: meta.title,
      Author: "vbm-monitor",
      Creator: "vbm-monitor",
      Producer: "vbm-monitor (pdfkit)",
      CreationDate: meta.creationDate,
      ModDate: meta.creationDate,
      ...(meta.subject ? { Subject: meta.subject } : {}),
      ...(meta.keywords ? { Keywords: meta.keywords } : {}),
    },
  });
  registerFonts(doc);
  doc.addPage();
  doc.font(FONT_REGULAR).fontSize(SIZE.body).fillColor(INK);
  return doc;
}

/** Ends the document and returns its bytes. */
export function finishPdf(doc: Doc): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => {
      const all = Buffer.concat(chunks);
      resolve(new Uint8Array(all.buffer, all.byteOffset, all.byteLength));
    });
    doc.on("error", reject);
    doc.end();
  });
}

const bottomLimit = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

/** Starts a new page when less than `height` points are left on this one. */
export function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottomLimit(doc)) doc.addPage();
}

export function title(doc: Doc, text: string, subtitle: string): void {
  doc
    .font(FONT_BOLD)
    .fontSize(SIZE.title)
    .fillColor(INK)
    .text(text, MARGIN.left, doc.y, { width: CONTENT_WIDTH });
  doc.moveDown(0.15);
  doc
    .font(FONT_REGULAR)
    .fontSize(SIZE.subtitle)
    .fillColor("#333333")
    .text(subtitle, { width: CONTENT_WIDTH });
  doc.moveDown(0.4);
  rule(doc, 1.2);
  doc.y += 8;
}

function rule(doc: Doc, width: number): void {
  doc
    .moveTo(MARGIN.left, doc.y)
    .lineTo(MARGIN.left + CONTENT_WIDTH, doc.y)
    .lineWidth(width)
    .strokeColor(INK)
    .stroke();
}

const headingHeight = (doc: Doc, text: string) =>
  doc.font(FONT_BOLD).fontSize(SIZE.heading).heightOfString(text, { width: CONTENT_WIDTH }) + 22;

/** A section heading, kept on one page with at least `keepWith` points of what follows. */
export function heading(doc: Doc, text: string, keepWith = 80): void {
  ensureSpace(doc, headingHeight(doc, text) + keepWith);
  doc.y += 12;
  doc
    .font(FONT_BOLD)
    .fontSize(SIZE.heading)
    .fillColor(INK)
    .text(text, MARGIN.left, doc.y, { width: CONTENT_WIDTH });
  doc.y += 2;
  rule(doc, 0.6);
  doc.y += 7;
}

export function subheading(doc: Doc, text: string, keepWith = 60): void {
  const h = doc.font(FONT_BOLD).fontSize(SIZE.subheading).heightOfString(text, { width: CONTENT_WIDTH });
  ensureSpace(doc, h + 8 + keepWith);
  doc.y += 6;
  doc
    .font(FONT_BOLD)
    .fontSize(SIZE.subheading)
    .fillColor(INK)
    .text(text, MARGIN.left, doc.y, { width: CONTENT_WIDTH });
  doc.y += 3;
}

export function paragraph(
  doc: Doc,
  text: string,
  opts: { muted?: boolean; x?: number; width?: number } = {},
): void {
  const x = opts.x ?? MARGIN.left;
  const width = opts.width ?? CONTENT_WIDTH;
  doc
    .font(FONT_REGULAR)
    .fontSize(opts.muted ? SIZE.small : SIZE.body)
    .fillColor(opts.muted ? MUTED : INK)
    .text(text, x, doc.y, { width, lineGap: 1.5 });
  doc.y += 4;
  doc.fillColor(INK);
}

export function bullets(doc: Doc, items: readonly string[], opts: { x?: number; width?: number } = {}): void {
  const x = opts.x ?? MARGIN.left;
  const width = opts.width ?? CONTENT_WIDTH;
  doc.font(FONT_REGULAR).fontSize(SIZE.body).fillColor(INK);
  for (const item of items) {
    const h = doc.heightOfString(item, { width: width - 12, lineGap: 1.5 });
    ensureSpace(doc, h);
    const y = doc.y;
    doc.text("•", x + 2, y, { width: 10, lineBreak: false });
    doc.text(item, x + 12, y, { width: width - 12, lineGap: 1.5 });
    doc.y += 2;
  }
  doc.y += 3;
}

/** Key figures as tiles in one row: the value big and bold, the label and a note below. */
export function keyFigures(doc: Doc, items: readonly KeyFigure[]): void {
  const gap = 8;
  const n = Math.max(1, items.length);
  const w = (CONTENT_WIDTH - gap * (n - 1)) / n;
  const pad = 7;
  const inner = w - 2 * pad;
  const heights = items.map((f) => {
    let h = doc.font(FONT_BOLD).fontSize(16).heightOfString(f.value, { width: inner });
    h += doc.font(FONT_REGULAR).fontSize(SIZE.body).heightOfString(f.label, { width: inner });
    if (f.note) h += 2 + doc.font(FONT_REGULAR).fontSize(SIZE.small).heightOfString(f.note, { width: inner });
    return h;
  });
  const height = Math.max(...heights) + 2 * pad;
  ensureSpace(doc, height + 8);
  const top = doc.y + 2;
  items.forEach((f, i) => {
    const x = MARGIN.left + i * (w + gap);
    doc.lineWidth(1).strokeColor(INK).rect(x, top, w, height).stroke();
    doc
      .font(FONT_BOLD)
      .fontSize(16)
      .fillColor(INK)
      .text(f.value, x + pad, top + pad, { width: inner });
    doc
      .font(FONT_REGULAR)
      .fontSize(SIZE.body)
      .text(f.label, x + pad, doc.y, { width: inner });
    if (f.note) {
      doc.y += 2;
      doc
        .fontSize(SIZE.small)
        .fillColor(MUTED)
        .text(f.note, x + pad, doc.y, { width: inner });
      doc.fillColor(INK);
    }
  });
  doc.x = MARGIN.left;
  doc.y = top + height + 10;
}

/** Column widths: right-aligned (number) columns as wide as their content, the rest share what is left. */
function columnWidths(doc: Doc, t: Pick<TableBlock, "headers" | "rows" | "align">): number[] {
  const pad = 10;
  const natural = t.headers.map((h, i) => {
    const header = doc.font(FONT_BOLD).fontSize(SIZE.table).widthOfString(h);
    const cells = t.rows.map((r) =>
      doc
        .font(FONT_REGULAR)
        .fontSize(SIZE.table)
        .widthOfString(r[i] ?? ""),
    );
    return Math.max(header, ...cells) + pad;
  });
  const total = natural.reduce((a, b) => a + b, 0);
  if (total <= CONTENT_WIDTH) {
    // Spare room goes to the text (left-aligned) columns, in proportion to their content.
    const left = natural.map((w, i) => (alignOf(t, i) === "left" ? w : 0));
    const leftSum = left.reduce((a, b) => a + b, 0);
    if (leftSum === 0) return natural.map((w) => w + (CONTENT_WIDTH - total) / natural.length);
    return natural.map((w, i) => w + ((left[i] ?? 0) / leftSum) * (CONTENT_WIDTH - total));
  }
  const fixed = natural.map((w, i) => (alignOf(t, i) === "right" ? Math.min(w, 90) : 0));
  const fixedSum = fixed.reduce((a, b) => a + b, 0);
  const flexible = natural.map((w, i) => (alignOf(t, i) === "right" ? 0 : w));
  const flexSum = flexible.reduce((a, b) => a + b, 0) || 1;
  const room = Math.max(60, CONTENT_WIDTH - fixedSum);
  return natural.map((_, i) =>
    alignOf(t, i) === "right" ? (fixed[i] ?? 0) : ((flexible[i] ?? 0) / flexSum) * room,
  );
}

/** A simple table: bold header with a rule, light zebra rows; continues on the next page with its header. */
export function table(doc: Doc, t: Pick<TableBlock, "headers" | "rows" | "align" | "note">): void {
  const widths = columnWidths(doc, t);
  const padX = 4;
  const padY = 3;
  const rowHeight = (cells: readonly string[], bold: boolean) =>
    Math.max(
      ...cells.map((c, i) =>
        doc
          .font(bold ? FONT_BOLD : FONT_REGULAR)
          .fontSize(SIZE.table)
          .heightOfString(c || " ", { width: (widths[i] ?? 20) - 2 * padX }),
      ),
    ) +
    2 * padY;
  const drawRow = (cells: readonly string[], bold: boolean, shade: boolean) => {
    const h = rowHeight(cells, bold);
    const y = doc.y;
    if (shade) doc.rect(MARGIN.left, y, CONTENT_WIDTH, h).fill("#f0f0f0");
    let x = MARGIN.left;
    cells.forEach((c, i) => {
      const w = widths[i] ?? 20;
      doc
        .font(bold ? FONT_BOLD : FONT_REGULAR)
        .fontSize(SIZE.table)
        .fillColor(INK)
        .text(c, x + padX, y + padY, { width: w - 2 * padX, align: alignOf(t, i) });
      x += w;
    });
    doc.y = y + h;
    return h;
  };
  const drawHeader = () => {
    drawRow(t.headers, true, false);
    rule(doc, 0.8);
    doc.y += 1;
  };
  const headerH = rowHeight(t.headers, true) + 2;
  const noteHeight = t.note
    ? doc.font(FONT_REGULAR).fontSize(SIZE.small).heightOfString(t.note, { width: CONTENT_WIDTH }) + 10
    : 0;
  const fullHeight = headerH + t.rows.reduce((a, r) => a + rowHeight(r, false), 0) + noteHeight + 8;
  // A short table is never split; a long one starts with at least its header and three rows.
  ensureSpace(
    doc,
    fullHeight <= 300
      ? fullHeight
      : headerH + rowHeight(t.rows[0] ?? [""], false) * Math.min(3, t.rows.length || 1),
  );
  drawHeader();
  t.rows.forEach((r, ri) => {
    // The last row stays on the page of the note under the table.
    const h = rowHeight(r, false) + (ri === t.rows.length - 1 ? noteHeight : 0);
    if (doc.y + h > bottomLimit(doc)) {
      doc.addPage();
      drawHeader();
    }
    drawRow(r, false, ri % 2 === 1);
  });
  doc.lineWidth(0.4).strokeColor("#888888");
  rule(doc, 0.4);
  doc.y += 4;
  doc.x = MARGIN.left;
  if (t.note) {
    ensureSpace(doc, noteHeight);
    paragraph(doc, t.note, { muted: true });
  }
  doc.y += 4;
}

/** Height a chart takes at the full text width. */
export function chartHeight(chart: ChartSvg, width = CONTENT_WIDTH): number {
  return (chart.height * width) / chart.width;
}

/** A chart as vector graphics at the full text width; its text uses the embedded DejaVu Sans. */
export function chart(doc: Doc, c: ChartSvg): void {
  const height = chartHeight(c);
  ensureSpace(doc, height + 6);
  const y = doc.y;
  const warnings: string[] = [];
  SVGtoPDF(doc, c.svg, MARGIN.left, y, {
    width: CONTENT_WIDTH,
    height,
    preserveAspectRatio: "xMinYMin meet",
    fontCallback: (_family, bold) => (bold ? FONT_BOLD : FONT_REGULAR),
    warningCallback: (w) => warnings.push(w),
  });
  if (warnings.length > 0)
    throw new Error(`chart ${c.id} could not be drawn cleanly: ${warnings.join("; ")}`);
  doc.font(FONT_REGULAR).fontSize(SIZE.body).fillColor(INK).strokeColor(INK).lineWidth(1);
  doc.x = MARGIN.left;
  doc.y = y + height + 8;
}

function boxContentHeight(
  doc: Doc,
  blocks: Extract<Block, { kind: "box" }>["blocks"],
  width: number,
): number {
  let h = 0;
  for (const b of blocks) {
    doc.font(FONT_REGULAR).fontSize(SIZE.body);
    if (b.kind === "paragraph") h += doc.heightOfString(b.text, { width, lineGap: 1.5 }) + 4;
    else
      h +=
        b.items.reduce((a, i) => a + doc.heightOfString(i, { width: width - 12, lineGap: 1.5 }) + 2, 0) + 3;
  }
  return h;
}

/** A framed box with a bold title (kept on one page). */
export function box(doc: Doc, b: Extract<Block, { kind: "box" }>): void {
  const pad = 10;
  const inner = CONTENT_WIDTH - 2 * pad;
  const titleH = doc.font(FONT_BOLD).fontSize(SIZE.subheading).heightOfString(b.title, { width: inner }) + 4;
  ensureSpace(doc, titleH + boxContentHeight(doc, b.blocks, inner) + 2 * pad + 12);
  const top = doc.y + 4;
  doc
    .font(FONT_BOLD)
    .fontSize(SIZE.subheading)
    .fillColor(INK)
    .text(b.title, MARGIN.left + pad, top + pad, { width: inner });
  doc.y += 4;
  for (const inside of b.blocks) {
    if (inside.kind === "paragraph") paragraph(doc, inside.text, { x: MARGIN.left + pad, width: inner });
    else bullets(doc, inside.items, { x: MARGIN.left + pad, width: inner });
  }
  // The frame is drawn around what was actually written.
  const bottom = doc.y + pad - 6;
  doc
    .lineWidth(1.5)
    .strokeColor(INK)
    .rect(MARGIN.left, top, CONTENT_WIDTH, bottom - top)
    .stroke();
  doc.x = MARGIN.left;
  doc.y = bottom + 12;
}

/** Rough height of a block, to keep a heading together with what follows it. */
function blockHeight(doc: Doc, b: Block | undefined): number {
  if (!b) return 0;
  switch (b.kind) {
    case "chart":
      return chartHeight(b.chart) + 8;
    case "table":
      return 60;
    case "paragraph":
      return Math.min(
        80,
        doc.font(FONT_REGULAR).fontSize(SIZE.body).heightOfString(b.text, { width: CONTENT_WIDTH }),
      );
    case "figures":
      return 70;
    default:
      return 40;
  }
}

/**
 * How much of what follows a heading must stay on its page: the introductory paragraphs and
 * subheadings up to and including the first chart, table, list or figures.
 */
function keepWith(doc: Doc, blocks: readonly Block[], from: number): number {
  let h = 0;
  for (let j = from; j < blocks.length; j++) {
    const b = blocks[j];
    if (!b || b.kind === "heading") break;
    h += blockHeight(doc, b);
    if (b.kind !== "paragraph" && b.kind !== "subheading") break;
  }
  return Math.min(h, 520);
}

/** `text`, shortened with an ellipsis until it fits `width` in the current font. */
function fitWidth(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let t = text;
  while (t.length > 1 && doc.widthOfString(`${t}…`) > width) t = t.slice(0, -1);
  return `${t.trimEnd()}…`;
}

/** Writes page footers (text left, "pagina i van n" right) on every buffered page. */
export function footers(doc: Doc, text: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - 38;
    doc
      .moveTo(MARGIN.left, y - 6)
      .lineTo(MARGIN.left + CONTENT_WIDTH, y - 6)
      .lineWidth(0.4)
      .strokeColor("#888888")
      .stroke();
    doc.font(FONT_REGULAR).fontSize(SIZE.small).fillColor(MUTED);
    doc.text(fitWidth(doc, text, CONTENT_WIDTH - 100), MARGIN.left, y, { lineBreak: false });
    doc.text(`pagina ${i - range.start + 1} van ${range.count}`, MARGIN.left + CONTENT_WIDTH - 90, y, {
      width: 90,
      align: "right",
      lineBreak: false,
    });
    doc.page.margins.bottom = saved;
  }
  doc.fillColor(INK);
}

/** Renders a whole report document to PDF bytes. */
export async function renderPdf(report: ReportDocument): Promise<Uint8Array> {
  const doc = createPdf({
    title: `${report.title} – ${report.subtitle}`,
    creationDate: report.creationDate,
    ...(report.subject ? { subject: report.subject } : {}),
    ...(report.keywords ? { keywords: report.keywords } : {}),
  });
  title(doc, report.title, report.subtitle);
  report.blocks.forEach((b, i) => {
    switch (b.kind) {
      case "heading":
        heading(doc, b.text, keepWith(doc, report.blocks, i + 1));
        break;
      case "subheading":
        subheading(doc, b.text, keepWith(doc, report.blocks, i + 1));
        break;
      case "paragraph":
        ensureSpace(doc, 24);
        paragraph(doc, b.text, { muted: b.muted ?? false });
        break;
      case "bullets":
        bullets(doc, b.items);
        break;
      case "figures":
        keyFigures(doc, b.items);
        break;
      case "table":
        table(doc, b);
        break;
      case "chart":
        chart(doc, b.chart);
        break;
      case "box":
        box(doc, b);
        break;
    }
  });
  footers(doc, report.footer);
  return finishPdf(doc);
}
