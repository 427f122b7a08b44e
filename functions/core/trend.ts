/**
 * The trend analysis of seclusion over time (the seed study's "Resultaten 1"): for a range of
 * quarters and a list of periods of months, the data come from the reviewed SQL
 * (`queries/trend_*.sql`, on DuckDB locally and Athena on AWS) and the models from the
 * statistics engine (`./stats`), each a GLM with the period as a factor (reference: the first
 * period) and the location as a factor (fixed effects):
 *
 * - `seclusion-count`: NB2 (log link, θ by ML as MASS::glm.nb), response the number of
 *   seclusions (codebook category of types 6–11) of a location-month, offset log(average
 *   occupancy). One observation per delivered location-month with occupancy > 0: a delivered
 *   month without seclusions is a 0, an undelivered quarter's month or a month without
 *   occupancy is left out.
 * - `seclusion-count-slope`: the same plus the month within the period (0, 1, …) as a linear
 *   term: the monthly change within a period.
 * - `seclusion-duration`: NB2 on the duration in minutes of each seclusion with an end.
 * - `isolation-room`: logistic, response 1 when a seclusion took place in an
 *   isolation/seclusion room (types 6–7), over all seclusions.
 *
 * When θ cannot be estimated and the counts show no overdispersion (the rule of `glmNegBin`,
 * the same for every NB model: the NB fit is no better than the Poisson fit), the NB2 model is
 * the Poisson model: that is fitted instead, with `family: "poisson"` and a `note`.
 *
 * Months outside every period are left out. A location whose outcome does not vary within a
 * model (e.g. no seclusion at all, or never an isolation room) has no finite fixed effect; it
 * is left out of that model and named under `dropped` (in the limit, its rows carry no
 * information about the period effects). A model that cannot be estimated gets a Dutch `error`
 * and no numbers; the other models are still reported.
 */
import { bindParams, loadQuery } from "../../queries/index.ts";
import { type Codebook, codebookFor } from "../../schemas/codebook.ts";
import { monthId, quarterId } from "../../schemas/delivery.ts";
import { monthRange, quarterBounds } from "../../schemas/quarter.ts";
import { BrokenObjectError, UserError } from "../errors.ts";
import type { QueryEngine, Row } from "../ports.ts";
import { brokenInScope, brokenMessage } from "./current.ts";
import {
  type DataRow,
  type DroppedLevel,
  type FactorTerm,
  fitTrendModel,
  type TermEstimate,
  TrendModelError,
  type TrendModelResult,
  type TrendModelSpec,
} from "./stats/index.ts";

/** A period of whole months, `from`..`to` inclusive (`YYYY-MM`); labelled P0, P1, … in order. */
export interface Period {
  label: string;
  from: string;
  to: string;
}

/** The room id of the codebook's isolation/seclusion rooms (types 6 and 7). */
export const ISOLATION_ROOM = "isoleer_separeerruimte";
/** At most this many periods (a period is a factor level; more makes no readable analysis). */
export const MAX_PERIODS = 12;

const PERIOD_EXAMPLE = "--periods 2019-10..2020-03,2020-09..2021-08";

/**
 * Parses `--periods A..B,C..D,…` (each `YYYY-MM..YYYY-MM`): at least two periods, each with
 * its start on or before its end, in time order without overlap, all within the quarters
 * `from`..`to`. Throws a UserError with a Dutch message naming what is wrong.
 */
