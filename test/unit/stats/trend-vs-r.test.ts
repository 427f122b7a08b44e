import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  fitTrendModel,
  TrendModelError,
  type TrendModelResult,
} from "../../../functions/core/stats/index.ts";
import {
  fitTrendModels,
  POISSON_NOTE,
  type TrendModelId,
  type TrendModelOk,
  type TrendSlope,
} from "../../../functions/core/trend.ts";
import { DATASETS, deviation, MODELS, type RModel, type RTerm, readCsv, readReference } from "./reference.ts";

/** "Reproduces the R reference to 4 significant digits": relative error < 5e-5 (absolute near 0). */
const TOLERANCE = 5e-5;
const FIELDS = ["estimate", "se", "z", "p", "ratio", "ciLow", "ciHigh"] as const;

function compare(fit: TrendModelResult, r: RModel): { field: string; actual: number; expected: number }[] {
  const pairs = [{ field: "deviance", actual: fit.deviance, expected: r.deviance }];
  if (r.theta !== undefined)
    pairs.push(
      { field: "theta", actual: fit.theta as number, expected: r.theta },
      { field: "thetaSe", actual: fit.thetaSe as number, expected: r.thetaSe as number },
      { field: "twoLogLik", actual: fit.twoLogLik as number, expected: r.twoLogLik as number },
    );
  for (const c of fit.coefficients) {
    const t = r.terms[c.name];
    if (!t) throw new Error(`R has no coefficient ${c.name}`);
    for (const f of FIELDS) pairs.push({ field: `${c.name}.${f}`, actual: c[f], expected: t[f] });
  }
  return pairs;
}

