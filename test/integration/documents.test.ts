import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../functions/cli/main.ts";
import { createRuntime } from "../../functions/compose.ts";
import { protectFiguresTogether } from "../../functions/core/disclosure.ts";
import { buildFigures } from "../../functions/core/figures.ts";
import type { FiguresModel } from "../../schemas/figures.ts";
import { captureIo, csvBytes, tempDir } from "../helpers.ts";

/**
 * The documents end to end: deliver through the CLI, then `factsheets --send` twice against an
 * in-process SMTP server, `report` and `igj-export`.
 */
interface Received {
  rcptTo: string[];
  raw: string;
}
const received: Received[] = [];
let server: SMTPServer;
let port = 0;
let dir = "";
let cleanup = () => {};

const cli = async (...args: string[]) => {
  const c = captureIo({ VBM_SMTP_URL: `smtp://127.0.0.1:${port}`, VBM_MAIL_FROM: "monitor@vbm.example" });
  const code = await run([...args, "--data-dir", join(dir, "data")], c.io);
  return { code, out: c.out(), err: c.err() };
};

/** AB: 12 measures by 3 young people in Q3 (AB0001 has 8 of them); CD delivers nothing. */
const rows = [
  ...Array.from({ length: 8 }, (_, i) => [
    "AB0001",
    `${String(i + 1).padStart(2, "0")}.07.2023`,
    "10:00",
    `${String(i + 1).padStart(2, "0")}.07.2023`,
    "10:45",
    "",
    "10",
    "1",
  ]),
  ["AB0002", "03.08.2023", "21:00", "04.08.2023", "11:30", "", "3", "2"],
  ["AB0002", "05.08.2023", "08:00", "", "", "", "16", ""],
  ["AB0003", "09.09.2023", "14:00", "09.09.2023", "14:20", "", "11", ""],
  ["AB0003", "10.09.2023", "14:00", "10.09.2023", "14:20", "", "11", ""],
];

beforeAll(async () => {
  ({ dir, cleanup } = tempDir("vbm-docs-"));
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("latin1"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
  mkdirSync(join(dir, "data", "config"), { recursive: true });
  writeFileSync(
    join(dir, "data", "config", "locations.json"),
    JSON.stringify([
      { code: "AB", name: "De Eik", emails: ["registratie@eik.example"] },
      { code: "CD", name: "Het Veld", emails: ["registratie@veld.example"] },
    ]),
  );
  writeFileSync(join(dir, "ab.csv"), csvBytes(rows));
  const delivered = await cli("deliver", join(dir, "ab.csv"), "--location", "AB", "--quarter", "2023-Q3");
  expect(delivered.code, delivered.err).toBe(0);
}, 60_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  cleanup();
});

