import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildDesign,
  type DataRow,
  fitTrendModel,
  TrendModelError,
  type TrendModelSpec,
  wald,
} from "../../../functions/core/stats/index.ts";
import { UserError } from "../../../functions/errors.ts";
import { DATASETS, MODELS, readCsv } from "./reference.ts";

const Z975 = 1.959963984540054; // qnorm(0.975)
/**
 * The closed forms give the exact maximum-likelihood values; IRLS stops at R's deviance
 * tolerance (1e-8) and, like R, takes the standard errors from the weights of its last
 * iteration, so fitted values agree to about 1e-6 (R itself gives SE 0.139443135678612 for the
 * Poisson case below, the closed form 0.139443337755679).
 */
const FIT = 1e-5;
const close = (actual: number, expected: number, rel = 1e-12) =>
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(rel);

/** Runs fn and returns the TrendModelError it throws (fails the test if it throws nothing else). */
function failure(fn: () => unknown): TrendModelError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrendModelError);
    return e as TrendModelError;
  }
  throw new Error("expected a TrendModelError, but the model was estimated");
}

const measures = () => readCsv(resolve(DATASETS.reference, "measures.csv"));
const months = () => readCsv(resolve(DATASETS.reference, "months.csv"));
const spec = (name: keyof typeof MODELS): TrendModelSpec => (MODELS[name] as { spec: TrendModelSpec }).spec;

describe("closed-form cases, computed without the engine", () => {
  it("logistic regression on a 2×2 table: OR = ad/bc, SE(log OR) = sqrt(1/a + 1/b + 1/c + 1/d)", () => {
    // reference group: 15 events, 85 non-events; group G1: 30 events, 70 non-events
    const [a, b, c, d] = [30, 70, 15, 85];
    const rows: DataRow[] = [
      ...Array.from({ length: c }, () => ({ group: "G0", event: 1 })),
      ...Array.from({ length: d }, () => ({ group: "G0", event: 0 })),
      ...Array.from({ length: a }, () => ({ group: "G1", event: true })),
      ...Array.from({ length: b }, () => ({ group: "G1", event: false })),
    ];
    const fit = fitTrendModel(rows, {
      label: "de kans",
      family: "binomial",
      response: "event",
      factors: [{ column: "group" }],
    });
    const [term] = fit.terms;
    const or = (a * d) / (b * c);
    const se = Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d);
    expect(term?.name).toBe("groupG1");
    close(term?.ratio as number, or, FIT);
    close(term?.estimate as number, Math.log(or), FIT);
    close(term?.se as number, se, FIT);
    close(term?.ciLow as number, or * Math.exp(-Z975 * se), FIT);
    close(term?.ciHigh as number, or * Math.exp(Z975 * se), FIT);
    // The intercept is the log odds in the reference group.
    close(fit.coefficients[0]?.estimate as number, Math.log(c / d), FIT);
  });

  it("Poisson with an exposure offset and two groups: IRR = ratio of rates, SE = sqrt(1/Y0 + 1/Y1)", () => {
    const rows: DataRow[] = [
      { period: "P0", n: 50, occupancy: 150 },
      { period: "P0", n: 70, occupancy: 250 },
      { period: "P1", n: 40, occupancy: 200 },
      { period: "P1", n: 50, occupancy: 250 },
    ];
    const fit = fitTrendModel(rows, {
      label: "het aantal",
      family: "poisson",
      response: "n",
      exposure: "occupancy",
      factors: [{ column: "period" }],
    });
    const irr = 90 / 450 / (120 / 400);
    close(fit.terms[0]?.ratio as number, irr, FIT);
    close(fit.terms[0]?.se as number, Math.sqrt(1 / 120 + 1 / 90), FIT);
    // … and R's own numbers for this model, glm(n ~ period + offset(log(occupancy)), poisson):
    close(fit.terms[0]?.estimate as number, -0.405465108131032, 1e-9);
    close(fit.terms[0]?.se as number, 0.139443135678612, 1e-9);
  });

  it("Wald summary: z = 1.96 gives p = 0.05 and an interval from exp(0)", () => {
    const w = wald(Z975, 1);
    close(w.p, 0.05);
    close(w.ciLow, 1);
    close(w.ciHigh, Math.exp(2 * Z975));
    close(wald(-Z975, 1).p, 0.05);
    close(wald(0.5, 0.2, 0.9).ciLow, Math.exp(0.5 - 1.6448536269514722 * 0.2));
  });
});

