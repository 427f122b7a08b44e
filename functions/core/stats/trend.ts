import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { buildDesign, type DataRow, type Design, type DesignSpec, type DroppedLevel } from "./design.ts";
import { modelError } from "./errors.ts";
import { binomialLogit, type FamilyName, poissonLog } from "./families.ts";
import { type GlmControl, type IrlsFit, irls } from "./irls.ts";
import { glmNegBin, type NegBinFit } from "./negbin.ts";

export interface FitOptions {
  /** Dutch noun phrase for messages: "Het model voor {label} kan niet worden geschat: …". */
  label?: string;
  /**
   * Terms to report in `terms`: factor columns (each non-reference level) and/or covariate
   * names, in this order. Default: the first factor.
   */
  report?: readonly string[];
  control?: Partial<GlmControl>;
  /** Confidence level of the Wald intervals; default 0.95. */
  confidence?: number;
}

export interface TrendModelSpec extends DesignSpec, FitOptions {
  label: string;
}

export interface TermEstimate {
  /** R's coefficient name, e.g. "periodP1", "monthInPeriod", "(Intercept)". */
  name: string;
  /** Factor column or covariate; null for the intercept. */
  term: string | null;
  /** Factor level (e.g. "P1"); null for a covariate or the intercept. */
  level: string | null;
  /** Coefficient on the link scale (log rate ratio or log odds ratio). */
  estimate: number;
  se: number;
  z: number;
  /** Two-sided Wald p-value, 2·Φ(-|z|). */
  p: number;
  /** exp(estimate): incidence-rate ratio (count families) or odds ratio (binomial). */
  ratio: number;
  /** Wald interval exp(estimate ± z_{(1+confidence)/2}·se). */
  ciLow: number;
  ciHigh: number;
}

export interface TrendModelResult {
  label: string | null;
  family: FamilyName;
  /** Observations used. */
  n: number;
  /** Rows left out for a missing value. */
  omitted: number;
  dropped: DroppedLevel[];
  levels: Record<string, string[]>;
  /** NB2 shape θ (Var = μ + μ²/θ) and its standard error; null for other families. */
  theta: number | null;
  thetaSe: number | null;
  /** Always true: a model that does not converge throws TrendModelError instead. */
  converged: true;
  /** IRLS iterations of the (last) GLM fit, as R's fit$iter. */
  iterations: number;
  /** glm.nb's alternations between GLM fit and θ; null for other families. */
  outerIterations: number | null;
  deviance: number;
  /** 2·log-likelihood for NB (glm.nb's twologlik); null otherwise. */
  twoLogLik: number | null;
  /** The requested terms (see FitOptions.report). */
  terms: TermEstimate[];
  /** Every coefficient, intercept first. */
  coefficients: TermEstimate[];
}

export interface WaldSummary {
  z: number;
  p: number;
  ratio: number;
  ciLow: number;
  ciHigh: number;
}

/** Wald statistics for a log-scale coefficient: z, two-sided p, exp(b) and its interval. */
export function wald(estimate: number, se: number, confidence = 0.95): WaldSummary {
  const q = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const z = estimate / se;
  return {
    z,
    p: 2 * normalCdf(-Math.abs(z), 0, 1),
    ratio: Math.exp(estimate),
    ciLow: Math.exp(estimate - q * se),
    ciHigh: Math.exp(estimate + q * se),
  };
}

const FITTED_EPS = 10 * Number.EPSILON;

/** Fits a GLM (family from the design) to a built design and summarises its coefficients. */
export function fitDesign(design: Design, options: FitOptions = {}): TrendModelResult {
  const { label, control } = options;
  const family = design.family;
  let fit: IrlsFit | NegBinFit;
  if (family === "negbin") fit = glmNegBin(design, { control, label });
  else fit = irls(design, family === "binomial" ? binomialLogit : poissonLog, { control, label });

  // R warns here ("fitted probabilities numerically 0 or 1", "fitted rates numerically 0"): the
  // estimates run off to infinity, so the model has no finite estimate.
  if (family === "binomial" && fit.mu.some((m) => m < FITTED_EPS || m > 1 - FITTED_EPS))
    throw modelError(
      label,
      "separation",
      "sommige kansen worden vrijwel 0 of 1 geschat (volledige scheiding van de uitkomsten)",
    );
  if (family !== "binomial" && fit.mu.some((m) => m < FITTED_EPS))
    throw modelError(label, "separation", "sommige verwachte waarden worden vrijwel 0 geschat");

  const coefficients = design.columns.map((col, j): TermEstimate => {
    const estimate = fit.coefficients[j] as number;
    const se = Math.sqrt((fit.covariance[j] as number[])[j] as number);
    if (!(Number.isFinite(estimate) && se > 0 && Number.isFinite(se)))
      throw modelError(label, "singular", `de standaardfout van ${col.name} is niet te bepalen`);
    return { ...col, estimate, se, ...wald(estimate, se, options.confidence) };
  });

  const report =
    options.report ??
    design.columns
      .filter((c) => c.term !== null)
      .slice(0, 1)
      .map((c) => c.term);
  const terms = report.flatMap((t) => {
    const found = coefficients.filter((c) => c.term === t);
    if (found.length === 0) throw new Error(`fitDesign: term "${t}" is not in the model`);
    return found;
  });

  const nb = "theta" in fit ? fit : null;
  return {
    label: label ?? null,
    family,
    n: design.y.length,
    omitted: design.omitted,
    dropped: design.dropped,
    levels: design.levels,
    theta: nb?.theta ?? null,
    thetaSe: nb?.thetaSe ?? null,
    converged: true,
    iterations: fit.iterations,
    outerIterations: nb?.outerIterations ?? null,
    deviance: fit.deviance,
    twoLogLik: nb?.twoLogLik ?? null,
    terms,
    coefficients,
  };
}

/**
 * Builds the design from data rows and fits the model: e.g. the number of seclusions per
 * location-month, `{ family: "negbin", response: "seclusions", exposure: "occupancy",
 * factors: [{ column: "period", label: "periode", levels: ["P0", "P1", "P2", "P3"] },
 * { column: "location", label: "locatie" }], label: "het aantal afzonderingen" }`.
 */
export function fitTrendModel(rows: readonly DataRow[], spec: TrendModelSpec): TrendModelResult {
  return fitDesign(buildDesign(rows, spec), spec);
}
