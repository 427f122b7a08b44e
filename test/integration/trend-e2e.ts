import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../functions/cli/main.ts";
import type { TrendModelOk, TrendResult } from "../../functions/core/trend.ts";
import { captureIo, tempDir } from "../helpers.ts";
import { DATASETS, deviation, type RModel, readReference } from "../unit/stats/reference.ts";
import { deliverFixture, FIXTURE_PERIODS, FIXTURE_RANGE, fixtureFiles } from "./trend-fixture.ts";

/**
 * End to end: the R reference data sets (test/fixtures/trend) as real historical seclusion-only
 * deliveries from 2019-Q4 and an occupancy file, delivered through the ingest, then
 * `vbm-monitor trend --json` with the seed's periods must reproduce stats/reference/trend-models.R
 * (r-reference.json) to at least 4 significant digits.
 */

/** 4 significant digits: relative deviation below 5e-5 (absolute where R's value is ~0). */
const TOLERANCE = 5e-5;
/** Our model id → the model's name in r-reference.json. */
const R_MODEL = {
  "seclusion-count": "count",
  "seclusion-count-slope": "countSlope",
  "seclusion-duration": "duration",
  "isolation-room": "isolation",
} as const;

/** Every number of one model next to R's. */
function pairs(m: TrendModelOk, r: RModel): { what: string; actual: number; expected: number }[] {
  const out = [{ what: "n", actual: m.n, expected: r.n }];
  if (r.theta !== undefined)
    out.push(
      { what: "theta", actual: m.theta as number, expected: r.theta },
      { what: "thetaSe", actual: m.thetaSe as number, expected: r.thetaSe as number },
    );
  out.push({ what: "deviance", actual: m.deviance, expected: r.deviance });
  const terms = [
    ...m.terms.map((t) => ({ name: `period${t.period}`, t })),
    ...(m.slope ? [{ name: "monthInPeriod", t: m.slope }] : []),
  ];
  for (const { name, t } of terms) {
    const rt = r.terms[name];
    if (!rt) throw new Error(`R has no term ${name}`);
    out.push(
      { what: `${name}.estimate`, actual: t.estimate, expected: rt.ratio },
      { what: `${name}.ciLow`, actual: t.ciLow, expected: rt.ciLow },
      { what: `${name}.ciHigh`, actual: t.ciHigh, expected: rt.ciHigh },
      { what: `${name}.p`, actual: t.p, expected: rt.p },
      { what: `${name}.coefficient`, actual: t.coefficient, expected: rt.estimate },
      { what: `${name}.se`, actual: t.se, expected: rt.se },
      { what: `${name}.z`, actual: t.z, expected: rt.z },
    );
  }
  return out;
}

/** The end-to-end suite for one data set of test/fixtures/trend (one test file per set, so they run side by side). */
export function describeTrendEndToEnd(dataset: keyof typeof DATASETS): void {
  const fixtureDir = DATASETS[dataset];
  describe(`vbm-monitor trend on delivered files (${dataset} data set)`, () => {
    let dir = "";
    let cleanup = () => {};
    let delivered = { accepted: 0, rows: 0 };
    const dataDir = () => join(dir, "data");
    const cli = async (...args: string[]) => {
      const c = captureIo({});
      const code = await run([...args, "--data-dir", dataDir()], c.io);
      return { code, out: c.out(), err: c.err() };
    };
    const trendArgs = [
      "trend",
      "--from",
      FIXTURE_RANGE.from,
      "--to",
      FIXTURE_RANGE.to,
      "--periods",
      FIXTURE_PERIODS,
    ];

    beforeAll(async () => {
      // Prepare: every location-quarter of the data set as a seclusion-only delivery, plus occupancy.
      ({ dir, cleanup } = tempDir("vbm-trend-"));
      delivered = await deliverFixture(fixtureDir, dataDir());
    }, 120_000);
    afterAll(() => cleanup());

    it("accepts every historical delivery from 2019-Q4 on", () => {
      const files = fixtureFiles(fixtureDir);
      expect(delivered.accepted).toBe(files.deliveries.length);
      expect(delivered.rows).toBe(files.measures);
      expect(files.deliveries.some((d) => d.quarter === "2019-Q4")).toBe(true);
    });

    it("reproduces R's estimates, intervals, p-values, n and θ to 4 significant digits", async () => {
      // Act
      const res = await cli(...trendArgs, "--json");
      // Assess
      expect(res.err).toBe("");
      expect(res.code).toBe(0);
      const result = JSON.parse(res.out) as TrendResult;
      const reference = readReference(fixtureDir);
      expect(result.models.map((m) => m.id)).toEqual(Object.keys(R_MODEL));
      let max = 0;
      for (const m of result.models) {
        expect(m.status, m.id).toBe("ok");
        const ok = m as TrendModelOk;
        expect(ok.terms.map((t) => t.period)).toEqual(["P1", "P2", "P3"]);
        expect(ok.dropped).toEqual([]);
        const all = pairs(ok, reference.models[R_MODEL[m.id]] as RModel);
        for (const p of all) max = Math.max(max, deviation(p.actual, p.expected));
        expect(all.filter((p) => !(deviation(p.actual, p.expected) < TOLERANCE))).toEqual([]);
      }
      console.info(`trend e2e (${dataset}): largest relative deviation from R ${max.toExponential(2)}`);
    });

    it("summarises in Dutch in the seed's words, with Dutch numbers", async () => {
      const res = await cli(...trendArgs);
      expect(res.code).toBe(0);
      expect(res.out).toContain("Periode 0 (referentie): okt 2019 t/m mrt 2020");
      expect(res.out).toMatch(
        /Het aantal afzonderingen per gemiddelde bezetting was in periode 2 (significant (lager|hoger)|niet significant anders) dan in periode 0 \(IRR \d+,\d\d; 95%-BI \d+,\d\d–\d+,\d\d; p (<|=) 0,\d{3}\)\./,
      );
      expect(res.out).not.toMatch(/\d\.\d\d;/); // no decimal points
    });
  });
}