describe("design matrix from rows", () => {
  it("puts the intercept, treatment dummies (first level = reference) and covariates in R's order", () => {
    const design = buildDesign(
      [
        { period: "P1", location: "B", m: "3", y: "2", occ: "10" },
        { period: "P0", location: "A", m: "0", y: "0", occ: "20" },
        { period: "P2", location: "A", m: "1", y: "5", occ: "" },
        { period: "P2", location: "B", m: "2", y: "1", occ: "5" },
        { period: "", location: "A", m: "1", y: "4", occ: "5" },
        { period: "P0", location: "B", m: "4", y: "3", occ: "8" },
        { period: "P1", location: "A", m: "5", y: "7", occ: "9" },
        { period: "P2", location: "A", m: "6", y: "1", occ: "4" },
      ],
      {
        family: "poisson",
        response: "y",
        exposure: "occ",
        factors: [{ column: "period", levels: ["P0", "P1", "P2"] }, { column: "location" }],
        covariates: ["m"],
      },
    );
    expect(design.columns.map((c) => c.name)).toEqual([
      "(Intercept)",
      "periodP1",
      "periodP2",
      "locationB",
      "m",
    ]);
    expect(design.omitted).toBe(2);
    expect(design.x).toEqual([
      [1, 1, 0, 1, 3],
      [1, 0, 0, 0, 0],
      [1, 0, 1, 1, 2],
      [1, 0, 0, 1, 4],
      [1, 1, 0, 0, 5],
      [1, 0, 1, 0, 6],
    ]);
    expect(design.y).toEqual([2, 0, 1, 3, 7, 1]);
    expect(design.offset).toEqual([10, 20, 5, 8, 9, 4].map(Math.log));
    expect(design.levels).toEqual({ period: ["P0", "P1", "P2"], location: ["A", "B"] });
  });
});

