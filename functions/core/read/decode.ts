import type { ReadProblem } from "./types.ts";

export type TextEncoding = "utf-8" | "utf-8-bom" | "utf-16le" | "utf-16be" | "windows-1252";

export type DecodeResult =
  | { ok: true; text: string; encoding: TextEncoding }
  | { ok: false; problem: ReadProblem };

/** Bytes decoded per step when a file is read in chunks: the decoded text is never held whole. */
export const decodeChunkBytes = 64 * 1024;

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

/** The line ending of a text: one kind throughout (LF when it has none), or null for a mix. */
export type LineBreak = "\r\n" | "\n" | "\r";

export type TextScan =
  | {
      ok: true;
      encoding: TextEncoding;
      /** Length of the decoded text in characters. */
      chars: number;
      /** The line ending of the whole text, and of the text after its first line; null = mixed. */
      lineBreak: LineBreak | null;
      lineBreakAfterFirstLine: LineBreak | null;
    }
  | { ok: false; problem: ReadProblem };

/**
 * Decides how `decodeText` would decode these bytes and what kinds of line ending the text has,
 * decoding `chunkBytes` at a time and keeping none of the text: a byte order mark decides, else
 * strict UTF-8 over the whole file, else Windows-1252. Binary data is refused as by `decodeText`.
 */
export function scanText(bytes: Uint8Array, chunkBytes = decodeChunkBytes): TextScan {
  const bom = byteOrderMark(bytes);
  if (bom) return scanAs(bytes, bom, chunkBytes);
  try {
    return scanAs(bytes, "utf-8", chunkBytes, true);
  } catch {
    return scanAs(bytes, "windows-1252", chunkBytes);
  }
}

function byteOrderMark(bytes: Uint8Array): TextEncoding | null {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return "utf-8-bom";
  if (b0 === 0xff && b1 === 0xfe) return "utf-16le";
  if (b0 === 0xfe && b1 === 0xff) return "utf-16be";
  return null;
}

/** Throws (only with `fatal`) when the bytes are not valid in this encoding. */
function scanAs(bytes: Uint8Array, encoding: TextEncoding, chunkBytes: number, fatal = false): TextScan {
  let chars = 0;
  let suspicious = 0;
  const all = { crlf: false, lf: false, cr: false };
  const rest = { crlf: false, lf: false, cr: false };
  let firstBreak: LineBreak | null = null;
  for (const piece of lineSafeChunks(textChunks(bytes, encoding, chunkBytes, fatal))) {
    chars += piece.length;
    suspiciousChar.lastIndex = 0;
    for (let match = suspiciousChar.exec(piece); match; match = suspiciousChar.exec(piece)) {
      if (match[0] === "\0") return { ok: false, problem: unreadable() };
      suspicious++;
    }
    let after = piece;
    if (firstBreak === null) {
      const at = piece.search(/[\r\n]/);
      if (at < 0) continue;
      firstBreak = piece.startsWith("\r\n", at) ? "\r\n" : (piece[at] as LineBreak);
      after = piece.slice(at + firstBreak.length);
    }
    noteLineBreaks(after, rest);
  }
  if (suspicious > Math.max(toleratedControls, chars * maxControlShare))
    return { ok: false, problem: unreadable() };
  all.crlf = rest.crlf || firstBreak === "\r\n";
  all.lf = rest.lf || firstBreak === "\n";
  all.cr = rest.cr || firstBreak === "\r";
  return {
    ok: true,
    encoding,
    chars,
    lineBreak: lineBreakOf(all),
    lineBreakAfterFirstLine: lineBreakOf(rest),
  };
}

/** Notes which kinds of line ending occur (pieces never split a CRLF: see `lineSafeChunks`). */
function noteLineBreaks(text: string, seen: { crlf: boolean; lf: boolean; cr: boolean }): void {
  if (seen.crlf && seen.lf && seen.cr) return;
  // Counting with indexOf is several times faster than searching with lookaround expressions.
  let lf = 0;
  let crlf = 0;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) {
    lf++;
    if (at > 0 && text.charCodeAt(at - 1) === 13) crlf++;
  }
  let cr = 0;
  for (let at = text.indexOf("\r"); at >= 0; at = text.indexOf("\r", at + 1)) cr++;
  if (crlf > 0) seen.crlf = true;
  if (lf > crlf) seen.lf = true;
  if (cr > crlf) seen.cr = true;
}

function lineBreakOf(seen: { crlf: boolean; lf: boolean; cr: boolean }): LineBreak | null {
  if (Number(seen.crlf) + Number(seen.lf) + Number(seen.cr) > 1) return null;
  return seen.cr ? "\r" : seen.crlf ? "\r\n" : "\n";
}

/**
 * The text of the bytes in pieces of about `chunkBytes` bytes, decoded as `encoding` (a byte order
 * mark is dropped, as `decodeText` does). Pieces may split a line anywhere, even a CRLF.
 */
export function* textChunks(
  bytes: Uint8Array,
  encoding: TextEncoding,
  chunkBytes = decodeChunkBytes,
  fatal = false,
): Generator<string> {
  const label = encoding === "utf-8-bom" ? "utf-8" : encoding;
  const decoder = new TextDecoder(label, { fatal });
  const fix = encoding === "windows-1252" ? fixWindows1252 : (s: string) => s;
  for (let at = 0; at < bytes.length; at += chunkBytes) {
    const piece = decoder.decode(bytes.subarray(at, at + chunkBytes), { stream: true });
    if (piece !== "") yield fix(piece);
  }
  const last = decoder.decode();
  if (last !== "") yield fix(last);
}

/** Pieces of text that never end in a CR, so a CRLF is never split between two pieces. */
export function* lineSafeChunks(pieces: Iterable<string>): Generator<string> {
  let carry = "";
  for (const piece of pieces) {
    let text = carry + piece;
    carry = "";
    if (text.endsWith("\r")) {
      carry = "\r";
      text = text.slice(0, -1);
    }
    if (text !== "") yield text;
  }
  if (carry !== "") yield carry;
}
