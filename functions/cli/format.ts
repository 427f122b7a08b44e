import type { FiguresModel } from "../../schemas/figures.ts";
import { quarterMonths, quarterRange } from "../../schemas/quarter.ts";
import { quarterRate } from "../reports/figures-text.ts";

export { formatReport } from "../reports/validation-text.ts";

/** Minutes as `h:mm` (as the national reports write durations). */
export function hmm(minutes: number): string {
  const total = Math.round(minutes);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

const pct = (share: number) => `${(share * 100).toFixed(1).replace(".", ",")}%`;
const num = (n: number, digits = 1) => n.toFixed(digits).replace(".", ",");

/**
 * The figures model as a short Dutch summary for the terminal. `rejected`: the cells
 * (`"LOC QUARTER"`) without an accepted delivery whose latest attempt was rejected.
 */
export function formatFigures(m: FiguresModel, opts: { rejected?: ReadonlySet<string> } = {}): string {
  const lines: string[] = [];
  const scope = m.location ? `locatie ${m.location}` : "landelijk";
  lines.push(`Cijfers ${scope}, ${m.from === m.to ? m.from : `${m.from} t/m ${m.to}`}`);
  lines.push("");
  const counts = { all: 0, seclusion: 0, missing: 0, zero: 0 };
  for (const d of m.deliveries) {
    if (d.status === "missing") counts.missing++;
    else if (d.rows === 0) counts.zero++;
    else counts[d.status]++;
  }
  lines.push(
    `Leveringen: ${counts.all} alle typen, ${counts.seclusion} alleen afzonderen, ${counts.zero} nullevering, ${counts.missing} ontbrekend.`,
  );
  // Who is missing is named, not only counted (and which of them tried but were rejected).
  const missing = m.deliveries.filter((d) => d.status === "missing");
  const name = (d: { location: string; quarter: string }, what: string) =>
    `${what}${opts.rejected?.has(`${d.location} ${d.quarter}`) ? " (afgewezen)" : ""}`;
  if (missing.length > 0 && m.location)
    lines.push(`  Ontbreekt: ${missing.map((d) => name(d, d.quarter)).join(", ")}`);
  else
    for (const q of [...new Set(missing.map((d) => d.quarter))].sort())
      lines.push(
        `  Ontbreekt ${q}: ${missing
          .filter((d) => d.quarter === q)
          .map((d) => name(d, d.location))
          .sort()
          .join(", ")}`,
      );
  if (opts.rejected && opts.rejected.size > 0)
    lines.push("  (afgewezen: er kwam een bestand, maar het is afgekeurd; zie vbm-monitor deliveries)");
  lines.push(
    `Maatregelen: ${m.total}, bij ${m.uniqueYouth} ${m.uniqueYouth === 1 ? "unieke jongere" : "unieke jongeren"}.`,
  );
  lines.push("");
  lines.push("Per maand:");
  for (const b of m.byMonth) lines.push(`  ${b.month}  ${String(b.count).padStart(6)}`);
  lines.push("");
  // A share uses a denominator of its numerator's scope: shares of all measures only over the
  // deliveries with all types; seclusion types also within seclusion, over every delivery.
  const seclusionOnly = m.total - m.allScopeTotal;
  if (m.allScopeTotal > 0 || seclusionOnly === 0) {
    lines.push(
      `Per categorie (aantal en aandeel van alle maatregelen, bij locaties die alle typen leverden: ${m.allScopeTotal}):`,
    );
    for (const c of m.byCategory)
      lines.push(`  ${c.label.padEnd(30)} ${String(c.allScopeCount).padStart(6)}  ${pct(c.share)}`);
    if (seclusionOnly > 0)
      lines.push(
        `  (${seclusionOnly} keer afzonderen uit leveringen van alleen afzonderen telt hier niet mee)`,
      );
    lines.push("");
  }
  const seclusionTypes = m.byType.filter((t) => t.seclusionShare !== null);
  const seclusionTotal = seclusionTypes.reduce((a, t) => a + t.count, 0);
  if (seclusionTotal > 0) {
    lines.push(
      `Gedwongen afzonderen per type (aandeel binnen afzonderen, alle leveringen met afzonderen: ${seclusionTotal}):`,
    );
    for (const t of seclusionTypes)
      lines.push(
        `  ${`${t.type} ${t.label}`.slice(0, 30).padEnd(30)} ${String(t.count).padStart(6)}  ${pct(t.seclusionShare ?? 0)}`,
      );
  }
  lines.push("");
  lines.push("Duur per type (alleen maatregelen met een einde; u:mm):");
  lines.push(
    `  ${"type".padEnd(56)} ${"n".padStart(5)} ${"min".padStart(6)} ${"max".padStart(6)} ${"gem.".padStart(6)} ${"mediaan".padStart(8)}`,
  );
  for (const d of m.duration)
    lines.push(
      `  ${`${d.type} ${d.label}`.slice(0, 56).padEnd(56)} ${String(d.n).padStart(5)} ${hmm(d.min).padStart(6)} ${hmm(d.max).padStart(6)} ${hmm(d.mean).padStart(6)} ${hmm(d.median).padStart(8)}`,
    );
  lines.push("");
  const cpTotal = m.carePlan.yes + m.carePlan.no + m.carePlan.unknown || 1;
  lines.push(
    `In het hulpverleningsplan: ja ${pct(m.carePlan.yes / cpTotal)}, nee ${pct(m.carePlan.no / cpTotal)}, niet geregistreerd ${pct(m.carePlan.unknown / cpTotal)}.`,
  );
  const most = m.youthFrequency.at(-1);
  if (most) lines.push(`Aantal maatregelen per jongere: 1 tot ${most.measures}.`);
  // Rates in one unit, the same as the factsheet and the national report: per quarter.
  const perQuarter = quarterRange(m.from, m.to).map((q) => {
    const months = new Set(quarterMonths(q));
    const rates = m.rates.filter((r) => months.has(r.month));
    return { q, all: quarterRate(rates, "all").per10, seclusion: quarterRate(rates, "seclusion").per10 };
  });
  if (perQuarter.some((r) => r.all !== null || r.seclusion !== null)) {
    const show = (v: number | null) => (v === null ? "–" : num(v)).padStart(12);
    lines.push("");
    lines.push("Maatregelen per 10 plaatsen per kwartaal (gemiddelde bezetting):");
    lines.push(`  ${"kwartaal".padEnd(8)} ${"alle typen".padStart(12)} ${"afzonderen".padStart(12)}`);
    for (const r of perQuarter) lines.push(`  ${r.q.padEnd(8)} ${show(r.all)} ${show(r.seclusion)}`);
    lines.push(
      "  (alle typen: locaties die alle typen leverden; afzonderen: ook locaties die alleen afzonderen leverden)",
    );
  }
  lines.push("");
  lines.push(
    `Datakwaliteit: ${m.dataQuality.missingEnd} zonder eindtijd, ${m.dataQuality.zeroDuration} met duur 0, ${m.dataQuality.carePlanUnknown} zonder antwoord hulpverleningsplan.`,
  );
  return lines.join("\n");
}
