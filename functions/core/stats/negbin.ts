import digamma from "@stdlib/math-base-special-digamma";
import gammaln from "@stdlib/math-base-special-gammaln";
import trigamma from "@stdlib/math-base-special-trigamma";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { modelError } from "./errors.ts";
import { negativeBinomialLog, poissonLog } from "./families.ts";
import { GLM_CONTROL, type GlmControl, type GlmData, type IrlsFit, irls } from "./irls.ts";

export interface ThetaEstimate {
  theta: number;
  /** Standard error of theta from the observed information (MASS's attr(, "SE")). */
  se: number;
  iterations: number;
  /** The last Newton step (positive while theta is still growing). */
  step: number;
  /** Set when MASS::theta.ml would warn: Newton hit its iteration limit, or theta < 0. */
  warning: "iteration-limit" | "truncated-at-zero" | null;
}

/**
 * Maximum-likelihood estimate of the NB2 shape theta for fixed means, as MASS::theta.ml:
 * Newton–Raphson from the moment estimate n / sum((y/mu - 1)^2) until the step is below
 * `eps` (default .Machine$double.eps^0.25) or `limit` steps were counted.
 */
export function thetaMl(
  y: readonly number[],
  mu: readonly number[],
  limit = 10,
  eps = Number.EPSILON ** 0.25,
): ThetaEstimate {
  const n = y.length;
  const score = (th: number) => {
    let s = 0;
    for (let k = 0; k < n; k++) {
      const yk = y[k] as number;
      const mk = mu[k] as number;
      s += digamma(th + yk) - digamma(th) + Math.log(th) + 1 - Math.log(th + mk) - (yk + th) / (mk + th);
    }
    return s;
  };
  const info = (th: number) => {
    let s = 0;
    for (let k = 0; k < n; k++) {
      const yk = y[k] as number;
      const mk = mu[k] as number;
      s += -trigamma(th + yk) + trigamma(th) - 1 / th + 2 / (mk + th) - (yk + th) / ((mk + th) * (mk + th));
    }
    return s;
  };
  let ss = 0;
  for (let k = 0; k < n; k++) ss += ((y[k] as number) / (mu[k] as number) - 1) ** 2;
  let t0 = n / ss;
  let it = 0;
  let del = 1;
  let i = Number.NaN;
  while (++it < limit && Math.abs(del) > eps) {
    t0 = Math.abs(t0);
    i = info(t0);
    del = score(t0) / i;
    t0 += del;
  }
  let warning: ThetaEstimate["warning"] = null;
  if (t0 < 0) {
    t0 = 0;
    warning = "truncated-at-zero";
  }
  if (it === limit) warning = "iteration-limit";
  return { theta: t0, se: Math.sqrt(1 / i), iterations: it, step: del, warning };
}

/** NB2 log-likelihood as glm.nb's internal loglik(). */
export function negBinLogLik(theta: number, mu: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < y.length; k++) {
    const yk = y[k] as number;
    const mk = mu[k] as number;
    s +=
      gammaln(theta + yk) -
      gammaln(theta) -
      gammaln(yk + 1) +
      theta * Math.log(theta) +
      (yk === 0 ? 0 : yk * Math.log(mk)) -
      (theta + yk) * Math.log(theta + mk);
  }
  return s;
}

/** Poisson log-likelihood, Σ y·log μ − μ − log y!. */
export function poissonLogLik(mu: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < y.length; k++) {
    const yk = y[k] as number;
    const mk = mu[k] as number;
    s += (yk === 0 ? 0 : yk * Math.log(mk)) - mk - gammaln(yk + 1);
  }
  return s;
}

/**
 * Critical value of the likelihood-ratio test of NB2 against Poisson at the 5% level. Poisson is
 * θ = ∞, on the edge of θ's range, so the statistic 2(ℓ_NB − ℓ_Poisson) follows a 50:50 mixture
 * of 0 and χ²(1) under "no overdispersion" and the critical value is χ²(1)'s 90% quantile,
 * qnorm(0.95)² ≈ 2.7055.
 */
export const OVERDISPERSION_CRITICAL_LR = normalQuantile(0.95, 0, 1) ** 2;

export interface NegBinFit extends IrlsFit {
  theta: number;
  thetaSe: number;
  /** Alternations between the GLM fit and theta.ml (glm.nb's outer loop). */
  outerIterations: number;
  twoLogLik: number;
}

export interface NegBinOptions {
  control?: Partial<GlmControl>;
  label?: string;
}

/** Above this theta the data show no overdispersion worth the name: the NB model is the Poisson model. */
const THETA_INFINITE = 1e6;

