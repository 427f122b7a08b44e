/**
 * The one font of every report: DejaVu Sans (regular + bold), embedded in each PDF and used to
 * lay out chart text, so that what Vega measures is what the PDF shows.
 */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";

const require = createRequire(import.meta.url);

/** The font-family name charts and e-mail HTML ask for. */
export const FONT_FAMILY = "DejaVu Sans";
/** Names under which the fonts are registered in every pdfkit document. */
export const FONT_REGULAR = "DejaVuSans";
export const FONT_BOLD = "DejaVuSans-Bold";

let cached: { regular: Buffer; bold: Buffer } | undefined;

/** The TTF files of DejaVu Sans regular and bold (read once). */
export function fontFiles(): { regular: Buffer; bold: Buffer } {
  cached ??= {
    regular: readFileSync(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")),
    bold: readFileSync(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf")),
  };
  return cached;
}

/** Registers DejaVu Sans regular and bold in a pdfkit document. */
export function registerFonts(doc: PDFKit.PDFDocument): void {
  const { regular, bold } = fontFiles();
  doc.registerFont(FONT_REGULAR, regular);
  doc.registerFont(FONT_BOLD, bold);
}

let measurer: PDFKit.PDFDocument | undefined;

/** Width of `text` in DejaVu Sans at `size` (same unit as `size`). */
export function measureText(text: string, size: number, bold = false): number {
  if (!measurer) {
    // A document that is never ended or written: only its font metrics are used.
    measurer = new PDFDocument({ autoFirstPage: false, compress: false });
    registerFonts(measurer);
  }
  return measurer
    .font(bold ? FONT_BOLD : FONT_REGULAR)
    .fontSize(size)
    .widthOfString(text);
}
