import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverFile } from "../../functions/cli/actions.ts";
import { run } from "../../functions/cli/main.ts";
import { createRuntime, type Runtime } from "../../functions/compose.ts";
import { type DocumentDeps, makeNationalReport } from "../../functions/core/documents.ts";
import { createNationalReportHandler } from "../../functions/handlers/documents.ts";
import { InvalidEventError } from "../../functions/handlers/events.ts";
import { deliveryKey, occupancyKey } from "../../schemas/delivery.ts";
import { captureIo, csvBytes, tempDir } from "../helpers.ts";

/**
 * The national report's "Verloop in de tijd" on delivered files. AB delivers all types, CD
 * seclusion only, 2023-Q1 and Q2; both have an average occupancy of 10 every month.
 *
 *   AB per month: 10 seclusions (own room, type 10) in Q1, 6 in Q2; 10 body searches (type 15);
 *                 in March also 2 electronic surveillances (type 1).
 *   CD per month: 5 seclusions (type 11).
 *
 * Rates per 10 places per month, by hand (scope-aware: CD counts only for seclusion):
 *   Alle maatregelen       AB only: Q1 20/10·10 = 20,0 (March 22,0), Q2 16/10·10 = 16,0
 *   Gedwongen afzonderen   AB+CD:   Q1 15/20·10 = 7,5, Q2 11/20·10 = 5,5
 *   Controles              AB only: 10,0
 *   Elektronisch toezicht  March 2 → a small count: not shown (–). It is the only hidden cell
 *     of March, so March's smallest other count goes too (controles, 10); then controles has one
 *     hidden month: its first smallest other month (January, 10); January then has one: its
 *     seclusions (15); seclusion then has one: its first smallest other month (April, 11); April
 *     then has one: its controles (10). Every month and group now has two or no hidden cells.
 * No own isolation room anywhere: the isolation-room model cannot be estimated.
 */
let dir = "";
let cleanup = () => {};
let runtime: Runtime;
const pad = (n: number) => String(n).padStart(2, "0");

function rows(location: string, quarter: 1 | 2, perMonth: (month: number) => { type: number; n: number }[]) {
  const out: string[][] = [];
  let youth = 0;
  for (let m = quarter * 3 - 2; m <= quarter * 3; m++)
    for (const { type, n } of perMonth(m))
      for (let i = 0; i < n; i++) {
        const day = pad(1 + i);
        const end =
          type === 15 || type === 1
            ? ["", ""]
            : [`${day}.${pad(m)}.2023`, `${pad(10 + (i % 8))}:${pad(5 * i)}`];
        out.push([
          `${location}${String((youth++ % 7) + 1).padStart(4, "0")}`,
          `${day}.${pad(m)}.2023`,
          "09:00",
          ...end,
          "",
          String(type),
          "1",
        ]);
      }
  return out;
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir("vbm-report-trend-"));
  runtime = createRuntime({ mode: "local", dataDir: dir });
  const deliver = async (location: string, quarter: 1 | 2, scope: "all" | "seclusion", body: string[][]) => {
    const bytes = csvBytes(body);
    const o = await deliverFile(runtime, {
      load: async () => bytes,
      key: deliveryKey(location, `2023-Q${quarter}`, scope, "export.csv"),
    });
    if (o.status !== "accepted")
      throw new Error(`${location} Q${quarter}: ${JSON.stringify(o.report?.findings[0])}`);
  };
  for (const q of [1, 2] as const) {
    await deliver(
      "AB",
      q,
      "all",
      rows("AB", q, (m) => [
        { type: 10, n: q === 1 ? 10 : 6 },
        { type: 15, n: 10 },
        { type: 1, n: m === 3 ? 2 : 0 },
      ]),
    );
    await deliver(
      "CD",
      q,
      "seclusion",
      rows("CD", q, () => [{ type: 11, n: 5 }]),
    );
  }
  const occupancy = [
    "Locatie;Maand;Gemiddelde bezetting",
    ...["AB", "CD"].flatMap((l) => [1, 2, 3, 4, 5, 6].map((m) => `${l};2023-${pad(m)};10`)),
  ].join("\r\n");
  const occ = await deliverFile(runtime, {
    load: async () => new TextEncoder().encode(`${occupancy}\r\n`),
    key: occupancyKey("bezetting.csv"),
  });
  if (occ.status !== "accepted") throw new Error(JSON.stringify(occ.report?.findings[0]));
}, 60_000);
afterAll(() => cleanup());

