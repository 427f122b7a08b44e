import type { ReadProblem } from "./types.ts";

export type TextEncoding = "utf-8" | "utf-8-bom" | "utf-16le" | "utf-16be" | "windows-1252";

export type DecodeResult =
  | { ok: true; text: string; encoding: TextEncoding }
  | { ok: false; problem: ReadProblem };

/** A few stray control characters are tolerated; more than this share of the text means binary data. */
const maxControlShare = 0.01;
const toleratedControls = 4;

/**
 * Turns file bytes into text with the platform's WHATWG TextDecoder (no Node Buffer, so it also
 * runs in a browser): a byte order mark decides (UTF-8, UTF-16LE/BE); otherwise strict UTF-8,
 * falling back to Windows-1252 (Dutch Excel's "CSV (puntkomma)" export). Binary data is refused.
 */
export function decodeText(bytes: Uint8Array): DecodeResult {
  const { text, encoding } = decode(bytes);
  return looksBinary(text) ? { ok: false, problem: unreadable() } : { ok: true, text, encoding };
}

function decode(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  const [b0, b1, b2] = bytes;
  // TextDecoder strips the byte order mark of its own encoding.
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf)
    return { text: new TextDecoder("utf-8").decode(bytes), encoding: "utf-8-bom" };
  if (b0 === 0xff && b1 === 0xfe)
    return { text: new TextDecoder("utf-16le").decode(bytes), encoding: "utf-16le" };
  if (b0 === 0xfe && b1 === 0xff)
    return { text: new TextDecoder("utf-16be").decode(bytes), encoding: "utf-16be" };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    return { text: fixWindows1252(new TextDecoder("windows-1252").decode(bytes)), encoding: "windows-1252" };
  }
}

/** Windows-1252 bytes 0x80–0x9F (WHATWG index), e.g. 0x80 = €, 0x93/0x94 = “ ”, 0x96 = –. */
const windows1252High =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/**
 * Some Node versions (20.18.3+, 22.13+; nodejs/node#60888) decode "windows-1252" as Latin-1, turning
 * € and curly quotes into C1 control characters. Map those back; a correct decoder never produces them
 * (except the five bytes that map to themselves), so this is a no-op in browsers.
 */
function fixWindows1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => windows1252High[c.charCodeAt(0) - 0x80] as string);
}

/** C0 controls other than tab and line breaks, DEL and C1 controls, NUL, and the replacement character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const suspiciousChar = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]/g;

/** Any NUL character, or more than a few (and more than 1%) suspicious characters. */
function looksBinary(text: string): boolean {
  const limit = Math.max(toleratedControls, text.length * maxControlShare);
  let count = 0;
  suspiciousChar.lastIndex = 0;
  for (let match = suspiciousChar.exec(text); match; match = suspiciousChar.exec(text))
    if (match[0] === "\0" || ++count > limit) return true;
  return false;
}

function unreadable(): ReadProblem {
  return {
    code: "file-unreadable",
    row: null,
    value: null,
    message:
      "Dit bestand bevat geen leesbare tekst. Misschien is het een ander soort bestand (bijvoorbeeld een pdf) " +
      "of is het beschadigd. Lever de gegevens aan als CSV-bestand (gescheiden door puntkomma's) of als " +
      "Excel-werkmap (.xlsx).",
  };
}