export function parsePeriods(text: string, range: { from: string; to: string }): Period[] {
  const spec = text.trim();
  if (!spec) throw new UserError(`Geef de perioden op, bijv. ${PERIOD_EXAMPLE}.`);
  const first = quarterBounds(range.from).first.slice(0, 7);
  const last = quarterBounds(range.to).last.slice(0, 7);
  const parts = spec.split(",").map((p) => p.trim());
  const periods: Period[] = [];
  parts.forEach((part, k) => {
    const m = /^(\d{4}-\d{2})\s*\.\.\s*(\d{4}-\d{2})$/.exec(part);
    if (!m)
      throw new UserError(
        `Periode ${k + 1} ("${part}") is geen reeks maanden: schrijf JJJJ-MM..JJJJ-MM, bijv. ${PERIOD_EXAMPLE}.`,
      );
    const [, from = "", to = ""] = m;
    for (const month of [from, to])
      if (!monthId.safeParse(month).success)
        throw new UserError(
          `Periode ${k + 1} ("${part}"): "${month}" is geen maand (JJJJ-MM, maand 01 t/m 12).`,
        );
    if (to < from)
      throw new UserError(
        `Periode ${k + 1} ("${part}") eindigt vóór het begin: schrijf de eerste maand eerst.`,
      );
    if (from < first || to > last)
      throw new UserError(
        `Periode ${k + 1} ("${part}") valt buiten --from ${range.from} --to ${range.to} (${first} t/m ${last}).`,
      );
    const previous = periods[k - 1];
    if (previous && from <= previous.to)
      throw new UserError(
        `Periode ${k + 1} ("${part}") begint niet na periode ${k} (${previous.from}..${previous.to}): geef de perioden in volgorde en zonder overlap.`,
      );
    periods.push({ label: `P${k}`, from, to });
  });
  if (periods.length < 2)
    throw new UserError(
      `Geef minstens twee perioden op (de eerste is de referentie), bijv. ${PERIOD_EXAMPLE}.`,
    );
  if (periods.length > MAX_PERIODS) throw new UserError(`Geef hoogstens ${MAX_PERIODS} perioden op.`);
  return periods;
}

/** Checks `--from`/`--to` (quarters, from ≤ to). */
export function checkQuarterRange(from: string, to: string): void {
  for (const q of [from, to])
    if (!quarterId.safeParse(q).success)
      throw new UserError(`"${q}" is geen kwartaal: schrijf JJJJ-Qn, bijv. 2019-Q4.`);
  if (to < from) throw new UserError(`--to ${to} ligt vóór --from ${from}.`);
}

/** Months from a to b inclusive (0 when equal). */
function monthsBetween(a: string, b: string): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}

/** The period of a month and the month's index within it (0 = first month), or null when outside. */
export function periodOf(
  month: string,
  periods: readonly Period[],
): { period: string; monthInPeriod: number } | null {
  const p = periods.find((x) => month >= x.from && month <= x.to);
  return p ? { period: p.label, monthInPeriod: monthsBetween(p.from, month) } : null;
}

/** One delivered location-month with occupancy (trend_location_months.sql). */
export interface LocationMonth {
  location: string;
  month: string;
  quarter: string;
  scope: "all" | "seclusion";
  occupancy: number;
  seclusions: number;
}

/** Seclusion measures with the same location, month, duration, type and room (trend_measures.sql). */
export interface SeclusionMeasures {
  location: string;
  month: string;
  /** Whole minutes; null without an end. */
  durationMin: number | null;
  typeCode: number;
  room: string | null;
  n: number;
}

export interface TrendData {
  locationMonths: LocationMonth[];
  measures: SeclusionMeasures[];
}

/** The rows the models are fitted on (the same columns as test/fixtures/trend/*.csv). */
export interface CountRow {
  location: string;
  month: string;
  period: string;
  monthInPeriod: number;
  occupancy: number;
  seclusions: number;
}
export interface MeasureRow {
  location: string;
  month: string;
  period: string;
  /** null = no end: left out of the duration model only. */
  durationMin: number | null;
  /** 1 = isolation/seclusion room (types 6–7). */
  isolation: 0 | 1;
}

/**
 * The model rows: location-months and seclusions (one row per measure) whose month lies in a
 * period, with its label and the month's index within it. Months outside every period are left
 * out.
 */
