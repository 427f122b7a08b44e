import { describe, expect, it } from "vitest";
import { run } from "../../../functions/cli/main.ts";
import { createRuntime } from "../../../functions/compose.ts";
import {
  assembleTrendRows,
  parsePeriods,
  periodOf,
  type TrendData,
  type TrendModelFailed,
  type TrendModelOk,
  trendFromData,
} from "../../../functions/core/trend.ts";
import { formatEstimate, formatP, formatTrend, termSentence } from "../../../functions/core/trend-text.ts";
import type { QueryEngine, Row } from "../../../functions/ports.ts";
import { loadQuery } from "../../../queries/index.ts";
import { captureIo } from "../../helpers.ts";

const range = { from: "2019-Q4", to: "2023-Q3" };

describe("parsePeriods", () => {
  it("labels the periods P0, P1, … in the order given", () => {
    // Act
    const periods = parsePeriods("2019-10..2020-03, 2020-09..2021-08,2021-09 .. 2022-09", range);
    // Assess
    expect(periods).toEqual([
      { label: "P0", from: "2019-10", to: "2020-03" },
      { label: "P1", from: "2020-09", to: "2021-08" },
      { label: "P2", from: "2021-09", to: "2022-09" },
    ]);
  });

  it("accepts periods of one month and periods that touch the range's ends", () => {
    expect(parsePeriods("2019-10..2019-10,2023-09..2023-09", range).map((p) => [p.from, p.to])).toEqual([
      ["2019-10", "2019-10"],
      ["2023-09", "2023-09"],
    ]);
  });

  const wrong: [string, string, RegExp][] = [
    ["empty", "", /Geef de perioden op/],
    ["one period", "2019-10..2020-03", /minstens twee perioden/],
    ["no range", "2019-10,2020-09..2021-08", /Periode 1 \("2019-10"\) is geen reeks maanden/],
    ["a bad month", "2019-10..2019-13,2020-09..2021-08", /"2019-13" is geen maand/],
    ["a reversed period", "2020-03..2019-10,2020-09..2021-08", /eindigt vóór het begin/],
    ["overlap", "2019-10..2020-09,2020-09..2021-08", /Periode 2 .* begint niet na periode 1/],
    ["out of order", "2020-09..2021-08,2019-10..2020-03", /in volgorde en zonder overlap/],
    [
      "before --from",
      "2019-09..2020-03,2020-09..2021-08",
      /valt buiten --from 2019-Q4 --to 2023-Q3 \(2019-10 t\/m 2023-09\)/,
    ],
    ["after --to", "2019-10..2020-03,2023-01..2023-10", /valt buiten/],
    ["a quarter instead of months", "2019-Q4..2020-Q1,2020-Q3..2021-Q2", /geen reeks maanden/],
  ];
  for (const [what, text, message] of wrong)
    it(`refuses ${what} with a Dutch message`, () => {
      expect(() => parsePeriods(text, range)).toThrow(message);
    });
});

describe("periodOf", () => {
  const periods = parsePeriods("2019-10..2020-03,2020-09..2021-08", range);
  it("gives the period and the month's index within it; null between periods", () => {
    expect(periodOf("2019-10", periods)).toEqual({ period: "P0", monthInPeriod: 0 });
    expect(periodOf("2020-02", periods)).toEqual({ period: "P0", monthInPeriod: 4 });
    expect(periodOf("2021-08", periods)).toEqual({ period: "P1", monthInPeriod: 11 });
    expect(periodOf("2020-06", periods)).toBeNull();
    expect(periodOf("2019-09", periods)).toBeNull();
  });
});

