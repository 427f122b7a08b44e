import { UserError } from "../../errors.ts";

/** Why a model could not be estimated; lets a caller react (e.g. leave out a location and refit). */
export type TrendModelProblem =
  | "invalid-data"
  | "too-few-observations"
  | "empty-level"
  | "single-level"
  | "no-variation"
  | "singular"
  | "separation"
  | "no-convergence"
  /** NB2: θ cannot be estimated and the counts are not overdispersed; the Poisson model fits. */
  | "no-overdispersion";

export interface TrendModelErrorOptions {
  cause?: unknown;
  /** The factor column (e.g. `period`) and level (e.g. `P2`) the problem is about, if any. */
  factor?: string;
  level?: string;
}

/**
 * A trend model cannot be estimated from these data. The message is Dutch and meant for the
 * facilitator, e.g. "Het model voor de duur kan niet worden geschat: periode P2 heeft geen
 * metingen." No numbers are ever returned for such a model.
 */
export class TrendModelError extends UserError {
  override readonly name = "TrendModelError";
  readonly problem: TrendModelProblem;
  readonly factor: string | undefined;
  readonly level: string | undefined;

  constructor(problem: TrendModelProblem, message: string, options: TrendModelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.problem = problem;
    this.factor = options.factor;
    this.level = options.level;
  }
}

/**
 * Builds a TrendModelError whose message reads "Het model voor {label} kan niet worden
 * geschat: {detail}." (`label` is a Dutch noun phrase such as "het aantal afzonderingen").
 */
export function modelError(
  label: string | undefined,
  problem: TrendModelProblem,
  detail: string,
  options: TrendModelErrorOptions = {},
): TrendModelError {
  const subject = label ? `Het model voor ${label}` : "Het model";
  return new TrendModelError(problem, `${subject} kan niet worden geschat: ${detail}.`, options);
}
