import { inverse, Matrix, QrDecomposition } from "ml-matrix";
import { modelError } from "./errors.ts";
import type { Family } from "./families.ts";

/** Convergence settings, as R's glm.control(): |dev - devold| / (|dev| + 0.1) < epsilon. */
export interface GlmControl {
  epsilon: number;
  maxit: number;
}

export const GLM_CONTROL: Readonly<GlmControl> = { epsilon: 1e-8, maxit: 25 };

/** A model's data: design matrix (n × p, row-major), response and optional offset (link scale). */
export interface GlmData {
  readonly x: readonly (readonly number[])[];
  readonly y: readonly number[];
  readonly offset?: readonly number[] | null;
}

export interface IrlsFit {
  coefficients: number[];
  /**
   * Unscaled covariance (X'WX)^-1, W the working weights of the last iteration: the matrix
   * R's summary.glm uses (dispersion 1 for binomial, Poisson and negative binomial).
   */
  covariance: number[][];
  eta: number[];
  mu: number[];
  deviance: number;
  /** IRLS iterations (R's `fit$iter`). */
  iterations: number;
}

export interface IrlsOptions {
  control?: Partial<GlmControl>;
  /** Starting linear predictor (R's `etastart`); otherwise from the family's initial mu. */
  etastart?: readonly number[];
  /** Dutch label of the model for error messages, e.g. "de duur". */
  label?: string;
}

/** A column whose part orthogonal to the earlier columns is this small (relative) is aliased. */
const ALIASED = 1e-9;

/**
 * Iteratively reweighted least squares for a GLM without prior weights, following R's
 * glm.fit step by step (same start, same working response and weights, same convergence test,
 * same step-halving when the deviance is not finite or mu leaves the family's domain), plus
 * step-halving when the deviance increases. Each weighted least-squares step is solved by a
 * Householder QR decomposition. Throws TrendModelError when the design is singular for the
 * weights or the iteration does not converge within `maxit`.
 */
export function irls(data: GlmData, family: Family, options: IrlsOptions = {}): IrlsFit {
  const { epsilon, maxit } = { ...GLM_CONTROL, ...options.control };
  const label = options.label;
  const { x, y } = data;
  const n = y.length;
  const p = x[0]?.length ?? 0;
  const offset = data.offset ?? new Array<number>(n).fill(0);
  if (x.length !== n || offset.length !== n) throw new Error("irls: x, y and offset differ in length");

  const linear = (beta: readonly number[]) => {
    const eta = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const row = x[i] as readonly number[];
      let s = offset[i] as number;
      for (let j = 0; j < p; j++) s += (row[j] as number) * (beta[j] as number);
      eta[i] = s;
    }
    return eta;
  };
  const deviance = (mu: readonly number[]) => {
    let d = 0;
    for (let i = 0; i < n; i++) d += family.devResid(y[i] as number, mu[i] as number);
    return d;
  };
  const valid = (mu: readonly number[]) => mu.every((m) => family.validMu(m));
  const notConverged = (detail: string) =>
    modelError(label, "no-convergence", `de schatting convergeert niet (${detail})`);

  let eta = options.etastart ? [...options.etastart] : y.map((v) => family.linkfun(family.initialMu(v)));
  let mu = eta.map((e) => family.linkinv(e));
  if (!valid(mu)) throw notConverged("geen geldige startwaarden");
  let devold = deviance(mu);
  let coefold: number[] | null = null;

  for (let iter = 1; iter <= maxit; iter++) {
    const xw = new Matrix(n, p);
    const zw = new Matrix(n, 1);
    const colNorm = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i++) {
      const e = eta[i] as number;
      const m = mu[i] as number;
      const d = family.muEta(e);
      const v = family.variance(m);
      if (!(v > 0) || !Number.isFinite(v)) throw notConverged("variantie 0 of ongeldig");
      const w = Math.sqrt((d * d) / v);
      zw.set(i, 0, (e - (offset[i] as number) + ((y[i] as number) - m) / d) * w);
      const row = x[i] as readonly number[];
      for (let j = 0; j < p; j++) {
        const v2 = (row[j] as number) * w;
        xw.set(i, j, v2);
        colNorm[j] = (colNorm[j] as number) + v2 * v2;
      }
    }
    const qr = new QrDecomposition(xw);
    const r = qr.upperTriangularMatrix;
    for (let j = 0; j < p; j++) {
      if (!(Math.abs(r.get(j, j)) > ALIASED * Math.sqrt(colNorm[j] as number)))
        throw modelError(
          label,
          "singular",
          "de verklarende variabelen zijn niet van elkaar te scheiden (singuliere designmatrix)",
        );
    }
    let start = qr.solve(zw).getColumn(0);
    if (!start.every(Number.isFinite)) throw notConverged(`niet-eindige coëfficiënten in iteratie ${iter}`);

    eta = linear(start);
    mu = eta.map((e) => family.linkinv(e));
    let dev = deviance(mu);

    // Step-halving towards the previous coefficients: for a non-finite deviance and for mu
    // outside the family's domain (as R), and for an increase of the deviance.
    const halve = (bad: () => boolean, what: string): boolean => {
      if (!bad()) return false;
      if (coefold === null) throw notConverged("geen geldige coëfficiënten gevonden");
      const previous = coefold;
      for (let ii = 1; bad(); ii++) {
        if (ii > maxit) throw notConverged(`stapverkleining helpt niet (${what})`);
        start = start.map((b, j) => (b + (previous[j] as number)) / 2);
        eta = linear(start);
        mu = eta.map((e) => family.linkinv(e));
        dev = deviance(mu);
      }
      return true;
    };
    halve(() => !Number.isFinite(dev), "deviantie niet eindig");
    halve(() => !valid(mu), "verwachting buiten het domein");
    // An increase can only be judged against a previous fit: the start (mu from y) is not one, and
    // its deviance is usually far below the first fit's. After halving an increase, iterate once
    // more rather than take "no change" for convergence.
    const increased =
      coefold !== null &&
      halve(() => (dev - devold) / (Math.abs(dev) + 0.1) >= epsilon, "deviantie neemt toe");

    if (!increased && Math.abs(dev - devold) / (Math.abs(dev) + 0.1) < epsilon) {
      const rinv = inverse(r);
      const covariance = rinv.mmul(rinv.transpose()).to2DArray();
      return { coefficients: start, covariance, eta, mu, deviance: dev, iterations: iter };
    }
    devold = dev;
    coefold = start;
  }
  throw notConverged(`na ${maxit} iteraties`);
}
