import { unzipSync } from "fflate";
import type { ReadProblem } from "./types.ts";

/**
 * A kind of file that is not CSV or an .xlsx workbook, recognised from its bytes (not its name):
 * typical wrong exports, such as an EPD's "export to Excel" that is really a web page.
 */
export type OtherFormat =
  | "html"
  | "excel-2003-xml"
  | "old-excel"
  | "encrypted-office"
  | "excel-binary"
  | "opendocument-spreadsheet"
  | "opendocument"
  | "word"
  | "pdf";

/** Bytes looked at to recognise a text format (HTML, XML). */
const textPrefixBytes = 4096;

const compoundFileSignature = [0xd0, 0xcf, 0x11, 0xe0];
const zipSignature = [0x50, 0x4b, 0x03, 0x04];
const pdfSignature = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

/** Recognises a file that is not CSV or .xlsx by its signature or zip contents; null when it may be one. */
export function sniffFormat(bytes: Uint8Array): OtherFormat | null {
  // A compound (OLE2) file: Office 97-2003, or a newer Office file encrypted with a password or label.
  if (startsWith(bytes, compoundFileSignature)) {
    if (containsUtf16(bytes, "EncryptedPackage")) return "encrypted-office";
    return containsUtf16(bytes, "WordDocument") ? "word" : "old-excel";
  }
  if (startsWith(bytes, zipSignature)) return sniffZip(bytes);
  if (startsWith(bytes, pdfSignature)) return "pdf";
  return sniffMarkup(bytes);
}

const opendocumentMimeType = "application/vnd.oasis.opendocument.";

/**
 * Looks at the entry names of a zip (and the small `mimetype` entry OpenDocument files start with)
 * without unpacking anything else. A zip that cannot be read is left to the xlsx reader.
 */
function sniffZip(bytes: Uint8Array): OtherFormat | null {
  const names = new Set<string>();
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter(file) {
        names.add(file.name);
        return file.name === "mimetype" && file.originalSize <= 200;
      },
    });
  } catch {
    return null;
  }
  const mimetype = entries.mimetype ? new TextDecoder().decode(entries.mimetype).trim() : "";
  if (mimetype.startsWith(`${opendocumentMimeType}spreadsheet`)) return "opendocument-spreadsheet";
  if (mimetype.startsWith(opendocumentMimeType)) return "opendocument";
  if (names.has("xl/workbook.xml")) return null;
  if (names.has("xl/workbook.bin")) return "excel-binary";
  if (names.has("word/document.xml")) return "word";
  return null;
}

/** HTML (a web page, often a table saved with an .xls name) and Excel 2003 XML, after a BOM and whitespace. */
function sniffMarkup(bytes: Uint8Array): OtherFormat | null {
  const prefix = bytes.subarray(0, textPrefixBytes);
  const utf16 = startsWith(prefix, [0xff, 0xfe])
    ? "utf-16le"
    : startsWith(prefix, [0xfe, 0xff])
      ? "utf-16be"
      : null;
  // Markup is ASCII, so UTF-8 also shows it in a Windows-1252 file.
  const text = new TextDecoder(utf16 ?? "utf-8").decode(prefix).replace(/^[\ufeff\s]+/, "");
  if (!text.startsWith("<")) return null;
  const mentionsHtml = /<(?:html|table)[\s>]/i.test(text);
  if (
    /^<\?xml/i.test(text) &&
    !mentionsHtml &&
    /urn:schemas-microsoft-com:office:spreadsheet|progid="Excel\.Sheet"/i.test(text)
  )
    return "excel-2003-xml";
  if (/^<(?:!doctype\s+html|html|head|body|table|meta|title|style)[\s>/]/i.test(text)) return "html";
  if (/^<(?:!--|!doctype|\?xml)/i.test(text) && mentionsHtml) return "html";
  return null;
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, i) => bytes[i] === byte);
}

/** Whether `text` occurs in UTF-16LE, as stream names do in a compound (OLE2) file's directory. */
function containsUtf16(bytes: Uint8Array, text: string): boolean {
  const pattern = Uint8Array.from(Array.from(text).flatMap((c) => [c.charCodeAt(0), 0]));
  const first = pattern[0] as number;
  for (
    let at = bytes.indexOf(first);
    at >= 0 && at + pattern.length <= bytes.length;
    at = bytes.indexOf(first, at + 1)
  )
    if (pattern.every((byte, i) => bytes[at + i] === byte)) return true;
  return false;
}