describe("factsheets and reminders by e-mail", () => {
  it("sends AB its factsheet (PDF attached, Dutch subject) and CD a reminder; a second run sends nothing", async () => {
    const first = await cli("factsheets", "--quarter", "2023-Q3", "--send");
    expect(first.code, first.err).toBe(0);
    expect(received).toHaveLength(2);
    const factsheet = received.find((r) => r.rcptTo.includes("registratie@eik.example"));
    const reminder = received.find((r) => r.rcptTo.includes("registratie@veld.example"));
    expect(factsheet?.raw).toMatch(/Content-Type: application\/pdf/);
    expect(factsheet?.raw).toContain("filename=factsheet-AB-2023-Q3.pdf");
    expect(factsheet?.raw).toMatch(/^Subject: .*Factsheet/m);
    expect(reminder?.raw).not.toMatch(/application\/pdf/);
    // Subjects never carry a youth number.
    for (const r of received) expect(r.raw.match(/^Subject: .*$/m)?.[0]).not.toMatch(/[A-Z]{2}\d{4}/);
    const outbox = await cli("factsheets", "--quarter", "2023-Q3", "--send");
    expect(outbox.code).toBe(0);
    expect(outbox.out).toContain("was al verstuurd");
    expect(received).toHaveLength(2);
  });

  it("the factsheet PDF shows the figures of the model, and names the sharp rise only there", async () => {
    const runtime = createRuntime({ mode: "local", dataDir: join(dir, "data") });
    const engine = await runtime.openQueryEngine();
    let model: FiguresModel;
    try {
      model = await buildFigures(engine, {
        from: "2023-Q3",
        to: "2023-Q3",
        location: "AB",
        locations: ["AB", "CD"],
      });
    } finally {
      await engine.close();
    }
    expect(model.total).toBe(12);
    const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
    const data = new Uint8Array(
      readFileSync(join(dir, "data", "reports", "factsheets", "2023-Q3", "AB.pdf")),
    );
    const pdf = await getDocument({ data, useSystemFonts: false, disableFontFace: true }).promise;
    let text = "";
    for (let p = 1; p <= pdf.numPages; p++) {
      const content = await pdf.getPage(p).then((page) => page.getTextContent());
      text += `${content.items.map((i) => ("str" in i ? i.str : "")).join(" ")}\n`;
    }
    expect(text).toContain(String(model.total));
    expect(text).toContain(String(model.uniqueYouth));
    // AB0001 went from 0 (no earlier delivery: no comparison) — so no rise is named.
    expect(text).not.toContain("AB0001");
  });
});

describe("national report and IGJ provision", () => {
  it("makes the report and the export; what leaves the location holds no count from 1 to 4", async () => {
    expect((await cli("report", "--from", "2023-Q3", "--to", "2023-Q3")).code).toBe(0);
    const runtime = createRuntime({ mode: "local", dataDir: join(dir, "data") });
    const engine = await runtime.openQueryEngine();
    try {
      const total = await buildFigures(engine, {
        from: "2023-Q3",
        to: "2023-Q3",
        location: null,
        locations: ["AB", "CD"],
      });
      const { whole, parts } = protectFiguresTogether([total], total);
      const cells: { value: number | null; suppressed: boolean }[] = [];
      const walk = (v: unknown) => {
        if (v && typeof v === "object") {
          if ("suppressed" in v && "value" in v) cells.push(v as never);
          else for (const x of Object.values(v)) walk(x);
        }
      };
      walk(whole);
      walk(parts);
      expect(cells.length).toBeGreaterThan(50);
      for (const c of cells)
        if (c.value !== null) expect(c.value === 0 || c.value >= 5, JSON.stringify(c)).toBe(true);
    } finally {
      await engine.close();
    }
    const igj = await cli("igj-export", "--half", "2023-H2");
    expect(igj.code, igj.err).toBe(0);
    const csv = readFileSync(
      join(dir, "data", "reports", "igj", "2023-H2", "maatregelen-per-maand.csv"),
      "utf8",
    );
    for (const cell of csv.split(/[;\r\n]+/)) expect(/^[1-4]$/.test(cell.trim()), cell).toBe(false);
    expect(csv).toContain("<5");
  });
});