describe("assembleTrendRows", () => {
  it("keeps the months in a period, expands grouped measures and marks isolation rooms", () => {
    // Prepare
    const periods = parsePeriods("2019-10..2019-12,2020-02..2020-03", range);
    const data: TrendData = {
      locationMonths: [
        {
          location: "AB",
          month: "2019-11",
          quarter: "2019-Q4",
          scope: "seclusion",
          occupancy: 10,
          seclusions: 3,
        },
        {
          location: "AB",
          month: "2020-01",
          quarter: "2020-Q1",
          scope: "seclusion",
          occupancy: 11,
          seclusions: 5,
        },
        { location: "CD", month: "2020-03", quarter: "2020-Q1", scope: "all", occupancy: 8.5, seclusions: 0 },
      ],
      measures: [
        {
          location: "AB",
          month: "2019-11",
          durationMin: 30,
          typeCode: 6,
          room: "isoleer_separeerruimte",
          n: 2,
        },
        { location: "AB", month: "2019-11", durationMin: null, typeCode: 10, room: "eigen_kamer", n: 1 },
        { location: "AB", month: "2020-01", durationMin: 5, typeCode: 8, room: "overige_ruimte", n: 5 },
        {
          location: "CD",
          month: "2020-02",
          durationMin: 0,
          typeCode: 7,
          room: "isoleer_separeerruimte",
          n: 1,
        },
      ],
    };
    // Act
    const rows = assembleTrendRows(data, periods);
    // Assess: January 2020 lies between the periods and is left out
    expect(rows.months).toEqual([
      { location: "AB", month: "2019-11", period: "P0", monthInPeriod: 1, occupancy: 10, seclusions: 3 },
      { location: "CD", month: "2020-03", period: "P1", monthInPeriod: 1, occupancy: 8.5, seclusions: 0 },
    ]);
    expect(rows.measures).toEqual([
      { location: "AB", month: "2019-11", period: "P0", durationMin: 30, isolation: 1 },
      { location: "AB", month: "2019-11", period: "P0", durationMin: 30, isolation: 1 },
      { location: "AB", month: "2019-11", period: "P0", durationMin: null, isolation: 0 },
      { location: "CD", month: "2020-02", period: "P1", durationMin: 0, isolation: 1 },
    ]);
  });
});

/** A small, deterministic data set: 4 locations × 12 months, periods P0 = 2022-01..06, P1 = 2022-07..12. */
function syntheticData(
  opts: { zeroLocation?: boolean; noEndInP1?: boolean; underdispersed?: boolean } = {},
): TrendData {
  let s = 12345;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const data: TrendData = { locationMonths: [], measures: [] };
  for (const location of ["AB", "CD", "EF", "GH"]) {
    for (let m = 1; m <= 12; m++) {
      const month = `2022-${String(m).padStart(2, "0")}`;
      const zero = opts.zeroLocation && location === "GH";
      const mean = m <= 6 ? 6 : 4;
      // Exponential draws rounded down: overdispersed counts; `underdispersed`: nearly uniform.
      const seclusions = zero
        ? 0
        : opts.underdispersed
          ? 2 + Math.floor(rnd() * (m <= 6 ? 8 : 5))
          : Math.floor(-Math.log(1 - rnd()) * mean * (location === "AB" ? 2 : 1));
      data.locationMonths.push({
        location,
        month,
        quarter: "",
        scope: "all",
        occupancy: 20 + (m % 3),
        seclusions,
      });
      for (let i = 0; i < seclusions; i++)
        data.measures.push({
          location,
          month,
          durationMin: opts.noEndInP1 && m > 6 ? null : Math.floor(rnd() * 120),
          typeCode: 6,
          room: rnd() < 0.4 ? "isoleer_separeerruimte" : "eigen_kamer",
          n: 1,
        });
    }
  }
  return data;
}
const twoPeriods = parsePeriods("2022-01..2022-06,2022-07..2022-12", { from: "2022-Q1", to: "2022-Q4" });
const opts = { from: "2022-Q1", to: "2022-Q4", periods: twoPeriods };