/**
 * Negative binomial (NB2, log link) regression with theta estimated by maximum likelihood,
 * exactly as MASS::glm.nb: a Poisson fit gives the start; then alternate (a) the GLM fit for
 * fixed theta by IRLS, starting from the previous fitted means, and (b) theta.ml given the
 * means, until |ΔlogL|/d1 + |Δtheta| < epsilon (d1 = sqrt(2·max(1, n - p))). Like glm.nb, step
 * (b) uses the means from before step (a). The covariance is that of the last GLM fit for its
 * fixed theta, which is what summary(glm.nb(...)) reports.
 *
 * When theta cannot be estimated — it runs off to infinity, theta.ml stops at its iteration
 * limit, or the alternation does not settle within its limit (where R warns and still prints
 * numbers) — one rule decides, for every model alike, why:
 * - the counts show no overdispersion: the NB fit reached is no better than the Poisson fit
 *   (likelihood-ratio statistic 2(ℓ_NB − ℓ_Poisson) below `OVERDISPERSION_CRITICAL_LR`, or
 *   theta beyond `THETA_INFINITE`) — TrendModelError "no-overdispersion": fit Poisson instead;
 * - otherwise TrendModelError "no-convergence".
 * A flat likelihood in theta (theta in the hundreds with a standard error several times larger)
 * is the typical case: the data cannot tell theta from infinity, and whether the alternation
 * settles then depends on the last bits of the arithmetic, not on the data.
 * An inner fit that fails, or theta.ml wanting a negative theta, is "no-convergence" as well.
 */
export function glmNegBin(data: GlmData, options: NegBinOptions = {}): NegBinFit {
  const control = { ...GLM_CONTROL, ...options.control };
  const label = options.label;
  const { y } = data;
  const n = y.length;
  const p = data.x[0]?.length ?? 0;

  let fit: IrlsFit = irls(data, poissonLog, { control, label });
  const poissonTwoLogLik = 2 * poissonLogLik(fit.mu, y);
  /** Why theta cannot be estimated, given the last means and theta reached (see above). */
  const cannotEstimate = (theta: number, mu: readonly number[], cause: string) => {
    const lr =
      Number.isFinite(theta) && theta > 0 && theta <= THETA_INFINITE
        ? 2 * negBinLogLik(theta, mu, y) - poissonTwoLogLik
        : 0;
    return lr < OVERDISPERSION_CRITICAL_LR
      ? modelError(
          label,
          "no-overdispersion",
          "de gegevens spreiden niet meer dan bij een Poisson-verdeling: de spreidingsparameter θ is niet te schatten en het negatief-binomiale model past niet beter dan een Poisson-model; gebruik een Poisson-model",
        )
      : modelError(label, "no-convergence", `de spreidingsparameter θ convergeert niet (${cause})`);
  };
  const estimateTheta = (mu: readonly number[]) => {
    const th = thetaMl(y, mu, control.maxit);
    if (!Number.isFinite(th.theta) || th.theta > THETA_INFINITE)
      throw cannotEstimate(th.theta, mu, "θ loopt naar oneindig");
    if (th.warning === "truncated-at-zero")
      throw modelError(
        label,
        "no-convergence",
        "de spreidingsparameter θ convergeert niet (θ zou negatief worden)",
      );
    return th;
  };

  let mu = fit.mu;
  let th = estimateTheta(mu);
  let family = negativeBinomialLog(th.theta);
  const d1 = Math.sqrt(2 * Math.max(1, n - p));
  const d2 = 1;
  let del = 1;
  let lm = negBinLogLik(th.theta, mu, y);
  let lm0 = lm + 2 * d1;
  let iter = 0;
  while (++iter <= control.maxit && Math.abs(lm0 - lm) / d1 + Math.abs(del) / d2 > control.epsilon) {
    const eta = mu.map((m) => Math.log(m));
    fit = irls(data, family, { control, label, etastart: eta });
    const t0 = th.theta;
    th = estimateTheta(mu);
    family = negativeBinomialLog(th.theta);
    mu = fit.mu;
    del = t0 - th.theta;
    lm0 = lm;
    lm = negBinLogLik(th.theta, mu, y);
  }
  if (iter > control.maxit) throw cannotEstimate(th.theta, mu, `na ${control.maxit} afwisselingen`);
  if (th.warning !== null) throw cannotEstimate(th.theta, mu, "iteratielimiet bereikt");
  return { ...fit, theta: th.theta, thetaSe: th.se, outerIterations: iter - 1, twoLogLik: 2 * lm };
}