async function report(from: string, to: string, opts: Parameters<typeof makeNationalReport>[3] = {}) {
  const deps: DocumentDeps = {
    engine: await runtime.openQueryEngine(),
    store: runtime.store,
    clock: runtime.ports.clock,
    logger: runtime.ports.logger,
    locations: [
      { code: "AB", name: "AB", emails: [] },
      { code: "CD", name: "CD", emails: [] },
    ],
  };
  try {
    return (await makeNationalReport(deps, from, to, opts)).text;
  } finally {
    await deps.engine.close();
  }
}
const flat = (s: string) => s.replace(/\s+/g, " ");

describe("national report: Verloop in de tijd on delivered files", () => {
  it("gives the monthly rate per group, scope-aware and after disclosure control, and the models per quarter", async () => {
    const text = await report("2023-Q1", "2023-Q2");
    expect(text).toContain("VERLOOP IN DE TIJD");
    expect(text).toMatch(/Alle maatregelen\s+20,0\s+20,0\s+22,0\s+16,0\s+16,0\s+16,0\n/);
    expect(text).toMatch(/Gedwongen afzonderen\s+–\s+7,5\s+7,5\s+–\s+5,5\s+5,5\n/);
    expect(text).toMatch(/Controles\s+–\s+10,0\s+–\s+–\s+10,0\s+10,0\n/);
    expect(text).toMatch(/Elektronisch toezicht\s+0,0\s+0,0\s+–\s+0,0\s+0,0\s+0,0\n/);
    const t = flat(text);
    // Default periods: one per quarter, the first the reference.
    expect(t).toContain("Periode 0 (referentie): jan 2023 t/m mrt 2023");
    expect(t).toContain("Periode 1: apr 2023 t/m jun 2023");
    expect(t).toMatch(
      /Het aantal afzonderingen per gemiddelde bezetting was in periode 1 (significant (lager|hoger)|niet significant anders) dan in periode 0/,
    );
    expect(text).toMatch(/Aantal afzonderingen per bezetting\s+1\s+0,\d\d\s+0,\d\d–\d,\d\d\s+/);
    // The isolation-room model cannot be estimated: its reason, no numbers.
    expect(t).toMatch(
      /Kans op isoleer-\/separeerruimte: niet geschat: .+ Daarom staan er geen getallen voor\./,
    );
    expect(text).not.toMatch(/Kans op isoleer-\/separeerruimte\s+1\s+\d/);
  });

  it("takes other periods as an option", async () => {
    const text = await report("2023-Q1", "2023-Q2", {
      periods: [
        { label: "P0", from: "2023-01", to: "2023-02" },
        { label: "P1", from: "2023-05", to: "2023-06" },
      ],
    });
    expect(flat(text)).toContain("Periode 0 (referentie): jan 2023 t/m feb 2023");
    expect(flat(text)).toContain("Periode 1: mei 2023 t/m jun 2023");
  });

  it("a report of one quarter says in one line why there is no trend analysis", async () => {
    const text = await report("2023-Q1", "2023-Q1");
    const section = text.slice(text.indexOf("VERLOOP IN DE TIJD"), text.indexOf("MAATREGELEN PER MAAND"));
    expect(flat(section)).toContain("minstens twee perioden nodig");
    expect(section).not.toMatch(/\d,\d/);
  });
});