for (const [dataset, dir] of Object.entries(DATASETS)) {
  describe(`trend engine vs R (${dataset} data set)`, () => {
    const reference = readReference(dir);
    /** R warned that glm.nb could not estimate θ ("iteration/alternation limit reached"). */
    const rCannotEstimate = (name: string) =>
      (reference.models[name]?.warnings ?? []).some((w) => /limit reached/.test(w));
    for (const [name, { file, spec }] of Object.entries(MODELS)) {
      if (rCannotEstimate(name)) {
        it(`${name}: where R cannot estimate θ either, the engine refuses the NB model as not overdispersed`, () => {
          let error: unknown;
          try {
            fitTrendModel(readCsv(resolve(dir, file)), spec);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(TrendModelError);
          expect((error as TrendModelError).problem).toBe("no-overdispersion");
        });
        continue;
      }
      it(`${name}: ${spec.family} model matches R to 4 significant digits`, () => {
        const r = reference.models[name] as RModel;
        const fit = fitTrendModel(readCsv(resolve(dir, file)), spec);
        expect(fit.n).toBe(r.n);
        expect(fit.family).toBe(r.family);
        expect(fit.converged).toBe(true);
        expect(fit.coefficients.map((c) => c.name)).toEqual(Object.keys(r.terms));
        const off = compare(fit, r).filter((c) => !(deviation(c.actual, c.expected) < TOLERANCE));
        expect(off).toEqual([]);
        // The reported terms are the period levels (and the slope where asked), in order.
        const periods = ["periodP1", "periodP2", "periodP3"];
        expect(fit.terms.map((t) => t.name)).toEqual(
          name === "countSlope" || name === "countSlopePoisson" ? [...periods, "monthInPeriod"] : periods,
        );
      });
    }

    it("follows R's iteration path (same number of IRLS iterations in the final fit)", () => {
      for (const [name, { file, spec }] of Object.entries(MODELS)) {
        if (rCannotEstimate(name)) continue;
        const fit = fitTrendModel(readCsv(resolve(dir, file)), spec);
        expect([name, fit.iterations]).toEqual([name, reference.models[name]?.iterations]);
      }
    });
  });
}

describe("the trend models on counts without overdispersion (R cannot estimate θ: it warns)", () => {
  const dir = DATASETS.noOverdispersion;
  const reference = readReference(dir);
  const rows = (file: string) => readCsv(resolve(dir, file)).filter((r) => r.period !== "");
  const periods = ["P0", "P1", "P2", "P3"].map((label) => ({ label, from: "", to: "" }));
  const models = fitTrendModels(
    { months: rows("months.csv"), measures: rows("measures.csv") } as never,
    periods,
  );

  it("both count models are fitted as Poisson by the same rule, with the same note, as R's Poisson fits", () => {
    const pairs: [TrendModelId, string][] = [
      ["seclusion-count", "countPoisson"],
      ["seclusion-count-slope", "countSlopePoisson"],
    ];
    for (const [id, rName] of pairs) {
      const m = models.find((x) => x.id === id) as TrendModelOk;
      expect([id, m.status, m.family, m.note]).toEqual([id, "ok", "poisson", POISSON_NOTE]);
      expect(m.theta).toBeUndefined();
      const r = reference.models[rName] as RModel;
      expect(m.n).toBe(r.n);
      const off: string[] = [];
      const check = (name: string, t: TrendSlope) => {
        const rt = r.terms[name] as RTerm;
        for (const [field, actual, expected] of [
          ["estimate", t.estimate, rt.ratio],
          ["ciLow", t.ciLow, rt.ciLow],
          ["ciHigh", t.ciHigh, rt.ciHigh],
          ["p", t.p, rt.p],
        ] as const)
          if (!(deviation(actual, expected) < TOLERANCE)) off.push(`${id} ${name}.${field}`);
      };
      for (const t of m.terms) check(`period${t.period}`, t);
      if (id === "seclusion-count-slope") check("monthInPeriod", m.slope as TrendSlope);
      expect(off).toEqual([]);
    }
  });

  it("the other models are unaffected: duration (NB) and room (logistic) as R", () => {
    const duration = models.find((x) => x.id === "seclusion-duration") as TrendModelOk;
    expect([duration.status, duration.family]).toEqual(["ok", "negbin"]);
    expect(deviation(duration.theta as number, reference.models.duration?.theta as number)).toBeLessThan(
      TOLERANCE,
    );
    expect((models.find((x) => x.id === "isolation-room") as TrendModelOk).status).toBe("ok");
  });
});

const script = resolve(import.meta.dirname, "../../../stats/reference/trend-models.R");
/** Rscript with MASS on this machine? (spawnSync reports a missing program as an error, no throw.) */
const massInstalled = spawnSync("Rscript", ["-e", "library(MASS)"], { encoding: "utf8" }).status === 0;

if (!massInstalled)
  console.info(
    "trend-vs-r: Rscript with MASS is not installed, so the live rerun of trend-models.R is skipped; the committed fixtures are still checked.",
  );

describe("committed R fixtures", () => {
  it.skipIf(!massInstalled)(
    massInstalled
      ? "equal a fresh run of stats/reference/trend-models.R"
      : "equal a fresh run of stats/reference/trend-models.R — SKIPPED: Rscript with MASS is not installed (apt-get install r-base-core r-cran-mass)",
    () => {
      const tmp = mkdtempSync(join(tmpdir(), "trend-r-"));
      try {
        for (const dir of Object.values(DATASETS)) {
          const run = spawnSync("Rscript", [script, dir, join(tmp, "r-reference.json")], {
            encoding: "utf8",
            timeout: 60_000,
          });
          expect(run.status, run.stderr).toBe(0);
          const live = readReference(tmp);
          const committed = readReference(dir);
          for (const [name, model] of Object.entries(committed.models)) {
            const fresh = live.models[name] as RModel;
            expect(fresh.n).toBe(model.n);
            for (const [term, values] of Object.entries(model.terms))
              for (const f of FIELDS)
                expect(
                  deviation(fresh.terms[term]?.[f] as number, values[f]),
                  `${name} ${term}.${f}`,
                ).toBeLessThan(TOLERANCE);
          }
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
});
