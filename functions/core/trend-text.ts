/**
 * The trend analysis in plain Dutch, in the words of the seed study ("significant lager dan in
 * periode 0", "niet significant"), with Dutch number formatting. Used by `vbm-monitor trend`;
 * the sentences are meant to be reusable by the national report.
 */
import type {
  Period,
  TrendModelId,
  TrendModelOk,
  TrendModelOutput,
  TrendResult,
  TrendSlope,
  TrendTerm,
} from "./trend.ts";

/** Significance level of the sentences. */
export const ALPHA = 0.05;

const ratioFormat = new Intl.NumberFormat("nl-NL", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const slopeFormat = new Intl.NumberFormat("nl-NL", { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const pFormat = new Intl.NumberFormat("nl-NL", { minimumFractionDigits: 3, maximumFractionDigits: 3 });

/** A ratio with two decimals (0,71); below 0,01 three significant digits, from 1000 whole numbers. */
export function formatRatio(x: number, digits: "ratio" | "slope" = "ratio"): string {
  if (x >= 1000)
    return new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 0, useGrouping: false }).format(x);
  if (x !== 0 && x < 0.01) return new Intl.NumberFormat("nl-NL", { maximumSignificantDigits: 3 }).format(x);
  return (digits === "slope" ? slopeFormat : ratioFormat).format(x);
}

/** "p < 0,001" or "p = 0,012". */
export function formatP(p: number): string {
  return p < 0.001 ? "p < 0,001" : `p = ${pFormat.format(p)}`;
}

/** "(IRR 0,71; 95%-BI 0,60–0,84; p < 0,001)". */
export function formatEstimate(name: string, t: TrendSlope, digits: "ratio" | "slope" = "ratio"): string {
  return `(${name} ${formatRatio(t.estimate, digits)}; 95%-BI ${formatRatio(t.ciLow, digits)}–${formatRatio(
    t.ciHigh,
    digits,
  )}; ${formatP(t.p)})`;
}

/** Subject and the words for lower/higher per model. */
const WORDING: Record<TrendModelId, { subject: string; lower: string; higher: string; name: string }> = {
  "seclusion-count": {
    subject: "Het aantal afzonderingen per gemiddelde bezetting",
    lower: "lager",
    higher: "hoger",
    name: "IRR",
  },
  "seclusion-count-slope": {
    subject: "Het aantal afzonderingen per gemiddelde bezetting (rekening houdend met de trend per maand)",
    lower: "lager",
    higher: "hoger",
    name: "IRR",
  },
  "seclusion-duration": {
    subject: "De duur van de afzonderingen",
    lower: "korter",
    higher: "langer",
    name: "ratio",
  },
  "isolation-room": {
    subject: "De kans dat een afzondering in een isoleer-/separeerruimte plaatsvond",
    lower: "kleiner",
    higher: "groter",
    name: "OR",
  },
};

const periodNumber = (label: string) => label.replace(/^P/, "");

/**
 * One sentence per period term, e.g. "Het aantal afzonderingen per gemiddelde bezetting was in
 * periode 2 significant lager dan in periode 0 (IRR 0,71; 95%-BI 0,60–0,84; p < 0,001)."
 */
export function termSentence(model: Pick<TrendModelOk, "id">, t: TrendTerm, reference = "P0"): string {
  const w = WORDING[model.id];
  const where = `in periode ${periodNumber(t.period)}`;
  const ref = `in periode ${periodNumber(reference)}`;
  const verdict =
    t.p < ALPHA
      ? `significant ${t.estimate < 1 ? w.lower : w.higher} dan ${ref}`
      : `niet significant anders dan ${ref}`;
  return `${w.subject} was ${where} ${verdict} ${formatEstimate(w.name, t)}.`;
}

/** The within-period slope in words: "each consecutive month significantly fewer" or not. */
export function slopeSentence(s: TrendSlope): string {
  const verdict =
    s.p < ALPHA
      ? `nam binnen de perioden elke volgende maand significant ${s.estimate < 1 ? "af" : "toe"}`
      : "veranderde binnen de perioden van maand tot maand niet significant";
  return `Het aantal afzonderingen per gemiddelde bezetting ${verdict} ${formatEstimate("IRR per maand", s, "slope")}.`;
}

const MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"];
/** "okt 2019". */
export function monthName(month: string): string {
  return `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}
export function periodText(p: Period): string {
  return p.from === p.to ? monthName(p.from) : `${monthName(p.from)} t/m ${monthName(p.to)}`;
}

const DROP_REASON = {
  "no-variation": "de uitkomst varieert daar niet",
  "empty-level": "er zijn geen metingen",
} as const;

function modelLines(m: TrendModelOutput, reference: string): string[] {
  const title = `${m.label.charAt(0).toUpperCase()}${m.label.slice(1)} (${m.id})`;
  if (m.status === "failed") return [title, `  Niet geschat: ${m.error}`];
  const lines = [title];
  const unit =
    m.id === "seclusion-count" || m.id === "seclusion-count-slope" ? "locatie-maanden" : "afzonderingen";
  const theta = m.theta === undefined ? "" : `, θ = ${formatRatio(m.theta)}`;
  const omitted = m.omitted > 0 ? `; ${m.omitted} zonder eindtijd weggelaten` : "";
  lines.push(`  n = ${m.n} ${unit}${theta}${omitted}; ${m.locations.length} locaties als vaste factor.`);
  if (m.note) lines.push(`  ${m.note}`);
  for (const t of m.terms) lines.push(`  ${termSentence(m, t, reference)}`);
  if (m.slope) lines.push(`  ${slopeSentence(m.slope)}`);
  for (const d of m.dropped)
    lines.push(
      `  Locatie ${d.level} is weggelaten (${d.rows} ${d.rows === 1 ? "meting" : "metingen"}): ${DROP_REASON[d.reason]}, dus er is geen schatting voor.`,
    );
  return lines;
}

/** The whole analysis for the terminal. */
export function formatTrend(result: TrendResult): string {
  const lines: string[] = [];
  lines.push(
    `Trendanalyse gedwongen afzonderen, ${result.from} t/m ${result.to} (landelijk, per locatie gecorrigeerd)`,
  );
  lines.push("");
  lines.push("Perioden:");
  for (const p of result.periods)
    lines.push(
      `  Periode ${periodNumber(p.label)}${p.label === "P0" ? " (referentie)" : ""}: ${periodText(p)} — ${p.locationMonths} locatie-maanden, ${p.seclusions} afzonderingen`,
    );
  lines.push("");
  const reference = result.periods[0]?.label ?? "P0";
  for (const m of result.models) {
    lines.push(...modelLines(m, reference));
    lines.push("");
  }
  lines.push(
    "Zo leest u dit: een IRR of ratio onder 1 betekent minder (of korter) dan in periode 0, boven 1 meer; een OR onder 1 een kleinere kans. Significant: p < 0,05 (tweezijdig, Wald). Maanden buiten de perioden tellen niet mee.",
  );
  const failed = result.models.filter((m) => m.status === "failed");
  if (failed.length > 0) {
    lines.push("");
    lines.push(
      `Let op: ${failed.length === 1 ? "het model" : "de modellen"} ${failed.map((m) => m.id).join(", ")} ${
        failed.length === 1 ? "kon" : "konden"
      } niet worden geschat; daarvoor staan hierboven geen getallen.`,
    );
  }
  return lines.join("\n");
}
