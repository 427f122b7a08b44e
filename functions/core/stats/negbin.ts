import digamma from "@stdlib/math-base-special-digamma";
import gammaln from "@stdlib/math-base-special-gammaln";
import trigamma from "@stdlib/math-base-special-trigamma";
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
 * Throws TrendModelError when theta runs off to infinity (no overdispersion: use Poisson), when
 * theta.ml or the alternation does not converge, or when an inner fit fails.
 */
export function glmNegBin(data: GlmData, options: NegBinOptions = {}): NegBinFit {
  const control = { ...GLM_CONTROL, ...options.control };
  const label = options.label;
  const { y } = data;
  const n = y.length;
  const p = data.x[0]?.length ?? 0;
  // theta.ml stops at its iteration limit while theta keeps growing when the data show no
  // overdispersion: the likelihood increases all the way to theta = infinity (the Poisson model).
  const thetaTrouble = (th: ThetaEstimate, growing: boolean, cause?: string) =>
    !Number.isFinite(th.theta) || th.theta > THETA_INFINITE || growing
      ? modelError(
          label,
          "theta-infinite",
          "de gegevens spreiden niet meer dan bij een Poisson-verdeling, zodat de spreidingsparameter θ naar oneindig loopt; gebruik een Poisson-model",
        )
      : modelError(
          label,
          "no-convergence",
          `de spreidingsparameter θ convergeert niet (${cause ?? "iteratielimiet bereikt"})`,
        );
  const estimateTheta = (mu: readonly number[]) => {
    const th = thetaMl(y, mu, control.maxit);
    if (!Number.isFinite(th.theta) || th.theta > THETA_INFINITE) throw thetaTrouble(th, true);
    if (th.warning === "truncated-at-zero") throw thetaTrouble(th, false, "θ zou negatief worden");
    return th;
  };

  let fit: IrlsFit = irls(data, poissonLog, { control, label });
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
  if (iter > control.maxit) throw thetaTrouble(th, del < 0, `na ${control.maxit} afwisselingen`);
  if (th.warning !== null) throw thetaTrouble(th, th.step > 0);
  return { ...fit, theta: th.theta, thetaSe: th.se, outerIterations: iter - 1, twoLogLik: 2 * lm };
}
