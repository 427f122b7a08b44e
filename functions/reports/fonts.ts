/**
 * The one font of every report: DejaVu Sans (regular + bold), embedded in each PDF and used to
 * lay out chart text, so that what Vega measures is what the PDF shows.
 */

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import PDFDocument from "pdfkit";

const require = createRequire(import.meta.url);

/** The font-family name charts and e-mail HTML ask for. */
export const FONT_FAMILY = "DejaVu Sans";
/** Names under which the fonts are registered in every pdfkit document. */
export const FONT_REGULAR = "DejaVuSans";
export const FONT_BOLD = "DejaVuSans-Bold";

let cached: { regular: Buffer; bold: Buffer } | undefined;

/**
 * A font file: next to the code in ./fonts when bundled (the Lambda bundle carries them),
 * otherwise from the dejavu-fonts-ttf package.
 */
function fontPath(file: string): string {
  const bundled = fileURLToPath(new URL(`./fonts/${file}`, import.meta.url));
  return existsSync(bundled) ? bundled : require.resolve(`dejavu-fonts-ttf/ttf/${file}`);
}

/** The TTF files of DejaVu Sans regular and bold (read once). */
export function fontFiles(): { regular: Buffer; bold: Buffer } {
  cached ??= {
    regular: readFileSync(fontPath("DejaVuSans.ttf")),
    bold: readFileSync(fontPath("DejaVuSans-Bold.ttf")),
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
