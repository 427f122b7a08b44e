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

/** A font as pdfkit takes it: the TTF bytes, or the font pdfkit parsed from them before. */
type FontSource = Buffer | { layout: (...args: never[]) => unknown };

let shared: { regular: FontSource; bold: FontSource; measurer: PDFKit.PDFDocument } | undefined;

/**
 * The fonts parsed once per process. pdfkit parses a TTF for every document that registers it
 * (≈ 40–80 ms for the two DejaVu files, a good part of a small document's time), but takes an
 * already parsed font as well and then reuses it: the parse of one document, never ended or
 * written, serves all. The PDF bytes are the same; each document still embeds its own subset.
 * Should pdfkit ever keep the parsed font elsewhere, every document parses the files again.
 */
function sharedFonts() {
  if (!shared) {
    const { regular, bold } = fontFiles();
    const measurer = new PDFDocument({ autoFirstPage: false, compress: false });
    measurer.registerFont(FONT_REGULAR, regular);
    measurer.registerFont(FONT_BOLD, bold);
    const parsed = (name: string) => {
      const font = (measurer.font(name) as unknown as { _font?: { font?: FontSource } })._font?.font;
      return font && "layout" in font && typeof font.layout === "function" ? font : undefined;
    };
    const [r, b] = [parsed(FONT_REGULAR), parsed(FONT_BOLD)];
    shared = r && b ? { regular: r, bold: b, measurer } : { regular, bold, measurer };
  }
  return shared;
}

/** Registers DejaVu Sans regular and bold in a pdfkit document. */
export function registerFonts(doc: PDFKit.PDFDocument): void {
  const { regular, bold } = sharedFonts();
  doc.registerFont(FONT_REGULAR, regular as Buffer);
  doc.registerFont(FONT_BOLD, bold as Buffer);
}

/** Width of `text` in DejaVu Sans at `size` (same unit as `size`). */
export function measureText(text: string, size: number, bold = false): number {
  return sharedFonts()
    .measurer.font(bold ? FONT_BOLD : FONT_REGULAR)
    .fontSize(size)
    .widthOfString(text);
}
