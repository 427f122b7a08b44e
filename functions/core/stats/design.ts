import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { modelError } from "./errors.ts";
import type { FamilyName } from "./families.ts";
import type { GlmData } from "./irls.ts";

/** One cell of a data row: CSV text, a number, or a flag. null, undefined, "" and NaN are missing. */
export type Cell = string | number | boolean | null | undefined;
export type DataRow = Readonly<Record<string, Cell>>;

export interface FactorTerm {
  /** Column holding the level (e.g. `period` with P0, P1, …; `location`). */
  column: string;
  /** Dutch name for messages, e.g. "periode", "locatie". Default: the column name. */
  label?: string;
  /**
   * The levels in order; the first is the reference (treatment contrasts). A level listed here
   * without data is an error. Default: the distinct values present, sorted by code point.
   */
  levels?: readonly string[];
  /**
   * A level without data, or whose outcome does not vary (all counts 0; for binomial all the
   * same), has no finite estimate. "error" (default) throws TrendModelError; "drop" leaves the
   * level and its rows out (meant for nuisance factors such as location, never the reference
   * of a reported factor).
   */
  uninformative?: "error" | "drop";
}

export interface DesignSpec {
  family: FamilyName;
  /** Response column: a count or duration (≥ 0) for poisson/negbin, 0/1 or a boolean for binomial. */
  response: string;
  factors: readonly FactorTerm[];
  /** Numeric columns entered linearly (e.g. a within-period month index). */
  covariates?: readonly string[];
  /** Column with a positive exposure (e.g. average occupancy); the model gets offset log(exposure). */
  exposure?: string;
  /** Dutch label of the model for messages, e.g. "het aantal afzonderingen". */
  label?: string;
}

export interface DesignColumn {
  /** R's coefficient name: "(Intercept)", `${column}${level}` for a dummy, the covariate's name. */
  name: string;
  /** The factor column or covariate; null for the intercept. */
  term: string | null;
  /** The factor level of a dummy; null otherwise. */
  level: string | null;
}

export interface DroppedLevel {
  factor: string;
  level: string;
  rows: number;
  reason: "empty-level" | "no-variation";
}

export interface Design extends GlmData {
  family: FamilyName;
  x: number[][];
  y: number[];
  offset: number[] | null;
  columns: DesignColumn[];
  /** The levels of each factor as used, reference first. */
  levels: Record<string, string[]>;
  /** Rows left out because a value the model needs is missing (R's na.omit). */
  omitted: number;
  /** Levels left out under `uninformative: "drop"`. */
  dropped: DroppedLevel[];
}

/** Columns this close to a linear combination of the others (after scaling) make the design singular. */
const CONDITION_LIMIT = 1e10;

const missing = (v: Cell): boolean =>
  v === null || v === undefined || (typeof v === "string" && v.trim() === "") || Number.isNaN(v);

function toNumber(v: Cell): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return Number((v as string).trim());
}

interface Obs {
  index: number;
  y: number;
  levels: string[];
  covariates: number[];
  exposure: number;
}

/**
 * Builds the design matrix of a trend model from data rows: an intercept, treatment-contrast
 * dummies for each factor (first level = reference), then the covariates. Rows with a missing
 * value in a used column are left out (counted in `omitted`). Throws TrendModelError with a
 * Dutch message when the model cannot be estimated from these rows: an invalid value, a level
 * without data or without variation in the outcome, a factor with a single level, too few
 * observations, or a singular design.
 */