describe("vbm-monitor report --periods", () => {
  const cli = async (...args: string[]) => {
    const c = captureIo({});
    const code = await run([...args, "--data-dir", dir], c.io);
    return { code, out: c.out(), err: c.err() };
  };
  async function pdfText(key: string): Promise<string> {
    const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
    const data = new Uint8Array(readFileSync(join(dir, "reports", key)));
    const pdf = await getDocument({ data, useSystemFonts: false, disableFontFace: true }).promise;
    let text = "";
    for (let p = 1; p <= pdf.numPages; p++) {
      const content = await pdf.getPage(p).then((page) => page.getTextContent());
      text += `${content.items.map((i) => ("str" in i ? i.str : "")).join(" ")}\n`;
    }
    return flat(text);
  }

  it("uses the periods given, with the syntax of trend --periods, instead of one per quarter", async () => {
    const res = await cli(
      "report",
      "--from",
      "2023-Q1",
      "--to",
      "2023-Q2",
      "--periods",
      "2023-01..2023-02,2023-05..2023-06",
    );
    expect(res.code, res.err).toBe(0);
    const text = await pdfText("national/2023-Q1_2023-Q2.pdf");
    expect(text).toContain("Periode 0 (referentie): jan 2023 t/m feb 2023");
    expect(text).toContain("Periode 1: mei 2023 t/m jun 2023");
    expect(text).not.toContain("apr 2023 t/m jun 2023");
  });

  it("refuses wrong periods in Dutch, as trend does, and makes no report", async () => {
    const pdf = join(dir, "reports", "national", "2023-Q2_2023-Q2.pdf");
    for (const [periods, message] of [
      ["2023-04..2023-06", /minstens twee perioden/],
      ["2023-04..2023-05,2023-05..2023-06", /begint niet na periode 1/],
      ["2023-01..2023-03,2023-04..2023-06", /valt buiten --from 2023-Q2 --to 2023-Q2/],
      ["april..juni", /geen reeks maanden: schrijf JJJJ-MM\.\.JJJJ-MM/],
      ["2023-04..2023-13,2023-05..2023-06", /"2023-13" is geen maand/],
    ] as const) {
      const res = await cli("report", "--quarter", "2023-Q2", "--periods", periods);
      expect([periods, res.code]).toEqual([periods, 2]);
      expect(res.err).toMatch(message);
      expect(res.err).not.toMatch(/Error|at \//);
      expect(existsSync(pdf)).toBe(false);
    }
  });

  it("the AWS report function takes periods too, checked the same way", async () => {
    const handler = createNationalReportHandler(
      async () => runtime,
      () => [],
    );
    const context = {} as Context;
    const { key } = await handler(
      { from: "2023-Q1", to: "2023-Q2", periods: "2023-02..2023-03,2023-04..2023-06" },
      context,
    );
    expect(await pdfText(key)).toContain("Periode 0 (referentie): feb 2023 t/m mrt 2023");
    await expect(
      handler({ from: "2023-Q1", to: "2023-Q2", periods: "2023-02..2023-03" }, context),
    ).rejects.toThrow(/periods: Geef minstens twee perioden op/);
    await expect(handler({ from: "2023-Q1", to: "2023-Q2", periods: 3 }, context)).rejects.toThrow(
      InvalidEventError,
    );
    await expect(handler({ from: "2023-Q1" }, context)).rejects.toThrow(InvalidEventError);
  }, 60_000);
});

describe("vbm-monitor trend --per-location (facilitator only)", () => {
  it("adds seclusions and rates per location and period", async () => {
    const c = captureIo({});
    const code = await run(
      [
        "trend",
        "--from",
        "2023-Q1",
        "--to",
        "2023-Q2",
        "--periods",
        "2023-01..2023-03,2023-04..2023-06",
        "--per-location",
        "--data-dir",
        dir,
      ],
      c.io,
    );
    expect(code).toBe(1); // the isolation-room model cannot be estimated (named on stderr)
    expect(c.out()).toContain("niet publiceren");
    // AB: 30 seclusions over occupancy 30 in Q1 → 10,0 per 10 places per month; 18 in Q2 → 6,0.
    // CD: 15 and 15 → 5,0 and 5,0.
    expect(c.out()).toMatch(/AB\s+30\s+10,0\s+18\s+6,0/);
    expect(c.out()).toMatch(/CD\s+15\s+5,0\s+15\s+5,0/);
  });
});