export function assembleTrendRows(
  data: TrendData,
  periods: readonly Period[],
): { months: CountRow[]; measures: MeasureRow[] } {
  const months: CountRow[] = [];
  for (const lm of data.locationMonths) {
    const at = periodOf(lm.month, periods);
    if (!at) continue;
    months.push({
      location: lm.location,
      month: lm.month,
      period: at.period,
      monthInPeriod: at.monthInPeriod,
      occupancy: lm.occupancy,
      seclusions: lm.seclusions,
    });
  }
  const measures: MeasureRow[] = [];
  for (const m of data.measures) {
    const at = periodOf(m.month, periods);
    if (!at) continue;
    const row: MeasureRow = {
      location: m.location,
      month: m.month,
      period: at.period,
      durationMin: m.durationMin,
      isolation: m.room === ISOLATION_ROOM ? 1 : 0,
    };
    for (let i = 0; i < m.n; i++) measures.push({ ...row });
  }
  return { months, measures };
}

/** The category id of the codebook's seclusion types (those with a room). */
export function seclusionCategory(codebook: Codebook): string {
  const categories = [...new Set(codebook.types.filter((t) => t.seclusion).map((t) => t.category))];
  if (categories.length !== 1)
    throw new Error(
      `codebook ${codebook.version}: expected one category of seclusion types, found ${categories.length}`,
    );
  return categories[0] as string;
}

function refuseBroken(engine: QueryEngine, range: { from: string; to: string }): void {
  const broken = brokenInScope(engine.broken, { ...range, location: null });
  if (broken.length > 0)
    throw new BrokenObjectError(
      broken,
      brokenMessage(broken, `de gegevens van alle locaties over ${range.from} t/m ${range.to}`),
    );
}

const text = (r: Row, c: string): string => {
  const v = r[c];
  if (typeof v !== "string") throw new Error(`column ${c}: expected text, got ${String(v)}`);
  return v;
};
const number = (r: Row, c: string): number => {
  const v = r[c];
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new Error(`column ${c}: expected a number, got ${String(v)}`);
  return v;
};

/** Runs trend_location_months.sql and trend_measures.sql over the quarters `from`..`to`. */
export async function loadTrendData(
  engine: QueryEngine,
  range: { from: string; to: string },
): Promise<TrendData> {
  refuseBroken(engine, range);
  const values = {
    from: range.from,
    to: range.to,
    seclusionCategory: seclusionCategory(codebookFor(quarterBounds(range.from).first)),
  };
  const run = (name: string) => engine.query(loadQuery(name), bindParams(name, values));
  const [monthRows, measureRows] = await Promise.all([run("trend_location_months"), run("trend_measures")]);
  return {
    locationMonths: monthRows.map((r) => {
      const scope = text(r, "scope");
      if (scope !== "all" && scope !== "seclusion") throw new Error(`unknown scope ${scope}`);
      return {
        location: text(r, "location"),
        month: text(r, "month"),
        quarter: text(r, "quarter"),
        scope,
        occupancy: number(r, "occupancy"),
        seclusions: number(r, "seclusions"),
      };
    }),
    measures: measureRows.map((r) => ({
      location: text(r, "location"),
      month: text(r, "month"),
      durationMin: r.duration_min === null ? null : number(r, "duration_min"),
      typeCode: number(r, "type_code"),
      room: r.room === null ? null : text(r, "room"),
      n: number(r, "n"),
    })),
  };
}

export type TrendModelId =
  | "seclusion-count"
  | "seclusion-count-slope"
  | "seclusion-duration"
  | "isolation-room";

/** One period term: the ratio against the reference period with its 95% Wald interval. */
export interface TrendTerm {
  period: string;
  /** exp(coefficient): incidence-rate ratio (count, duration) or odds ratio (isolation room). */
  estimate: number;
  ciLow: number;
  ciHigh: number;
  /** Two-sided Wald p-value. */
  p: number;
  /** The coefficient on the log scale, its standard error and z. */
  coefficient: number;
  se: number;
  z: number;
}

