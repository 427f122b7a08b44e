/**
 * Statistical engine of the trend analysis: GLMs (binomial/logit, Poisson/log, negative
 * binomial NB2/log with θ by maximum likelihood as MASS::glm.nb) fitted by IRLS, with Wald
 * summaries. Pure functions, no I/O; validated against R in test/unit/stats.
 */
export {
  buildDesign,
  type Cell,
  type DataRow,
  type Design,
  type DesignColumn,
  type DesignSpec,
  type DroppedLevel,
  type FactorTerm,
} from "./design.ts";
export { TrendModelError, type TrendModelProblem } from "./errors.ts";
export { binomialLogit, type Family, type FamilyName, negativeBinomialLog, poissonLog } from "./families.ts";
export { GLM_CONTROL, type GlmControl, type GlmData, type IrlsFit, type IrlsOptions, irls } from "./irls.ts";
export {
  glmNegBin,
  type NegBinFit,
  type NegBinOptions,
  negBinLogLik,
  type ThetaEstimate,
  thetaMl,
} from "./negbin.ts";
export {
  type FitOptions,
  fitDesign,
  fitTrendModel,
  type TermEstimate,
  type TrendModelResult,
  type TrendModelSpec,
  type WaldSummary,
  wald,
} from "./trend.ts";