export function buildDesign(rows: readonly DataRow[], spec: DesignSpec): Design {
  const { family, label } = spec;
  const covariates = spec.covariates ?? [];
  const factorName = (f: FactorTerm) => f.label ?? f.column;
  const invalid = (detail: string) => modelError(label, "invalid-data", detail);

  let obs: Obs[] = [];
  let omitted = 0;
  rows.forEach((row, index) => {
    const used = [spec.response, ...spec.factors.map((f) => f.column), ...covariates];
    if (spec.exposure) used.push(spec.exposure);
    if (used.some((c) => missing(row[c]))) {
      omitted++;
      return;
    }
    const at = `rij ${index + 1}`;
    const y = toNumber(row[spec.response]);
    if (family === "binomial" ? y !== 0 && y !== 1 : !(Number.isFinite(y) && y >= 0))
      throw invalid(
        `${at}: ${spec.response} = "${String(row[spec.response])}" is geen ${
          family === "binomial" ? "0 of 1" : "getal ≥ 0"
        }`,
      );
    const cov = covariates.map((c) => {
      const v = toNumber(row[c]);
      if (!Number.isFinite(v)) throw invalid(`${at}: ${c} = "${String(row[c])}" is geen getal`);
      return v;
    });
    let exposure = 1;
    if (spec.exposure) {
      exposure = toNumber(row[spec.exposure]);
      if (!(Number.isFinite(exposure) && exposure > 0))
        throw invalid(`${at}: ${spec.exposure} = "${String(row[spec.exposure])}" is geen getal groter dan 0`);
    }
    const levels = spec.factors.map((f) => String(row[f.column]).trim());
    spec.factors.forEach((f, k) => {
      if (f.levels && !f.levels.includes(levels[k] as string))
        throw invalid(
          `${at}: ${factorName(f)} "${levels[k]}" is geen bekend niveau (${f.levels.join(", ")})`,
        );
    });
    obs.push({ index, y, levels, covariates: cov, exposure });
  });

  // Levels in use; leave out (or refuse) levels without data or without variation in the outcome,
  // until nothing changes (dropping rows for one factor can empty a level of another).
  const levels = spec.factors.map((f) => [...(f.levels ?? [])]);
  const dropped: DroppedLevel[] = [];
  for (let changed = true; changed; ) {
    changed = false;
    spec.factors.forEach((f, k) => {
      if (!f.levels) levels[k] = [...new Set(obs.map((o) => o.levels[k] as string))].sort();
      for (const level of levels[k] as string[]) {
        const ys = obs.filter((o) => o.levels[k] === level).map((o) => o.y);
        const where = `${factorName(f)} ${level}`;
        let problem: DroppedLevel["reason"] | null = null;
        let detail = "";
        if (ys.length === 0) {
          problem = "empty-level";
          detail = `${where} heeft geen metingen`;
        } else if (family !== "binomial" && ys.every((v) => v === 0)) {
          problem = "no-variation";
          detail = `in ${where} is de uitkomst bij alle ${ys.length} metingen 0, zodat het effect niet te schatten is`;
        } else if (family === "binomial" && ys.every((v) => v === ys[0])) {
          problem = "no-variation";
          detail = `in ${where} hebben alle ${ys.length} metingen dezelfde uitkomst (${ys[0]}), zodat het effect niet te schatten is`;
        }
        if (problem === null) continue;
        if (f.uninformative !== "drop") throw modelError(label, problem, detail, { factor: f.column, level });
        dropped.push({ factor: f.column, level, rows: ys.length, reason: problem });
        obs = obs.filter((o) => o.levels[k] !== level);
        levels[k] = (levels[k] as string[]).filter((l) => l !== level);
        changed = true;
        return;
      }
    });
  }

  if (obs.length === 0) throw modelError(label, "too-few-observations", "er zijn geen metingen");
  spec.factors.forEach((f, k) => {
    const ls = levels[k] as string[];
    if (ls.length < 2)
      throw modelError(label, "single-level", `er zijn alleen metingen voor ${factorName(f)} ${ls[0]}`, {
        factor: f.column,
        level: ls[0] as string,
      });
  });

  const columns: DesignColumn[] = [{ name: "(Intercept)", term: null, level: null }];
  spec.factors.forEach((f, k) => {
    for (const level of (levels[k] as string[]).slice(1))
      columns.push({ name: `${f.column}${level}`, term: f.column, level });
  });
  for (const c of covariates) columns.push({ name: c, term: c, level: null });
  const p = columns.length;
  if (obs.length <= p)
    throw modelError(
      label,
      "too-few-observations",
      `er zijn te weinig metingen (${obs.length}) voor ${p} te schatten parameters`,
    );

  const x = obs.map((o) => {
    const row = [1];
    spec.factors.forEach((_, k) => {
      for (const level of (levels[k] as string[]).slice(1)) row.push(o.levels[k] === level ? 1 : 0);
    });
    row.push(...o.covariates);
    return row;
  });
  if (isSingular(x))
    throw modelError(
      label,
      "singular",
      "de verklarende variabelen zijn niet van elkaar te scheiden (singuliere designmatrix)",
    );

  return {
    family,
    x,
    y: obs.map((o) => o.y),
    offset: spec.exposure ? obs.map((o) => Math.log(o.exposure)) : null,
    columns,
    levels: Object.fromEntries(spec.factors.map((f, k) => [f.column, levels[k] as string[]])),
    omitted,
    dropped,
  };
}

/** Rank check on the design with columns scaled to unit length (so units do not matter). */
function isSingular(x: readonly (readonly number[])[]): boolean {
  const m = new Matrix(x as number[][]);
  for (let j = 0; j < m.columns; j++) {
    const norm = m.getColumnVector(j).norm();
    if (norm === 0) return true;
    m.setColumn(
      j,
      m.getColumn(j).map((v) => v / norm),
    );
  }
  const svd = new SingularValueDecomposition(m, {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
  });
  const s = svd.diagonal;
  const smin = Math.min(...s);
  const smax = Math.max(...s);
  return !(smin > 0) || smax / smin > CONDITION_LIMIT;
}
