/**
 * PDF output of the reports with pdfkit: A4, DejaVu Sans embedded (regular + bold), headings,
 * paragraphs, key figures, simple tables that continue on the next page with their header,
 * charts embedded as vectors (svg-to-pdfkit) and a footer with page numbers. Page breaks follow
 * keep-together rules computed from the blocks' measured heights (`layoutPlan`), so no page
 * starts with only a line or two. Deterministic: the same document (including its creation
 * date) gives the same bytes.
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

/** Height of the text area of a page. */
export const CONTENT_HEIGHT = A4.height - MARGIN.top - MARGIN.bottom;
/** A height to keep together, never more than a page can hold (so asking for it cannot loop). */
const fits = (height: number) => Math.min(height, CONTENT_HEIGHT);

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

/** A list; `keepAfter` points of what follows stay on the page of the last item. */
export function bullets(
  doc: Doc,
  items: readonly string[],
  opts: { x?: number; width?: number; keepAfter?: number } = {},
): void {
  const x = opts.x ?? MARGIN.left;
  const width = opts.width ?? CONTENT_WIDTH;
  doc.font(FONT_REGULAR).fontSize(SIZE.body).fillColor(INK);
  for (const [i, item] of items.entries()) {
    const h = doc.heightOfString(item, { width: width - 12, lineGap: 1.5 });
    ensureSpace(doc, fits(h + (i === items.length - 1 ? (opts.keepAfter ?? 0) + 5 : 0)));
    const y = doc.y;
    doc.text("•", x + 2, y, { width: 10, lineBreak: false });
    doc.text(item, x + 12, y, { width: width - 12, lineGap: 1.5 });
    doc.y += 2;
  }
  doc.y += 3;
}

const FIGURE_GAP = 8;
const FIGURE_PAD = 7;
const figureWidth = (items: readonly KeyFigure[]) => {
  const n = Math.max(1, items.length);
  return (CONTENT_WIDTH - FIGURE_GAP * (n - 1)) / n;
};

/** Height of the row of key-figure tiles (without the space around it). */
function keyFiguresHeight(doc: Doc, items: readonly KeyFigure[]): number {
  const inner = figureWidth(items) - 2 * FIGURE_PAD;
  const heights = items.map((f) => {
    let h = doc.font(FONT_BOLD).fontSize(16).heightOfString(f.value, { width: inner });
    h += doc.font(FONT_REGULAR).fontSize(SIZE.body).heightOfString(f.label, { width: inner });
    if (f.note) h += 2 + doc.font(FONT_REGULAR).fontSize(SIZE.small).heightOfString(f.note, { width: inner });
    return h;
  });
  return Math.max(0, ...heights) + 2 * FIGURE_PAD;
}