describe("progress while documents are made", () => {
  const progressCli = async (terminal: boolean, ...args: string[]) => {
    const c = captureIo({});
    const code = await run([...args, "--data-dir", join(dir, "data")], { ...c.io, terminal });
    return { code, out: c.out(), err: c.err() };
  };

  it("on a terminal: a line per location as it is done, then the time; the results on stdout as ever", async () => {
    const res = await progressCli(true, "factsheets", "--quarter", "2023-Q3");
    expect(res.code, res.err).toBe(0);
    const lines = res.err.split("\n");
    expect(lines[0]).toBe("Factsheets 2023-Q3 maken voor 2 locaties…");
    // Counted in the order they finish (two locations are in progress at once).
    expect(lines.slice(1, 3).map((l) => l.slice(0, 6))).toEqual(["  1/2 ", "  2/2 "]);
    expect(
      lines
        .slice(1, 3)
        .map((l) => l.slice(6))
        .sort(),
    ).toEqual(["AB: gemaakt", "CD: geen geaccepteerde levering: geen factsheet"]);
    expect(lines[3]).toMatch(/^Factsheets 2023-Q3: 1 factsheet voor 2 locaties in \d+,\d s\.$/);
    expect(lines).toHaveLength(4);
    expect(res.out.split("\n")).toEqual([
      expect.stringMatching(/^AB 2023-Q3: gemaakt → /),
      "CD 2023-Q3: geen geaccepteerde levering: geen factsheet",
    ]);
    const report = await progressCli(true, "report", "--quarter", "2023-Q3");
    expect(report.code, report.err).toBe(0);
    expect(report.err).toBe("Landelijke rapportage 2023-Q3 t/m 2023-Q3 maken…");
  }, 60_000);

  it("elsewhere (a log, a pipe): one closing line per run, nothing per location", async () => {
    const res = await progressCli(false, "factsheets", "--quarter", "2023-Q3");
    expect(res.code, res.err).toBe(0);
    expect(res.err).toMatch(/^Factsheets 2023-Q3: 1 factsheet voor 2 locaties in \d+,\d s\.$/);
    const report = await progressCli(false, "report", "--quarter", "2023-Q3");
    expect(report.err).toBe("");
  }, 60_000);
});

describe("runs on no data never succeed silently", () => {
  it("report over quarters without deliveries: Dutch message, exit 1, no PDF", async () => {
    const res = await cli("report", "--from", "2024-Q1", "--to", "2024-Q2");
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/geen enkele levering/i);
    expect(res.err).toContain("2024-Q1");
    expect(existsSync(join(dir, "data", "reports", "national", "2024-Q1_2024-Q2.pdf"))).toBe(false);
  });

  it("IGJ export for an empty half year: Dutch message, exit 1, no files", async () => {
    const res = await cli("igj-export", "--half", "2024-H1");
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/geen enkele levering/i);
    expect(existsSync(join(dir, "data", "reports", "igj", "2024-H1"))).toBe(false);
  });

  it("figures and factsheet for an unknown location code: Dutch message naming it, exit 2", async () => {
    const figures = await cli("figures", "--quarter", "2023-Q3", "--location", "ZZ");
    expect(figures.code).toBe(2);
    expect(figures.err).toContain("ZZ");
    expect(figures.err).toMatch(/onbekend/i);
    expect(figures.out).toBe("");
    const factsheet = await cli("factsheet", "--quarter", "2023-Q3", "--location", "ZZ");
    expect(factsheet.code).toBe(2);
    expect(factsheet.err).toContain("ZZ");
    expect(existsSync(join(dir, "data", "reports", "factsheets", "2023-Q3", "ZZ.pdf"))).toBe(false);
  });

  it("figures and factsheet for a quarter nobody (or this location) delivered: exit 1", async () => {
    const national = await cli("figures", "--quarter", "2024-Q1");
    expect(national.code).toBe(1);
    expect(national.err).toMatch(/geen enkele levering/i);
    const cd = await cli("factsheet", "--quarter", "2023-Q3", "--location", "CD");
    expect(cd.code).toBe(1);
    expect(cd.err).toMatch(/CD.*geen geaccepteerde levering/);
  });

  it("a mistyped --data-dir: Dutch message naming the folder, exit 2", async () => {
    const missing = join(dir, "dta");
    for (const args of [
      ["figures", "--quarter", "2023-Q3"],
      ["factsheets", "--quarter", "2023-Q3"],
      ["report", "--from", "2023-Q3", "--to", "2023-Q3"],
      ["igj-export", "--half", "2023-H2"],
    ]) {
      const c = captureIo({});
      const code = await run([...args, "--data-dir", missing], c.io);
      expect(code, args.join(" ")).toBe(2);
      expect(c.err()).toContain(missing);
      expect(c.err()).toMatch(/bestaat niet/);
      expect(existsSync(missing)).toBe(false);
    }
  });
});

