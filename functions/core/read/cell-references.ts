/** The start tag of a `<row>` or `<c>` (cell) element, with its attributes. */
const rowOrCellTag = /<(row|c)(?=[\s/>])([^>]*)>/g;
const referenceAttribute = /\sr\s*=\s*["']([^"']*)["']/;

/**
 * Gives every `<row>` and `<c>` in a worksheet's `sheetData` an `r` reference, as the XML text goes
 * by in pieces. ECMA-376 makes `r` optional: a row without it comes right after the previous row, a
 * cell right after the previous cell in its row (the first cell in column A). exceljs needs the
 * reference to place a cell; some exports leave it out everywhere. Cell text cannot contain a raw
 * `<`, so the tags are found safely; a tag cut in two by the end of a piece waits for the next.
 */
export class CellReferences {
  private row = 0;
  private column = 0;
  private inData = false;
  private carry = "";

  /** The next piece of the worksheet's XML, references filled in; `last` flushes what is left. */
  fill(piece: string, last = false): string {
    let text = this.carry + piece;
    this.carry = "";
    if (!last) {
      const open = text.lastIndexOf("<");
      if (open >= 0 && text.indexOf(">", open) < 0) {
        this.carry = text.slice(open);
        text = text.slice(0, open);
      }
    }
    let head = "";
    if (!this.inData) {
      const start = text.indexOf("<sheetData");
      if (start < 0) return text;
      this.inData = true;
      head = text.slice(0, start);
      text = text.slice(start);
    }
    const end = text.indexOf("</sheetData");
    const body = end < 0 ? text : text.slice(0, end);
    return head + body.replace(rowOrCellTag, this.tag) + (end < 0 ? "" : text.slice(end));
  }

  private tag = (tag: string, name: string, attributes: string): string => {
    const reference = referenceAttribute.exec(attributes)?.[1];
    if (name === "row") {
      this.column = 0;
      const number = reference === undefined ? Number.NaN : Number.parseInt(reference, 10);
      this.row = Number.isInteger(number) ? number : this.row + 1;
      return reference !== undefined ? tag : `<row r="${this.row}"${attributes}>`;
    }
    const letters = reference === undefined ? undefined : /^\$?([A-Za-z]+)/.exec(reference)?.[1];
    this.column = letters ? columnNumber(letters) : this.column + 1;
    return reference !== undefined ? tag : `<c r="${columnLetter(this.column)}${this.row}"${attributes}>`;
  };
}

/** "A" → 1, "AB" → 28. */
export function columnNumber(letters: string): number {
  let n = 0;
  for (const letter of letters.toUpperCase()) n = n * 26 + letter.charCodeAt(0) - 64;
  return n;
}

/** 1 → "A", 28 → "AB". */
export function columnLetter(column: number): string {
  let letters = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}