describe("models that cannot be estimated throw a Dutch TrendModelError and return no numbers", () => {
  it("a period without measures", () => {
    const rows = measures().filter((r) => r.period !== "P2");
    const e = failure(() => fitTrendModel(rows, spec("duration")));
    expect(e.message).toBe("Het model voor de duur kan niet worden geschat: periode P2 heeft geen metingen.");
    expect([e.problem, e.factor, e.level]).toEqual(["empty-level", "period", "P2"]);
    expect(e).toBeInstanceOf(UserError);
    expect(e.name).toBe("TrendModelError");
  });

  it("a period whose counts are all zero (its rate ratio would be 0)", () => {
    const rows = months().map((r) => (r.period === "P3" ? { ...r, seclusions: "0" } : r));
    const e = failure(() => fitTrendModel(rows, spec("count")));
    expect(e.problem).toBe("no-variation");
    expect(e.message).toMatch(
      /^Het model voor het aantal afzonderingen kan niet worden geschat: in periode P3 is de uitkomst bij alle \d+ metingen 0/,
    );
  });

  it("a location that never used an isolation room: an error, or left out when asked", () => {
    const rows = measures().map((r) => (r.location === "LD" ? { ...r, isolation: "0" } : r));
    const e = failure(() => fitTrendModel(rows, spec("isolation")));
    expect([e.problem, e.factor, e.level]).toEqual(["no-variation", "location", "LD"]);
    expect(e.message).toContain("in locatie LD hebben alle");

    const base = spec("isolation");
    const dropping = {
      ...base,
      factors: [base.factors[0], { column: "location", label: "locatie", uninformative: "drop" }],
    };
    const fit = fitTrendModel(rows, dropping as TrendModelSpec);
    const without = fitTrendModel(
      rows.filter((r) => r.location !== "LD"),
      base,
    );
    expect(fit.dropped).toEqual([
      {
        factor: "location",
        level: "LD",
        rows: rows.filter((r) => r.location === "LD" && r.period !== "").length,
        reason: "no-variation",
      },
    ]);
    expect(fit.terms).toEqual(without.terms);
  });

  it("a singular design (a covariate that is a combination of the period dummies)", () => {
    const rows = months().map((r) => ({ ...r, periodIndex: String(r.period).slice(1) }));
    const e = failure(() => fitTrendModel(rows, { ...spec("count"), covariates: ["periodIndex"] }));
    expect(e.problem).toBe("singular");
    expect(e.message).toBe(
      "Het model voor het aantal afzonderingen kan niet worden geschat: de verklarende variabelen zijn niet van elkaar te scheiden (singuliere designmatrix).",
    );
  });

  it("no convergence within the iteration limit", () => {
    const e = failure(() => fitTrendModel(measures(), { ...spec("isolation"), control: { maxit: 2 } }));
    expect(e.problem).toBe("no-convergence");
    expect(e.message).toBe(
      "Het model voor het type ruimte kan niet worden geschat: de schatting convergeert niet (na 2 iteraties).",
    );
  });

  it("θ running off to infinity when the counts are not overdispersed (R: 'iteration limit reached')", () => {
    // Underdispersed counts: 5, 4, 3 per period with a spread of ±1.
    const rows = Array.from({ length: 120 }, (_, i) => {
      const k = Math.floor(i / 40);
      return { period: `P${k}`, n: ([5, 4, 3][k] as number) + ((i % 3) - 1) };
    });
    const e = failure(() =>
      fitTrendModel(rows, {
        label: "het aantal",
        family: "negbin",
        response: "n",
        factors: [{ column: "period", label: "periode" }],
      }),
    );
    expect(e.problem).toBe("no-overdispersion");
    expect(e.message).toMatch(
      /^Het model voor het aantal kan niet worden geschat: .*Poisson-verdeling: de spreidingsparameter θ is niet te schatten/,
    );
    // The Poisson model is the one that fits these data.
    const poisson = fitTrendModel(rows, {
      label: "het aantal",
      family: "poisson",
      response: "n",
      factors: [{ column: "period" }],
    });
    const mean = (k: number) => rows.slice(40 * k, 40 * k + 40).reduce((a, r) => a + r.n, 0) / 40;
    close(poisson.terms[0]?.ratio as number, mean(1) / mean(0), FIT);
  });

  it("complete separation in a logistic model with a covariate", () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ g: i % 2 ? "B" : "A", x: i, y: i >= 20 ? 1 : 0 }));
    const e = failure(() =>
      fitTrendModel(rows, {
        label: "de kans",
        family: "binomial",
        response: "y",
        factors: [{ column: "g" }],
        covariates: ["x"],
      }),
    );
    expect(["separation", "no-convergence"]).toContain(e.problem);
  });

  it("too few observations, a single level, invalid values", () => {
    const few = [
      { period: "P0", y: 1 },
      { period: "P1", y: 2 },
    ];
    const s = {
      label: "het aantal",
      family: "negbin",
      response: "y",
      factors: [{ column: "period", label: "periode" }],
    } as const;
    expect(failure(() => fitTrendModel(few, s)).problem).toBe("too-few-observations");
    const one = failure(() =>
      fitTrendModel(
        [
          { period: "P0", y: 1 },
          { period: "P0", y: 3 },
        ],
        s,
      ),
    );
    expect(one.message).toBe(
      "Het model voor het aantal kan niet worden geschat: er zijn alleen metingen voor periode P0.",
    );
    const negative = failure(() => fitTrendModel([{ period: "P0", y: -1 }], s));
    expect(negative.message).toBe(
      'Het model voor het aantal kan niet worden geschat: rij 1: y = "-1" is geen getal ≥ 0.',
    );
    const zeroOccupancy = failure(() =>
      fitTrendModel(
        months().map((r, i) => (i === 4 ? { ...r, occupancy: "0" } : r)),
        spec("count"),
      ),
    );
    expect(zeroOccupancy.problem).toBe("invalid-data");
    expect(zeroOccupancy.message).toContain("rij 5: occupancy");
  });
});
