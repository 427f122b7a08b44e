import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { DataRow, TrendModelSpec } from "../../../functions/core/stats/index.ts";

/** The synthetic data sets of test/fixtures/trend and their R reference fits (stats/reference/). */
export const FIXTURES = resolve(import.meta.dirname, "../../fixtures/trend");
export const DATASETS = {
  reference: FIXTURES,
  heldout: resolve(FIXTURES, "heldout"),
  /** Poisson counts: R's glm.nb cannot estimate θ of the count models (it warns). */
  noOverdispersion: resolve(FIXTURES, "no-overdispersion"),
} as const;

export interface RTerm {
  estimate: number;
  se: number;
  z: number;
  p: number;
  ratio: number;
  ciLow: number;
  ciHigh: number;
}

export interface RModel {
  family: string;
  n: number;
  converged: boolean;
  iterations: number;
  deviance: number;
  theta?: number;
  thetaSe?: number;
  twoLogLik?: number;
  /** What R warned while fitting, e.g. glm.nb's "alternation limit reached". */
  warnings: string[];
  terms: Record<string, RTerm>;
}

export interface RReference {
  generatedBy: string;
  R: string;
  MASS: string;
  models: Record<string, RModel>;
}

/** Reads a small, plain CSV (no quoting) into rows of text cells; "" stays "" (missing). */
export function readCsv(file: string): DataRow[] {
  const [header, ...lines] = readFileSync(file, "utf8").trimEnd().split("\n");
  const names = (header as string).split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(names.map((n, k) => [n, cells[k] ?? ""]));
  });
}

export function readReference(dir: string): RReference {
  return JSON.parse(readFileSync(resolve(dir, "r-reference.json"), "utf8")) as RReference;
}

const period = { column: "period", label: "periode", levels: ["P0", "P1", "P2", "P3"] } as const;
const location = { column: "location", label: "locatie" } as const;

/**
 * The models of stats/reference/trend-models.R, as specs for the TS engine. The period column
 * is empty for months between the periods, so those rows are left out as missing (as in R).
 */
export const MODELS: Record<string, { file: "months.csv" | "measures.csv"; spec: TrendModelSpec }> = {
  count: {
    file: "months.csv",
    spec: {
      label: "het aantal afzonderingen",
      family: "negbin",
      response: "seclusions",
      exposure: "occupancy",
      factors: [period, location],
      report: ["period"],
    },
  },
  countSlope: {
    file: "months.csv",
    spec: {
      label: "het aantal afzonderingen (met maandtrend)",
      family: "negbin",
      response: "seclusions",
      exposure: "occupancy",
      factors: [period, location],
      covariates: ["monthInPeriod"],
      report: ["period", "monthInPeriod"],
    },
  },
  countPoisson: {
    file: "months.csv",
    spec: {
      label: "het aantal afzonderingen (Poisson)",
      family: "poisson",
      response: "seclusions",
      exposure: "occupancy",
      factors: [period, location],
      report: ["period"],
    },
  },
  countSlopePoisson: {
    file: "months.csv",
    spec: {
      label: "het aantal afzonderingen (Poisson, met maandtrend)",
      family: "poisson",
      response: "seclusions",
      exposure: "occupancy",
      factors: [period, location],
      covariates: ["monthInPeriod"],
      report: ["period", "monthInPeriod"],
    },
  },
  duration: {
    file: "measures.csv",
    spec: {
      label: "de duur",
      family: "negbin",
      response: "durationMin",
      factors: [period, location],
      report: ["period"],
    },
  },
  isolation: {
    file: "measures.csv",
    spec: {
      label: "het type ruimte",
      family: "binomial",
      response: "isolation",
      factors: [period, location],
      report: ["period"],
    },
  },
};

/** Relative deviation, or absolute deviation where the reference value is (close to) zero. */
export function deviation(actual: number, expected: number): number {
  const diff = Math.abs(actual - expected);
  return Math.abs(expected) < 1e-8 ? diff : diff / Math.abs(expected);
}