describe("trendFromData", () => {
  it("fits the four models and reports one term per non-reference period", () => {
    const result = trendFromData(syntheticData(), opts);
    expect(result.models.map((m) => [m.id, m.status, m.ratio])).toEqual([
      ["seclusion-count", "ok", "IRR"],
      ["seclusion-count-slope", "ok", "IRR"],
      ["seclusion-duration", "ok", "IRR"],
      ["isolation-room", "ok", "OR"],
    ]);
    const count = result.models[0] as TrendModelOk;
    expect(count.n).toBe(48);
    expect(count.theta).toBeGreaterThan(0);
    expect(count.terms.map((t) => t.period)).toEqual(["P1"]);
    const t = count.terms[0];
    expect(t?.estimate).toBeCloseTo(Math.exp(t?.coefficient as number), 12);
    expect(t?.ciLow).toBeLessThan(t?.estimate as number);
    expect(t?.ciHigh).toBeGreaterThan(t?.estimate as number);
    expect((result.models[1] as TrendModelOk).slope).toBeDefined();
    expect((result.models[3] as TrendModelOk).theta).toBeUndefined();
    expect(result.periods.map((p) => [p.label, p.months, p.locationMonths])).toEqual([
      ["P0", 6, 24],
      ["P1", 6, 24],
    ]);
  });

  it("fits a Poisson model, and says so, when the counts are not overdispersed (θ → ∞)", () => {
    const result = trendFromData(syntheticData({ underdispersed: true }), opts);
    const count = result.models[0] as TrendModelOk;
    expect([count.status, count.family, count.theta]).toEqual(["ok", "poisson", undefined]);
    expect(count.note).toMatch(/geschat als Poisson-model/);
    expect(formatTrend(result)).toContain("geschat als Poisson-model");
    expect(formatTrend(result)).toContain("(IRR ");
  });

  it("leaves out a location without any seclusion and names it under dropped", () => {
    const result = trendFromData(syntheticData({ zeroLocation: true }), opts);
    const count = result.models[0] as TrendModelOk;
    expect(count.status).toBe("ok");
    expect(count.dropped).toEqual([{ factor: "location", level: "GH", rows: 12, reason: "no-variation" }]);
    expect(count.locations).toEqual(["AB", "CD", "EF"]);
    expect(count.n).toBe(36);
    expect(formatTrend(result)).toContain("Locatie GH is weggelaten (12 metingen)");
  });

  it("reports a model that cannot be estimated with a Dutch reason and no numbers; the others still fit", () => {
    // Prepare: no seclusion in P1 has an end, so the duration model has no data for P1.
    const result = trendFromData(syntheticData({ noEndInP1: true }), opts);
    // Assess
    const duration = result.models.find((m) => m.id === "seclusion-duration") as TrendModelFailed;
    expect(duration.status).toBe("failed");
    expect(duration.error).toMatch(
      /^Het model voor de duur van de afzonderingen kan niet worden geschat: periode P1 heeft geen metingen\.$/,
    );
    expect(Object.keys(duration)).not.toContain("terms");
    expect(Object.keys(duration)).not.toContain("n");
    expect(result.models.filter((m) => m.status === "ok").map((m) => m.id)).toEqual([
      "seclusion-count",
      "seclusion-count-slope",
      "isolation-room",
    ]);
    const text = formatTrend(result);
    expect(text).toContain("Niet geschat: Het model voor de duur");
    expect(text).toContain("het model seclusion-duration kon niet worden geschat");
    expect(text).not.toMatch(/De duur van de afzonderingen was in periode/);
  });

  it("fits without a location factor when only one location has data", () => {
    const data = syntheticData();
    data.locationMonths = data.locationMonths.filter((r) => r.location === "AB");
    data.measures = data.measures.filter((r) => r.location === "AB");
    const result = trendFromData(data, opts);
    const count = result.models[0] as TrendModelOk;
    expect(count.status).toBe("ok");
    expect(count.locations).toEqual(["AB"]);
  });

  it("refuses when the periods hold no data at all", () => {
    const data = syntheticData();
    const later = parsePeriods("2023-01..2023-06,2023-07..2023-12", { from: "2023-Q1", to: "2023-Q4" });
    expect(() => trendFromData(data, { from: "2023-Q1", to: "2023-Q4", periods: later })).toThrow(
      /Er zijn geen gegevens voor de trendanalyse/,
    );
  });
});

describe("Dutch wording", () => {
  const term = {
    period: "P2",
    estimate: 0.7123,
    ciLow: 0.6,
    ciHigh: 0.8449,
    p: 0.0004,
    coefficient: -0.34,
    se: 0.09,
    z: -3.8,
  };
  it("says 'significant lager' with IRR, interval and p in Dutch notation", () => {
    expect(termSentence({ id: "seclusion-count" }, term)).toBe(
      "Het aantal afzonderingen per gemiddelde bezetting was in periode 2 significant lager dan in periode 0 (IRR 0,71; 95%-BI 0,60–0,84; p < 0,001).",
    );
  });
  it("says 'niet significant' above 0,05, and uses the odds ratio for the room", () => {
    expect(
      termSentence({ id: "isolation-room" }, { ...term, estimate: 1.2, ciLow: 0.9, ciHigh: 1.6, p: 0.21 }),
    ).toBe(
      "De kans dat een afzondering in een isoleer-/separeerruimte plaatsvond was in periode 2 niet significant anders dan in periode 0 (OR 1,20; 95%-BI 0,90–1,60; p = 0,210).",
    );
    expect(termSentence({ id: "seclusion-duration" }, { ...term, estimate: 1.5, p: 0.01 })).toContain(
      "significant langer dan in periode 0",
    );
  });
  it("formats p-values and estimates", () => {
    expect(formatP(0.0009)).toBe("p < 0,001");
    expect(formatP(0.04567)).toBe("p = 0,046");
    expect(formatEstimate("OR", { ...term, estimate: 0.001234, ciLow: 0.0005, ciHigh: 0.003 })).toBe(
      "(OR 0,00123; 95%-BI 0,0005–0,003; p < 0,001)",
    );
    expect(formatEstimate("IRR", { ...term, estimate: 1234.5, ciLow: 1000, ciHigh: 2000 })).toBe(
      "(IRR 1235; 95%-BI 1000–2000; p < 0,001)",
    );
  });
});

