import { describe, expect, it } from "vitest";
import { readCsv } from "../../../functions/core/read/csv.ts";
import type { ReadProblem, Table } from "../../../functions/core/read/types.ts";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function table(bytes: Uint8Array): Table {
  const result = readCsv(bytes);
  if (!result.ok) throw new Error(`not ok: ${result.problem.code}`);
  return result.table;
}

async function collect(t: Table): Promise<{ rows: [number, string[]][]; problems: ReadProblem[] }> {
  const rows: [number, string[]][] = [];
  const problems: ReadProblem[] = [];
  await t.eachRow(
    (cells, row) => rows.push([row, [...cells]]),
    (p) => problems.push(p),
  );
  return { rows, problems };
}

describe("readCsv", () => {
  it("reads a UTF-8 file with BOM and CRLF line endings", async () => {
    // Prepare
    const bytes = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...utf8(
        "Nummer jongere;Datum start;Aanleiding\r\nXX0001;01.02.2023;Geëscaleerd\r\nXX0002;02.02.2023;\r\n",
      ),
    ]);

    // Act
    const t = table(bytes);
    const { rows, problems } = await collect(t);

    // Assess
    expect(t).toMatchObject({ format: "csv", encoding: "utf-8-bom", delimiter: ";" });
    expect(t.header).toEqual(["Nummer jongere", "Datum start", "Aanleiding"]);
    expect(rows).toEqual([
      [2, ["XX0001", "01.02.2023", "Geëscaleerd"]],
      [3, ["XX0002", "02.02.2023", ""]],
    ]);
    expect(problems).toEqual([]);
  });

  it("reads Windows-1252 bytes from Dutch Excel", async () => {
    // Prepare: "Cliënt;Aanleiding\r\nXX0001;café\r\n" with ë = EB and é = E9
    const bytes = new Uint8Array([
      ...utf8("Cli"),
      0xeb,
      ...utf8("nt;Aanleiding\r\nXX0001;caf"),
      0xe9,
      ...utf8("\r\n"),
    ]);

    // Act
    const t = table(bytes);
    const { rows } = await collect(t);

    // Assess
    expect(t.encoding).toBe("windows-1252");
    expect(t.header).toEqual(["Cliënt", "Aanleiding"]);
    expect(rows).toEqual([[2, ["XX0001", "café"]]]);
  });

  it("reads UTF-16LE tab-separated text with a BOM (Excel's Unicode text)", async () => {
    // Prepare
    const text = "Nummer jongere\tType VBM\r\nXX0001\t6\r\n";
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) bytes[2 + i * 2] = text.charCodeAt(i);

    // Act
    const t = table(bytes);
    const { rows } = await collect(t);

    // Assess
    expect(t).toMatchObject({ encoding: "utf-16le", delimiter: "\t" });
    expect(t.header).toEqual(["Nummer jongere", "Type VBM"]);
    expect(rows).toEqual([[2, ["XX0001", "6"]]]);
  });

  it("detects a comma delimiter from the header, ignoring separators inside quotes", async () => {
    // Prepare
    const bytes = utf8('"Nummer; jongere",Datum start,Type VBM\n"XX0001","01.02.2023",3\n');

    // Act
    const t = table(bytes);
    const { rows } = await collect(t);

    // Assess
    expect(t.delimiter).toBe(",");
    expect(t.header).toEqual(["Nummer; jongere", "Datum start", "Type VBM"]);
    expect(rows).toEqual([[2, ["XX0001", "01.02.2023", "3"]]]);
  });

  it("prefers a semicolon when the header has as many commas as semicolons", async () => {
    // Act
    const t = table(utf8("a,b;c\n1,2;3\n"));

    // Assess
    expect(t.delimiter).toBe(";");
    expect(t.header).toEqual(["a,b", "c"]);
  });

  it("keeps separators, doubled quotes and line breaks inside quoted fields, counting the record as one row", async () => {
    // Prepare
    const bytes = utf8(
      'Nummer jongere;Aanleiding;Type VBM\r\nXX0001;"Riep ""nee""; liep weg\r\nen sloeg";3\r\nXX0002;rustig;6\r\n',
    );

    // Act
    const { rows, problems } = await collect(table(bytes));

    // Assess
    expect(rows).toEqual([
      [2, ["XX0001", 'Riep "nee"; liep weg\r\nen sloeg', "3"]],
      [3, ["XX0002", "rustig", "6"]],
    ]);
    expect(problems).toEqual([]);
  });

  it("reads every row when CRLF, LF and lone CR line endings are mixed", async () => {
    // Prepare: a CRLF export with LF-only rows appended, a lone CR, and a quoted CRLF inside a field
    const bytes = utf8(
      'Nummer jongere;Aanleiding;Type VBM\r\nXX0001;"Riep\r\nnee";3\r\nXX0002;rustig;6\n' +
        "XX0003;boos;1\n\nXX0004;;2\rXX0005;x;4\r\n",
    );

    // Act
    const t = table(bytes);
    const { rows, problems } = await collect(t);

    // Assess
    expect(t.header).toEqual(["Nummer jongere", "Aanleiding", "Type VBM"]);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      [2, ["XX0001", "Riep\r\nnee", "3"]],
      [3, ["XX0002", "rustig", "6"]],
      [4, ["XX0003", "boos", "1"]],
      [6, ["XX0004", "", "2"]],
      [7, ["XX0005", "x", "4"]],
    ]);
  });

  it("reads LF rows followed by CRLF rows, and a file with only lone CRs", async () => {
    // Act
    const lfFirst = await collect(table(utf8('a;b\n1;"x"\n2;y\r\n3;"z"\r\n')));
    const crOnly = await collect(table(utf8("a;b\r1;2\r3;4\r")));

    // Assess
    expect(lfFirst.problems).toEqual([]);
    expect(lfFirst.rows).toEqual([
      [2, ["1", "x"]],
      [3, ["2", "y"]],
      [4, ["3", "z"]],
    ]);
    expect(crOnly.problems).toEqual([]);
    expect(crOnly.rows).toEqual([
      [2, ["1", "2"]],
      [3, ["3", "4"]],
    ]);
  });

  it("still reports a broken quote and resumes on the next line when line endings are mixed", async () => {
    // Act
    const { rows, problems } = await collect(table(utf8('a;b\r\n1;"open\r\n2;x\n3;y\r\n')));

    // Assess
    expect(problems.map((p) => [p.code, p.row])).toEqual([["csv-malformed", 2]]);
    expect(rows).toEqual([
      [3, ["2", "x"]],
      [4, ["3", "y"]],
    ]);
  });

  it("keeps rows apart in mixed line endings when stray quotes inside fields span a line break", async () => {
    // Act
    const { rows, problems } = await collect(table(utf8('a;b\r\n1;5" lang\r\n2;6" breed\r\n3;x\n')));

    // Assess
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      [2, ["1", '5" lang']],
      [3, ["2", '6" breed']],
      [4, ["3", "x"]],
    ]);
  });

  it.each([
    ["sep=;", "utf-8", "a;b,c\r\n1;2,3\r\n4;5;6\r\n", ";"],
    ["sep=; after a byte order mark", "utf-8-bom", "a;b\r\n1;2\r\n4;5;6\r\n", ";"],
    ['"sep=;" in quotes', "utf-8", "a;b\r\n1;2\r\n4;5;6\r\n", ";"],
    ["sep=, over a header with more semicolons", "utf-8", "a;x,b;y\n1;1,2;2\n4,5,6\n", ","],
    ["sep=<tab>", "utf-8", "a\tb\r\n1\t2\r\n4\t5\t6\r\n", "\t"],
  ])(
    "honours Excel's %s hint line, skips it and numbers rows as Excel shows them",
    async (label, encoding, body, sep) => {
      // Prepare
      const line = label.startsWith('"') ? `"sep=${sep}"` : `sep=${sep}`;
      const text = `${line}\r\n${body}`;
      const bytes = encoding === "utf-8-bom" ? new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]) : utf8(text);

      // Act
      const t = table(bytes);
      const { rows, problems } = await collect(t);

      // Assess: Excel hides the hint line, so the header is row 1 there and in our findings
      expect(t).toMatchObject({ encoding, delimiter: sep });
      expect(t.header).toHaveLength(2);
      expect(t.header.join("|")).not.toContain("sep=");
      expect(rows).toEqual([[2, [expect.any(String), expect.any(String)]]]);
      expect(problems.map((p) => [p.code, p.row])).toEqual([["row-field-count", 3]]);
    },
  );

  it("reads a header that merely starts with sep= as a header", async () => {
    // Act
    const t = table(utf8("sep=;a;b\n1;2;3\n"));

    // Assess
    expect(t.header).toEqual(["sep=", "a", "b"]);
  });

  it("skips blank lines but counts them in the row numbers", async () => {
    // Prepare
    const bytes = utf8("a;b\n1;2\n\n ;  \n;\n3;4\n");

    // Act
    const { rows, problems } = await collect(table(bytes));

    // Assess
    expect(rows).toEqual([
      [2, ["1", "2"]],
      [6, ["3", "4"]],
    ]);
    expect(problems).toEqual([]);
  });

  it("reports an unterminated quote and carries on with the next line", async () => {
    // Prepare: row 3 opens a quote that is never closed
    const bytes = utf8('a;b;c\n1;2;3\n4;"Zei ik ga weg;6\n7;8;9\n10;11;12\n');

    // Act
    const { rows, problems } = await collect(table(bytes));

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "csv-malformed", row: 3 });
    expect(problems[0]?.message).toContain('aanhalingsteken (")');
    expect(problems[0]?.message).toContain("Aanleiding");
    expect(rows).toEqual([
      [2, ["1", "2", "3"]],
      [4, ["7", "8", "9"]],
      [5, ["10", "11", "12"]],
    ]);
  });

  it("reports a quoted field followed by more text, and keeps the rows after it", async () => {
    // Prepare: row 2 starts a field with a quote but goes on after the closing quote
    const bytes = utf8('a;b\n"Ik ga" riep hij;1\n2;"x"\n3;4');

    // Act
    const { rows, problems } = await collect(table(bytes));

    // Assess
    expect(problems.map((p) => [p.code, p.row])).toEqual([["csv-malformed", 2]]);
    expect(rows).toEqual([
      [3, ["2", "x"]],
      [4, ["3", "4"]],
    ]);
  });

  it("stops reading when broken quotes would make it rescan the file over and over", async () => {
    // Prepare: every row opens a quote that is never closed properly
    const bytes = utf8(`a;b;c\n${'1;"ik ga" zei hij;3\n'.repeat(5000)}`);

    // Act
    const { rows, problems } = await collect(table(bytes));

    // Assess
    expect(rows).toEqual([]);
    expect(problems.length).toBeLessThan(10);
    expect(problems.every((p) => p.code === "csv-malformed")).toBe(true);
    expect(problems.at(-1)?.message).toContain(
      `Vanaf rij ${problems.at(-1)?.row} is het bestand niet verder gelezen`,
    );
  });

  it("reports rows with too few or too many fields and does not pass them on", async () => {
    // Prepare
    const bytes = utf8("a;b;c\n1;2;3\n1;2\n1;2;3;4\n5;6;7\n");

    // Act
    const { rows, problems } = await collect(table(bytes));

    // Assess
    expect(rows).toEqual([
      [2, ["1", "2", "3"]],
      [5, ["5", "6", "7"]],
    ]);
    expect(problems.map((p) => [p.code, p.row, p.value])).toEqual([
      ["row-field-count", 3, "2"],
      ["row-field-count", 4, "4"],
    ]);
    expect(problems[0]?.message).toContain("Rij 3 heeft 2 kolommen, maar de kopregel heeft er 3");
    expect(problems[1]?.message).toContain("puntkomma (;)");
  });

  it("drops trailing empty columns that Excel adds, but not extra values", async () => {
    // Prepare
    const bytes = utf8("a;b;c;;\n1;2;3;;\n4;5;6\n7;8;9;;x\n");

    // Act
    const t = table(bytes);
    const { rows, problems } = await collect(t);

    // Assess
    expect(t.header).toEqual(["a", "b", "c"]);
    expect(rows).toEqual([
      [2, ["1", "2", "3"]],
      [3, ["4", "5", "6"]],
    ]);
    expect(problems.map((p) => [p.code, p.row, p.value])).toEqual([["row-field-count", 4, "5"]]);
  });

  it("trims header cells but leaves data cells untouched", async () => {
    // Act
    const t = table(utf8(" Nummer jongere ; Type VBM\n XX0001 ; 6 \n"));
    const { rows } = await collect(t);

    // Assess
    expect(t.header).toEqual(["Nummer jongere", "Type VBM"]);
    expect(rows).toEqual([[2, [" XX0001 ", " 6 "]]]);
  });

  it("gives an empty header for a file with only whitespace", async () => {
    // Act
    const t = table(utf8("  \r\n \r\n"));
    const { rows, problems } = await collect(t);

    // Assess
    expect(t.header).toEqual([]);
    expect(rows).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("reads a header-only file without rows", async () => {
    // Act
    const t = table(utf8("Nummer jongere;Datum start\r\n"));
    const { rows, problems } = await collect(t);

    // Assess
    expect(t.header).toEqual(["Nummer jongere", "Datum start"]);
    expect(rows).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("refuses a header with an unclosed quote", async () => {
    // Act
    const result = readCsv(utf8('"Nummer jongere;Datum start\n1;2\n'));

    // Assess
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatchObject({ code: "csv-malformed", row: 1 });
  });

  it("refuses binary garbage", async () => {
    // Prepare: pseudo-random bytes with NULs in them
    let seed = 7;
    const bytes = new Uint8Array(2048).map(() => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % 256;
    });
    bytes[10] = 0;

    // Act
    const result = readCsv(bytes);

    // Assess
    expect(result).toMatchObject({
      ok: false,
      format: "csv",
      problem: { code: "file-unreadable", row: null },
    });
  });

  it("streams the same rows again on a second pass", async () => {
    // Prepare
    const t = table(utf8("a;b\n1;2\n3;4\n"));

    // Act
    const first = await collect(t);
    const second = await collect(t);

    // Assess
    expect(second).toEqual(first);
    expect(first.rows).toHaveLength(2);
  });

  it.each([
    [
      "BOM and CRLF",
      [0xef, 0xbb, 0xbf, ...utf8('Nummer jongere;Aanleiding\r\nXX0001;"Riep\r\nnee"\r\nXX0002;€ “x”\r\n')],
    ],
    ["Windows-1252", [...utf8("a;b\r\n1;caf"), 0xe9, 0x80, ...utf8("\r\n2;y\r\n")]],
    [
      "mixed line endings",
      utf8('a;b;c\r\nXX0001;"Riep\r\nnee";3\r\nXX0002;rustig;6\n\nXX0004;;2\rXX0005;x;4\r\n'),
    ],
    ["a broken quote in mixed line endings", utf8('a;b\r\n1;"open\r\n2;x\n3;y\r\n')],
    ["stray quotes in mixed line endings", utf8('a;b\r\n1;5" lang\r\n2;6" breed\r\n3;x\n')],
    ["a sep= hint", utf8("sep=,\r\na;x,b;y\n1;1,2;2\n4,5,6\n")],
    ["an unterminated quote", utf8('a;b;c\n1;2;3\n4;"Zei ik ga weg;6\n7;8;9\n10;11;12\n')],
    ["a quoted field followed by text", utf8('a;b\n"Ik ga" riep hij;1\n2;"x"\n3;4')],
    ["only lone CRs", utf8("a;b\r1;2\r3;4\r")],
    ["blank lines and field counts", utf8("a;b;c\n1;2;3\n\n1;2\n1;2;3;4\n5;6;7;;\n")],
  ])("reads a file with %s the same in small chunks as at once", async (_, bytes) => {
    // Prepare
    const file = Uint8Array.from(bytes);
    const whole = readCsv(file);
    if (!whole.ok) throw new Error("not ok");

    for (const chunkBytes of [1, 2, 3, 5, 8, 13]) {
      // Act
      const chunked = readCsv(file, chunkBytes);
      if (!chunked.ok) throw new Error("not ok");

      // Assess
      expect({ ...chunked.table, eachRow: null }).toEqual({ ...whole.table, eachRow: null });
      expect(await collect(chunked.table)).toEqual(await collect(whole.table));
    }
  });

  it("gives up on a quote that stays open for megabytes at its row, and reads on from the next line", async () => {
    // Prepare: row 2 opens a quote that is never closed; 1.2 million good rows (4.8 MB) follow
    const bytes = utf8(`a;b\n1;"open\n${"2;y\n".repeat(1_200_000)}`);

    // Act
    let rows = 0;
    const problems: ReadProblem[] = [];
    table(bytes).eachRow(
      () => rows++,
      (p) => problems.push(p),
    );

    // Assess: as if the whole file had been parsed at once
    expect(problems.map((p) => [p.code, p.row])).toEqual([["csv-malformed", 2]]);
    expect(rows).toBe(1_200_000);
  });
});