/** The within-period monthly slope (seclusion-count-slope only): the ratio per month. */
export type TrendSlope = Omit<TrendTerm, "period">;

interface TrendModelBase {
  id: TrendModelId;
  /** Dutch noun phrase, e.g. "het aantal afzonderingen per gemiddelde bezetting". */
  label: string;
  /** "poisson" only when the NB model's θ runs to infinity (no overdispersion); see `note`. */
  family: "negbin" | "poisson" | "binomial";
  /** What `estimate` is: "IRR" (NB models) or "OR" (logistic). */
  ratio: "IRR" | "OR";
}
export interface TrendModelOk extends TrendModelBase {
  status: "ok";
  /** Observations used. */
  n: number;
  /** NB2 θ (Var = μ + μ²/θ) and its standard error; absent for the logistic model. */
  theta?: number;
  thetaSe?: number;
  terms: TrendTerm[];
  slope?: TrendSlope;
  /** Locations left out of this model because their outcome does not vary (see the module doc). */
  dropped: DroppedLevel[];
  /** Locations in the model (fixed effects; the first is the reference). */
  locations: string[];
  /** Rows left out for a missing value (a seclusion without an end, in the duration model). */
  omitted: number;
  deviance: number;
  /** Dutch remark on how the model was fitted, e.g. the fallback to Poisson. */
  note?: string;
}
export interface TrendModelFailed extends TrendModelBase {
  status: "failed";
  /** Dutch: why the model could not be estimated. No numbers are given for it. */
  error: string;
}
export type TrendModelOutput = TrendModelOk | TrendModelFailed;

export interface TrendResult {
  from: string;
  to: string;
  periods: (Period & { months: number; locationMonths: number; seclusions: number })[];
  models: TrendModelOutput[];
}

interface ModelDefinition {
  id: TrendModelId;
  label: string;
  rows: "months" | "measures";
  spec: Omit<TrendModelSpec, "factors" | "label">;
}

/** The models, in output order. */
export const TREND_MODELS: readonly ModelDefinition[] = [
  {
    id: "seclusion-count",
    label: "het aantal afzonderingen per gemiddelde bezetting",
    rows: "months",
    spec: { family: "negbin", response: "seclusions", exposure: "occupancy" },
  },
  {
    id: "seclusion-count-slope",
    label: "het aantal afzonderingen per gemiddelde bezetting, met een trend per maand binnen de periode",
    rows: "months",
    spec: { family: "negbin", response: "seclusions", exposure: "occupancy", covariates: ["monthInPeriod"] },
  },
  {
    id: "seclusion-duration",
    label: "de duur van de afzonderingen",
    rows: "measures",
    spec: { family: "negbin", response: "durationMin" },
  },
  {
    id: "isolation-room",
    label: "de kans op een isoleer-/separeerruimte",
    rows: "measures",
    spec: { family: "binomial", response: "isolation" },
  },
];

/** The `note` of an NB model fitted as Poisson (see `glmNegBin` for when). */
export const POISSON_NOTE =
  "De aantallen spreiden niet meer dan bij een Poisson-verdeling (de spreidingsparameter θ is niet te schatten): geschat als Poisson-model.";

function term(t: TermEstimate): TrendSlope {
  return {
    estimate: t.ratio,
    ciLow: t.ciLow,
    ciHigh: t.ciHigh,
    p: t.p,
    coefficient: t.estimate,
    se: t.se,
    z: t.z,
  };
}

