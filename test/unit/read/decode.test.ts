import { describe, expect, it } from "vitest";
import { decodeText } from "../../../functions/core/read/decode.ts";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("decodeText", () => {
  it("reads plain UTF-8", () => {
    // Prepare
    const bytes = utf8("Cliënt;Aanleiding\r\nXX0001;geëscaleerd\r\n");

    // Act
    const result = decodeText(bytes);

    // Assess
    expect(result).toEqual({
      ok: true,
      text: "Cliënt;Aanleiding\r\nXX0001;geëscaleerd\r\n",
      encoding: "utf-8",
    });
  });

  it("strips a UTF-8 byte order mark", () => {
    // Prepare
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("Nummer jongere;é")]);

    // Act
    const result = decodeText(bytes);

    // Assess
    expect(result).toEqual({ ok: true, text: "Nummer jongere;é", encoding: "utf-8-bom" });
  });

  it("falls back to Windows-1252 when the bytes are not valid UTF-8", () => {
    // Prepare: "Cliënt;café € “nee” – ok" as Dutch Excel writes it (ë = EB, é = E9, € = 80, “ ” = 93 94, – = 96)
    const bytes = new Uint8Array([
      0x43, 0x6c, 0x69, 0xeb, 0x6e, 0x74, 0x3b, 0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x20, 0x93, 0x6e, 0x65,
      0x65, 0x94, 0x20, 0x96, 0x20, 0x6f, 0x6b,
    ]);

    // Act
    const result = decodeText(bytes);

    // Assess
    expect(result).toEqual({ ok: true, text: "Cliënt;café € “nee” – ok", encoding: "windows-1252" });
  });

  it("reads UTF-16LE and UTF-16BE with a byte order mark (Excel's Unicode text)", () => {
    // Prepare
    const le = new Uint8Array([0xff, 0xfe, 0x43, 0x00, 0xeb, 0x00, 0x09, 0x00, 0x31, 0x00]);
    const be = new Uint8Array([0xfe, 0xff, 0x00, 0x43, 0x00, 0xeb, 0x00, 0x09, 0x00, 0x31]);

    // Act
    const fromLe = decodeText(le);
    const fromBe = decodeText(be);

    // Assess
    expect(fromLe).toEqual({ ok: true, text: "Cë\t1", encoding: "utf-16le" });
    expect(fromBe).toEqual({ ok: true, text: "Cë\t1", encoding: "utf-16be" });
  });

  it("refuses binary data with NUL bytes", () => {
    // Prepare
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0x13, 0x88, 0xfe, 0x00, 0x01]);

    // Act
    const result = decodeText(bytes);

    // Assess
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem.code).toBe("file-unreadable");
      expect(result.problem.row).toBeNull();
      expect(result.problem.message).toMatch(/CSV/);
    }
  });

  it("refuses text full of control characters but tolerates a few", () => {
    // Prepare
    const garbage = new Uint8Array(200).map((_, i) => (i % 3 === 0 ? 0x07 : 0x41));
    const fewStray = utf8(`${"a;b\n".repeat(100)}\u0007\u000b`);

    // Act
    const refused = decodeText(garbage);
    const tolerated = decodeText(fewStray);

    // Assess
    expect(refused.ok).toBe(false);
    expect(tolerated.ok).toBe(true);
  });

  it("returns empty text for zero bytes", () => {
    // Act
    const result = decodeText(new Uint8Array(0));

    // Assess
    expect(result).toEqual({ ok: true, text: "", encoding: "utf-8" });
  });
});