/** Key figures as tiles in one row: the value big and bold, the label and a note below. */
export function keyFigures(doc: Doc, items: readonly KeyFigure[]): void {
  const gap = FIGURE_GAP;
  const w = figureWidth(items);
  const pad = FIGURE_PAD;
  const inner = w - 2 * pad;
  const height = keyFiguresHeight(doc, items);
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

const TABLE_PAD_X = 4;
const TABLE_PAD_Y = 3;

/** Height of one table row (the tallest cell, wrapped in its column). */
function tableRowHeight(
  doc: Doc,
  widths: readonly number[],
  cells: readonly string[],
  bold: boolean,
): number {
  return (
    Math.max(
      ...cells.map((c, i) =>
        doc
          .font(bold ? FONT_BOLD : FONT_REGULAR)
          .fontSize(SIZE.table)
          .heightOfString(c || " ", { width: (widths[i] ?? 20) - 2 * TABLE_PAD_X }),
      ),
    ) +
    2 * TABLE_PAD_Y
  );
}

const tableNoteHeight = (doc: Doc, note: string | undefined) =>
  note ? doc.font(FONT_REGULAR).fontSize(SIZE.small).heightOfString(note, { width: CONTENT_WIDTH }) + 10 : 0;

/** The heights a table takes: all of it, and the least that must start on a page (header and three rows). */
function tableHeights(
  doc: Doc,
  t: Pick<TableBlock, "headers" | "rows" | "align" | "note">,
): { full: number; start: number } {
  const widths = columnWidths(doc, t);
  const headerH = tableRowHeight(doc, widths, t.headers, true) + 2;
  const rows = t.rows.map((r) => tableRowHeight(doc, widths, r, false));
  const full = headerH + rows.reduce((a, h) => a + h, 0) + tableNoteHeight(doc, t.note) + 8;
  const start = headerH + (rows[0] ?? rowFallback(doc, widths)) * Math.min(3, t.rows.length || 1);
  return { full, start: Math.min(full, start) };
}
const rowFallback = (doc: Doc, widths: readonly number[]) => tableRowHeight(doc, widths, [""], false);

/** Tables up to this height are never split over two pages. */
const UNSPLIT_TABLE = 300;

/**
 * A simple table: bold header with a rule, light zebra rows; continues on the next page with its
 * header. `keepAfter` points of what follows stay on the page of the last row (with the note).
 */
export function table(
  doc: Doc,
  t: Pick<TableBlock, "headers" | "rows" | "align" | "note">,
  keepAfter = 0,
): void {
  const widths = columnWidths(doc, t);
  const rowHeight = (cells: readonly string[], bold: boolean) => tableRowHeight(doc, widths, cells, bold);
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
        .text(c, x + TABLE_PAD_X, y + TABLE_PAD_Y, { width: w - 2 * TABLE_PAD_X, align: alignOf(t, i) });
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
  const noteHeight = tableNoteHeight(doc, t.note);
  const { full, start } = tableHeights(doc, t);
  // A short table is never split (nor separated from what must stay with it); a long one
  // starts with at least its header and three rows.
  ensureSpace(doc, full <= UNSPLIT_TABLE ? fits(full + keepAfter) : start);
  drawHeader();
  t.rows.forEach((r, ri) => {
    // The last row stays on the page of the note under the table (and of what is kept with it).
    const last = ri === t.rows.length - 1;
    const h = rowHeight(r, false) + (last ? noteHeight + keepAfter : 0);
    if (doc.y + (last ? fits(h) : h) > bottomLimit(doc)) {
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

/** Height of a paragraph as `paragraph` writes it. */
function paragraphHeight(doc: Doc, text: string, muted: boolean, width = CONTENT_WIDTH): number {
  return (
    doc
      .font(FONT_REGULAR)
      .fontSize(muted ? SIZE.small : SIZE.body)
      .heightOfString(text, { width, lineGap: 1.5 }) + 4
  );
}

function bulletsHeight(doc: Doc, items: readonly string[], width = CONTENT_WIDTH): number {
  doc.font(FONT_REGULAR).fontSize(SIZE.body);
  return items.reduce((a, i) => a + doc.heightOfString(i, { width: width - 12, lineGap: 1.5 }) + 2, 0) + 3;
}

/**
 * Height of a block as it is written (what `min` asks: the least that must start on a page,
 * for a table that may be split).
 */
function measure(doc: Doc, b: Block, part: "all" | "start" = "all"): number {
  switch (b.kind) {
    case "heading":
      return headingHeight(doc, b.text);
    case "subheading":
      return (
        doc.font(FONT_BOLD).fontSize(SIZE.subheading).heightOfString(b.text, { width: CONTENT_WIDTH }) + 9
      );
    case "paragraph":
      return paragraphHeight(doc, b.text, b.muted ?? false);
    case "bullets": {
      const full = bulletsHeight(doc, b.items);
      return part === "start" && full > UNSPLIT_TABLE ? bulletsHeight(doc, b.items.slice(0, 2)) : full;
    }
    case "figures":
      return keyFiguresHeight(doc, b.items) + 12;
    case "table": {
      const h = tableHeights(doc, b);
      return part === "start" && h.full > UNSPLIT_TABLE ? h.start : h.full;
    }
    case "chart":
      return chartHeight(b.chart) + 8;
    case "box": {
      const inner = CONTENT_WIDTH - 20;
      const titleH =
        doc.font(FONT_BOLD).fontSize(SIZE.subheading).heightOfString(b.title, { width: inner }) + 4;
      return titleH + boxContentHeight(doc, b.blocks, inner) + 20 + 16;
    }
  }
}

/** Sections (a heading and what follows up to the next heading) up to this height stay on one page. */
const SHORT_SECTION = 200;
/** What is left of a section after a block, up to this height, stays on the page of that block. */
const SHORT_TAIL = 60;

/**
 * The page layout of a document as keep-together rules, computed from the blocks' real heights:
 * - a heading stays with its whole section when the section is short, else with the
 *   introduction (paragraphs, subheadings) and the first chart, table, list or figures;
 * - a muted paragraph right after a chart or table is its caption and stays with it;
 * - a short rest of a section (a closing line, a small list) stays with the block before it,
 *   so no page starts with only a line or two;
 * - a subheading stays with what follows it, like a heading.
 * `keep[i]` is how much must fit on the page where block `i` starts (never more than a page).
 */
function layoutPlan(doc: Doc, blocks: readonly Block[]): { keep: number[]; keepAfter: number[] } {
  const n = blocks.length;
  const height = blocks.map((b) => measure(doc, b));
  const start = blocks.map((b) => measure(doc, b, "start"));
  const sectionEnd: number[] = new Array(n).fill(n);
  for (let i = n - 1, end = n; i >= 0; i--) {
    sectionEnd[i] = end;
    if (blocks[i]?.kind === "heading") end = i;
  }
  const sum = (from: number, to: number) => height.slice(from, to).reduce((a, h) => a + h, 0);
  const isCaption = (i: number) => {
    const b = blocks[i];
    const before = blocks[i - 1];
    return (
      b?.kind === "paragraph" && b.muted === true && (before?.kind === "chart" || before?.kind === "table")
    );
  };
  // What must stay after block i on its page: its caption, and a short rest of the section.
  const keepAfter = blocks.map((b, i) => {
    if (b.kind === "heading" || b.kind === "subheading") return 0;
    let j = i + 1;
    let after = 0;
    if (isCaption(j)) {
      after += height[j] ?? 0;
      j++;
    }
    const rest = sum(j, sectionEnd[i] ?? n);
    if (j < (sectionEnd[i] ?? n) && rest <= SHORT_TAIL) after += rest;
    return after;
  });
  // A long table or list may run over pages: it carries what is kept after it to its last row
  // or item itself; what must start on a page is its beginning.
  const split = (i: number) => (start[i] ?? 0) < (height[i] ?? 0);
  const keep = blocks.map((b, i) => {
    if (b.kind !== "heading" && b.kind !== "subheading")
      return fits(split(i) ? (start[i] ?? 0) : (height[i] ?? 0) + (keepAfter[i] ?? 0));
    const end = b.kind === "heading" ? (sectionEnd[i] ?? n) : n;
    if (b.kind === "heading" && sum(i, end) <= SHORT_SECTION) return fits(sum(i, end));
    // The heading, its introduction and the first substantial block (with what stays with it).
    let h = height[i] ?? 0;
    for (let j = i + 1; j < end; j++) {
      const next = blocks[j];
      if (!next || next.kind === "heading") break;
      if (next.kind === "paragraph" || next.kind === "subheading") {
        h += height[j] ?? 0;
        continue;
      }
      h += split(j) ? (start[j] ?? 0) : (height[j] ?? 0) + (keepAfter[j] ?? 0);
      break;
    }
    return fits(h);
  });
  return { keep, keepAfter };
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
  const { keep, keepAfter } = layoutPlan(doc, report.blocks);
  report.blocks.forEach((b, i) => {
    ensureSpace(doc, keep[i] ?? 0);
    const after = keepAfter[i] ?? 0;
    switch (b.kind) {
      case "heading":
        heading(doc, b.text, 0);
        break;
      case "subheading":
        subheading(doc, b.text, 0);
        break;
      case "paragraph":
        paragraph(doc, b.text, { muted: b.muted ?? false });
        break;
      case "bullets":
        bullets(doc, b.items, { keepAfter: after });
        break;
      case "figures":
        keyFigures(doc, b.items);
        break;
      case "table":
        table(doc, b, after);
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