function fitOne(
  def: ModelDefinition,
  rows: readonly DataRow[],
  periods: readonly Period[],
): TrendModelOutput {
  const base = {
    id: def.id,
    label: def.label,
    family: def.spec.family === "binomial" ? "binomial" : "negbin",
    ratio: def.spec.family === "binomial" ? "OR" : "IRR",
  } as const;
  const period: FactorTerm = { column: "period", label: "periode", levels: periods.map((p) => p.label) };
  const location: FactorTerm = { column: "location", label: "locatie", uninformative: "drop" };
  const covariates = def.spec.covariates ?? [];
  const fitWith = (factors: FactorTerm[], family = def.spec.family): TrendModelResult =>
    fitTrendModel(rows, {
      ...def.spec,
      family,
      label: def.label,
      factors,
      report: ["period", ...covariates],
    });
  /** Fits with the location factor, or without it when only one location has data. */
  const fitFamily = (family = def.spec.family): TrendModelResult => {
    try {
      return fitWith([period, location], family);
    } catch (e) {
      // One location (left): a location factor has nothing to compare; fit without it.
      if (!(e instanceof TrendModelError && e.problem === "single-level" && e.factor === "location")) throw e;
      const result = fitWith([period], family);
      result.levels.location = e.level ? [e.level] : [];
      return result;
    }
  };
  try {
    let result: TrendModelResult;
    let note: string | undefined;
    try {
      result = fitFamily();
    } catch (e) {
      // θ cannot be estimated and the data show no overdispersion (glmNegBin's rule, the same
      // for every NB model): the NB2 model is then the Poisson model; fit that, and say so.
      if (!(e instanceof TrendModelError && e.problem === "no-overdispersion")) throw e;
      result = fitFamily("poisson");
      note = POISSON_NOTE;
    }
    const periodTerms = result.terms.filter((t) => t.term === "period");
    const slope = result.terms.find((t) => t.term === "monthInPeriod");
    return {
      ...base,
      family: result.family === "poisson" ? "poisson" : base.family,
      status: "ok",
      n: result.n,
      ...(result.theta === null ? {} : { theta: result.theta, thetaSe: result.thetaSe as number }),
      terms: periodTerms.map((t) => ({ period: t.level as string, ...term(t) })),
      ...(slope ? { slope: term(slope) } : {}),
      dropped: result.dropped,
      locations: result.levels.location ?? [],
      omitted: result.omitted,
      deviance: result.deviance,
      ...(note ? { note } : {}),
    };
  } catch (e) {
    if (e instanceof TrendModelError) return { ...base, status: "failed", error: e.message };
    throw e;
  }
}

/**
 * Fits the trend models (all, or those of `only`, in output order) on the assembled rows; a
 * model that cannot be estimated is `failed`.
 */
export function fitTrendModels(
  rows: { months: readonly CountRow[]; measures: readonly MeasureRow[] },
  periods: readonly Period[],
  only?: readonly TrendModelId[],
): TrendModelOutput[] {
  return TREND_MODELS.filter((def) => !only || only.includes(def.id)).map((def) =>
    fitOne(def, (def.rows === "months" ? rows.months : rows.measures) as unknown as DataRow[], periods),
  );
}

/**
 * The trend analysis over the quarters `from`..`to` for the given periods (see `parsePeriods`).
 * Throws a UserError when the periods hold no delivered location-month with occupancy at all.
 */
export async function buildTrend(
  engine: QueryEngine,
  opts: { from: string; to: string; periods: readonly Period[]; models?: readonly TrendModelId[] },
): Promise<TrendResult> {
  const data = await loadTrendData(engine, opts);
  return trendFromData(data, opts);
}

/** `buildTrend` on data already loaded (`models`: only these, e.g. those a report shows). */
export function trendFromData(
  data: TrendData,
  opts: { from: string; to: string; periods: readonly Period[]; models?: readonly TrendModelId[] },
): TrendResult {
  const rows = assembleTrendRows(data, opts.periods);
  if (rows.months.length === 0 && rows.measures.length === 0)
    throw new UserError(
      `Er zijn geen gegevens voor de trendanalyse: in de perioden (${opts.periods
        .map((p) => `${p.from}..${p.to}`)
        .join(
          ", ",
        )}) is geen locatie-maand geleverd met een bekende bezetting en is geen afzondering geregistreerd. Controleer de perioden, de leveringen (vbm-monitor deliveries) en de bezetting (vbm-monitor occupancy).`,
    );
  return {
    from: opts.from,
    to: opts.to,
    periods: opts.periods.map((p) => ({
      ...p,
      months: monthsBetween(p.from, p.to) + 1,
      locationMonths: rows.months.filter((r) => r.period === p.label).length,
      seclusions: rows.measures.filter((r) => r.period === p.label).length,
    })),
    models: fitTrendModels(rows, opts.periods, opts.models),
  };
}