describe("without a locations config", () => {
  let bare = "";
  const bareCli = async (...args: string[]) => {
    const c = captureIo({});
    const code = await run([...args, "--data-dir", bare], c.io);
    return { code, out: c.out(), err: c.err() };
  };
  beforeAll(async () => {
    bare = join(dir, "bare");
    const delivered = await bareCli(
      "deliver",
      join(dir, "ab.csv"),
      "--location",
      "AB",
      "--quarter",
      "2023-Q3",
    );
    expect(delivered.code, delivered.err).toBe(0);
  }, 60_000);

  it("factsheets derives the locations from the delivery log and says so, naming the config", async () => {
    const res = await bareCli("factsheets", "--quarter", "2023-Q3");
    expect(res.code, res.err).toBe(0);
    expect(res.err).toContain("locations.json");
    expect(res.out).toContain("AB 2023-Q3: gemaakt");
    expect(existsSync(join(bare, "reports", "factsheets", "2023-Q3", "AB.pdf"))).toBe(true);
  });

  it("factsheets --send refuses in Dutch, naming the missing config", async () => {
    const res = await bareCli("factsheets", "--quarter", "2023-Q3", "--send");
    expect(res.code).toBe(2);
    expect(res.err).toContain("locations.json");
    expect(res.err).not.toMatch(/must|cover|figures per location/);
  });

  it("igj-export works on the locations of the delivery log, with the note, not an English error", async () => {
    const res = await bareCli("igj-export", "--half", "2023-H2");
    expect(res.code, res.err).toBe(0);
    expect(res.err).toContain("locations.json");
    expect(res.err).not.toMatch(/must cover|figures per location/);
    const csv = readFileSync(join(bare, "reports", "igj", "2023-H2", "leveringen.csv"), "utf8");
    expect(csv).toContain("AB;alle typen;ontbreekt");
  });
});

describe("a corrected delivery reaches the location", () => {
  const factsheetMails = () => received.filter((r) => r.rcptTo.includes("registratie@eik.example"));
  const subjectOf = (raw: string) => /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1] ?? "";

  it("sends a factsheet again, marked as corrected, when its content changed; unchanged content only once", async () => {
    // Make sure the first factsheet went out (the first describe may have sent it already).
    expect((await cli("factsheets", "--quarter", "2023-Q3", "--send")).code).toBe(0);
    const before = factsheetMails().length;
    expect(before).toBeGreaterThanOrEqual(1);
    // AB corrects its file: the last measure was registered twice by mistake → 11 measures.
    writeFileSync(join(dir, "ab-fixed.csv"), csvBytes(rows.slice(0, -1)));
    const fixed = await cli("deliver", join(dir, "ab-fixed.csv"), "--location", "AB", "--quarter", "2023-Q3");
    expect(fixed.code, fixed.err).toBe(0);
    const again = await cli("factsheets", "--quarter", "2023-Q3", "--send");
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/AB 2023-Q3: gemaakt en opnieuw verstuurd/);
    const after = factsheetMails();
    expect(after).toHaveLength(before + 1);
    const corrected = after.at(-1)?.raw ?? "";
    expect(subjectOf(corrected)).toMatch(/gecorrigeerd/i);
    expect(corrected).toContain("filename=factsheet-AB-2023-Q3.pdf");
    // The same content again (the corrected file delivered once more): nothing is sent.
    const same = await cli("deliver", join(dir, "ab-fixed.csv"), "--location", "AB", "--quarter", "2023-Q3");
    expect(same.code, same.err).toBe(0);
    const third = await cli("factsheets", "--quarter", "2023-Q3", "--send");
    expect(third.out).toMatch(/AB 2023-Q3: .*al verstuurd/);
    expect(factsheetMails()).toHaveLength(before + 1);
    // The record of what was sent holds a hash of the facts shown, never the youth numbers.
    const record = readFileSync(
      join(dir, "data", "reports", "sent", "2023-Q3", "AB", "factsheet.json"),
      "utf8",
    );
    expect(JSON.parse(record).contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(record).not.toMatch(/AB\d{4}/);
  });
});
