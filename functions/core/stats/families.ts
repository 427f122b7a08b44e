/**
 * GLM families exactly as R defines them (stats::binomial, stats::poisson and
 * MASS::negative.binomial with the log link), including R's numerical guards: the logit
 * inverse link is clamped at |eta| > 30 and the log inverse link and its derivative are
 * bounded below by the machine epsilon. Matching these guards is what makes the fits agree
 * with R beyond the convergence tolerance.
 */
export type FamilyName = "binomial" | "poisson" | "negbin";

export interface Family {
  readonly name: FamilyName;
  linkfun(mu: number): number;
  linkinv(eta: number): number;
  /** d mu / d eta */
  muEta(eta: number): number;
  variance(mu: number): number;
  /** Unit deviance contribution of one observation (prior weight 1). */
  devResid(y: number, mu: number): number;
  validMu(mu: number): boolean;
  /** Starting value for mu from y (R's `family$initialize`). */
  initialMu(y: number): number;
}

const EPS = Number.EPSILON; // R's .Machine$double.eps
const THRESH = 30;
const MTHRESH = -30;
const INVEPS = 1 / EPS;

const yLogY = (y: number, mu: number): number => (y !== 0 ? y * Math.log(y / mu) : 0);

export const binomialLogit: Family = {
  name: "binomial",
  linkfun: (mu) => Math.log(mu / (1 - mu)),
  linkinv: (eta) => {
    const t = eta < MTHRESH ? EPS : eta > THRESH ? INVEPS : Math.exp(eta);
    return t / (1 + t);
  },
  muEta: (eta) => {
    if (eta > THRESH || eta < MTHRESH) return EPS;
    const opexp = 1 + Math.exp(eta);
    return Math.exp(eta) / (opexp * opexp);
  },
  variance: (mu) => mu * (1 - mu),
  devResid: (y, mu) => 2 * (yLogY(y, mu) + yLogY(1 - y, 1 - mu)),
  validMu: (mu) => Number.isFinite(mu) && mu > 0 && mu < 1,
  initialMu: (y) => (y + 0.5) / 2,
};

const logLink = {
  linkfun: (mu: number) => Math.log(mu),
  linkinv: (eta: number) => Math.max(Math.exp(eta), EPS),
  muEta: (eta: number) => Math.max(Math.exp(eta), EPS),
};

export const poissonLog: Family = {
  name: "poisson",
  ...logLink,
  variance: (mu) => mu,
  devResid: (y, mu) => 2 * (y > 0 ? y * Math.log(y / mu) - (y - mu) : mu),
  validMu: (mu) => Number.isFinite(mu) && mu > 0,
  initialMu: (y) => y + 0.1,
};

/** NB2 with known theta: Var(y) = mu + mu^2 / theta (MASS::negative.binomial(theta)). */
export function negativeBinomialLog(theta: number): Family {
  return {
    name: "negbin",
    ...logLink,
    variance: (mu) => mu + (mu * mu) / theta,
    devResid: (y, mu) =>
      2 * (y * Math.log(Math.max(1, y) / mu) - (y + theta) * Math.log((y + theta) / (mu + theta))),
    validMu: (mu) => mu > 0,
    initialMu: (y) => y + (y === 0 ? 1 / 6 : 0),
  };
}