/** A measure group of the monthly rates: a category of the codebook, or every type. */
export interface MonthlyRate {
  month: string;
  /** Category id, or "all" for all types together. */
  group: string;
  label: string;
  measures: number;
  /** Summed average occupancy of the location-months that count for this group. */
  occupancy: number;
  /** Measures per 10 places of average occupancy in this month; null without occupancy. */
  per10: number | null;
}

/**
 * The occupancy-corrected monthly rate per measure group (trend_monthly_rates.sql), for every
 * month of `from`..`to` and every category of the codebook plus "all": a category other than
 * seclusion (and "all") over the location-months delivered with all types, seclusion over those
 * delivered with all types or seclusion only. Location-months without occupancy are left out
 * of numerator and denominator.
 */
export async function monthlyRates(
  engine: QueryEngine,
  range: { from: string; to: string },
): Promise<MonthlyRate[]> {
  refuseBroken(engine, range);
  const name = "trend_monthly_rates";
  const rows = await engine.query(loadQuery(name), bindParams(name, range));
  const codebook = codebookFor(quarterBounds(range.from).first);
  const seclusion = seclusionCategory(codebook);
  const occupancy = new Map<string, number>();
  const measures = new Map<string, number>();
  for (const r of rows) {
    const key = `${text(r, "month")}|${text(r, "scope")}`;
    if (text(r, "kind") === "occupancy") occupancy.set(key, number(r, "occupancy"));
    else measures.set(`${key}|${text(r, "category")}`, number(r, "measures"));
  }
  const dataCategories = [...measures.keys()].map((k) => k.split("|")[2] as string);
  const groups = [
    ...codebook.categories.map((c) => ({ id: c.id, label: c.label })),
    ...[...new Set(dataCategories)]
      .filter((c) => !codebook.categories.some((x) => x.id === c))
      .map((c) => ({ id: c, label: c })),
  ];
  const out: MonthlyRate[] = [];
  for (const month of monthRange(range.from, range.to)) {
    const occ = (scope: string) => occupancy.get(`${month}|${scope}`) ?? 0;
    const count = (scope: string, category: string) => measures.get(`${month}|${scope}|${category}`) ?? 0;
    const rate = (group: string, label: string, n: number, o: number): MonthlyRate => ({
      month,
      group,
      label,
      measures: n,
      occupancy: o,
      per10: o > 0 ? (n * 10) / o : null,
    });
    out.push(
      rate(
        "all",
        "Alle maatregelen",
        groups.reduce((s, g) => s + count("all", g.id), 0),
        occ("all"),
      ),
    );
    for (const g of groups) {
      const withSeclusionOnly = g.id === seclusion;
      out.push(
        rate(
          g.id,
          g.label,
          count("all", g.id) + (withSeclusionOnly ? count("seclusion", g.id) : 0),
          occ("all") + (withSeclusionOnly ? occ("seclusion") : 0),
        ),
      );
    }
  }
  return out;
}

/**
 * What the national report's "Verloop in de tijd" needs: the monthly rates per measure group
 * and the trend models, from one engine (one snapshot).
 */
export async function trendForReport(
  engine: QueryEngine,
  opts: { from: string; to: string; periods: readonly Period[] },
): Promise<{ rates: MonthlyRate[]; trend: TrendResult }> {
  const rates = await monthlyRates(engine, opts);
  const trend = await buildTrend(engine, opts);
  return { rates, trend };
}