const saveAsInExcel =
  'Open het in Excel en kies Bestand > Opslaan als. Kies bij "Opslaan als type" voor "Excel-werkmap (*.xlsx)" ' +
  'of "CSV (gescheiden door lijstscheidingsteken)". Lever daarna dat nieuwe bestand aan.';

const exportAgain =
  "Lever de registratie aan als Excel-werkmap (.xlsx) of als CSV-bestand. Maak de export uit het EPD zo nodig " +
  "opnieuw en kies dan een van die twee.";

/**
 * What the file is (Dutch, after "het is"), the extensions that fit it (null: never mention the name),
 * and how to fix it.
 */
const formats: Record<OtherFormat, { what: string; extensions: readonly string[] | null; fix: string }> = {
  html: {
    what: "een webpagina (een HTML-tabel)",
    extensions: ["html", "htm"],
    fix:
      'Zo\'n bestand maken sommige systemen bij "Exporteren naar Excel". Wij kunnen het niet lezen. ' +
      "Open het in Excel; krijgt u een melding dat de bestandsindeling niet klopt, kies dan Ja. Kies daarna " +
      'Bestand > Opslaan als. Kies bij "Opslaan als type" voor "Excel-werkmap (*.xlsx)" of ' +
      '"CSV (gescheiden door lijstscheidingsteken)". Lever daarna dat nieuwe bestand aan.',
  },
  "excel-2003-xml": {
    what: 'een XML-werkblad uit Excel 2003 ("XML-spreadsheet 2003")',
    extensions: ["xml"],
    fix: `Dat soort bestand kunnen wij niet lezen. ${saveAsInExcel}`,
  },
  "old-excel": {
    what: "een oud Excel-bestand (.xls) uit Excel 97-2003",
    extensions: ["xls"],
    fix: `Dat soort bestand kunnen wij niet lezen. ${saveAsInExcel}`,
  },
  "encrypted-office": {
    what: "een beveiligd Office-bestand: het is versleuteld met een wachtwoord of een vertrouwelijkheidslabel",
    extensions: null,
    fix:
      "Dan kunnen wij het niet lezen. Open het in Excel en haal de beveiliging weg: kies Bestand > Info > " +
      "Werkmap beveiligen > Versleutelen met wachtwoord en maak het wachtwoord leeg (of kies een label zonder " +
      'versleuteling). Kies daarna Bestand > Opslaan als, met "Excel-werkmap (*.xlsx)" of ' +
      '"CSV (gescheiden door lijstscheidingsteken)". Lever daarna dat nieuwe bestand aan.',
  },
  "excel-binary": {
    what: "een binaire Excel-werkmap (.xlsb)",
    extensions: ["xlsb"],
    fix: `Dat soort bestand kunnen wij niet lezen. ${saveAsInExcel}`,
  },
  "opendocument-spreadsheet": {
    what: "een OpenDocument-rekenblad (.ods), bijvoorbeeld uit LibreOffice of OpenOffice",
    extensions: ["ods", "ots", "fods"],
    fix:
      "Dat soort bestand kunnen wij niet lezen. Open het in LibreOffice Calc of in Excel en kies Bestand > " +
      'Opslaan als. Kies als bestandstype "Excel 2007-365 (.xlsx)" in LibreOffice of "Excel-werkmap (*.xlsx)" ' +
      "in Excel. Een CSV-bestand mag ook. Lever daarna dat nieuwe bestand aan.",
  },
  opendocument: {
    what: "een OpenDocument-bestand (bijvoorbeeld een tekstdocument uit LibreOffice), geen rekenblad",
    extensions: ["odt", "odp", "odg", "odf"],
    fix: `Daar kunnen wij geen registratie uit lezen. ${exportAgain}`,
  },
  word: {
    what: "een Word-document",
    extensions: ["docx", "docm", "doc"],
    fix: `Daar kunnen wij geen registratie uit lezen. ${exportAgain}`,
  },
  pdf: {
    what: "een pdf",
    extensions: ["pdf"],
    fix: `Uit een pdf kunnen wij geen gegevens lezen. ${exportAgain}`,
  },
};

/** The Dutch finding for a file of another format: what it really is, and how to deliver it instead. */
export function otherFormatProblem(format: OtherFormat, fileName: string): ReadProblem {
  const { what, extensions, fix } = formats[format];
  const extension = /\.([a-z0-9]{1,6})$/i.exec(fileName)?.[1]?.toLowerCase();
  const intro =
    extension && extensions && !extensions.includes(extension)
      ? `Dit bestand heeft een .${extension}-naam, maar het is eigenlijk ${what}.`
      : `Dit bestand is ${what}.`;
  return { code: "unsupported-format", row: null, value: null, message: `${intro} ${fix}` };
}