describe("vbm-monitor trend: usage errors", () => {
  const cli = async (...args: string[]) => {
    const c = captureIo({});
    const code = await run(["trend", ...args, "--data-dir", "/nonexistent/vbm-trend-test"], c.io);
    return { code, out: c.out(), err: c.err() };
  };
  const cases: [string[], RegExp][] = [
    [["--to", "2023-Q3", "--periods", "2019-10..2020-03,2020-09..2021-08"], /De optie --from ontbreekt/],
    [["--from", "2019-Q4", "--periods", "2019-10..2020-03,2020-09..2021-08"], /De optie --to ontbreekt/],
    [["--from", "2019-Q4", "--to", "2023-Q3"], /De optie --periods ontbreekt/],
    [["--from", "2019-4", "--to", "2023-Q3", "--periods", "x"], /"2019-4" is geen kwartaal/],
    [["--from", "2023-Q3", "--to", "2019-Q4", "--periods", "x"], /--to 2019-Q4 ligt vóór --from 2023-Q3/],
    [["--from", "2019-Q4", "--to", "2023-Q3", "--periods", "2019-10..2020-03"], /minstens twee perioden/],
    [
      ["--from", "2019-Q4", "--to", "2023-Q3", "--periods", "x", "--location", "AB"],
      /--location kan hier niet/,
    ],
  ];
  for (const [args, message] of cases)
    it(`exit 2 with one Dutch line: ${message.source}`, async () => {
      const res = await cli(...args);
      expect(res.code).toBe(2);
      expect(res.out).toBe("");
      expect(res.err).toMatch(message);
      expect(res.err.split("\n")).toHaveLength(1);
    });
});

describe("vbm-monitor trend: exit codes from the models", () => {
  /** A runtime whose query engine answers the trend queries from `data` (no files involved). */
  function runtimeWith(data: TrendData) {
    const runtime = createRuntime({ mode: "local", dataDir: "/nonexistent/vbm-trend-test" });
    const engine: QueryEngine = {
      dialect: "duckdb",
      broken: [],
      async query(sql: string): Promise<Row[]> {
        if (sql === loadQuery("trend_location_months")) return data.locationMonths.map((r) => ({ ...r }));
        if (sql === loadQuery("trend_measures"))
          return data.measures.map((r) => ({
            location: r.location,
            month: r.month,
            duration_min: r.durationMin,
            type_code: r.typeCode,
            room: r.room,
            n: r.n,
          }));
        throw new Error(`unexpected query ${sql.slice(0, 40)}`);
      },
      async close() {},
    };
    return { ...runtime, openQueryEngine: async () => engine };
  }

  it("exit 1 and names the failed model on stderr, printing no numbers for it", async () => {
    const { commandTrend } = await import("../../../functions/cli/trend.ts");
    const c = captureIo({});
    const code = await commandTrend(
      runtimeWith(syntheticData({ noEndInP1: true })),
      { from: "2022-Q1", to: "2022-Q4", periods: "2022-01..2022-06,2022-07..2022-12", json: true },
      c.io,
    );
    expect(code).toBe(1);
    expect(c.err()).toMatch(
      /^vbm-monitor: seclusion-duration: Het model voor de duur .* periode P1 heeft geen metingen\.$/,
    );
    const json = JSON.parse(c.out()) as { models: { id: string; status: string; terms?: unknown }[] };
    expect(json.models.find((m) => m.id === "seclusion-duration")).toEqual(
      expect.objectContaining({ status: "failed", error: expect.any(String) }),
    );
    expect(json.models.find((m) => m.id === "seclusion-duration")?.terms).toBeUndefined();
  });

  it("exit 0 when every model is estimated", async () => {
    const { commandTrend } = await import("../../../functions/cli/trend.ts");
    const c = captureIo({});
    const code = await commandTrend(
      runtimeWith(syntheticData()),
      { from: "2022-Q1", to: "2022-Q4", periods: "2022-01..2022-06,2022-07..2022-12" },
      c.io,
    );
    expect(code).toBe(0);
    expect(c.err()).toBe("");
    expect(c.out()).toContain("Periode 1: jul 2022 t/m dec 2022");
  });
});
