/**
 * The national report over any range of quarters: the national figures after disclosure control
 * (small counts as `<5`, cells hidden to protect them as `x`, shares and statistics that may not
 * be shown as `–`), trends per quarter
 * corrected for occupancy, which locations delivered what, and a short method section.
 *
 * Only the PROTECTED figures are read for counts. From the unprotected input (`range`) only the
 * period, the delivery matrix (delivering, not measures), the date and the threshold are used.
 * No count of measures per location appears anywhere in this report.
 */

import type { Cell, NationalReportInput, ProtectedFigures } from "../../schemas/documents.ts";
import { quarterRange } from "../../schemas/quarter.ts";
import type { ReportTrend } from "../core/trend-report.ts";
import { formatP, formatRatio, periodText, termSentence } from "../core/trend-text.ts";
import { type Block, type ReportDocument, toText } from "./blocks.ts";
import {
  carePlanChart,
  distributionChart,
  MAX_LINE_SERIES,
  monthChart,
  monthlyRateChart,
  quarterTrendChart,
  seclusionRoomChart,
  seclusionStartChart,
  startHourChart,
  youthFrequencyChart,
} from "./charts.ts";
import { type DeliveryStatus, protectedRates, quarterRate, STATUS_WORDS } from "./figures-text.ts";
import {
  DASH,
  dateLong,
  formatCell,
  formatCount,
  formatDecimal,
  formatShare,
  hmm,
  monthLong,
  monthShort,
  orDash,
  quarterLong,
  quarterShort,
  rangeLong,
} from "./format.ts";
import { renderPdf } from "./pdf.ts";

export interface NationalReportArgs {
  range: NationalReportInput;
  /** National figures over the whole range, after disclosure control. */
  total: ProtectedFigures;
  /** National figures per quarter in range, after disclosure control. */
  perQuarter: ProtectedFigures[];
  /** "Verloop in de tijd": monthly rates (protected) and the trend models; no section without it. */
  trend?: ReportTrend;
}

export interface RenderedNationalReport {
  pdf: Uint8Array;
  text: string;
}

const STATUS_ORDER: readonly DeliveryStatus[] = ["all", "seclusion", "zero", "missing"];
/** Quarters per block of the delivery matrix (keeps the table within the page width). */
const MATRIX_QUARTERS = 4;

function check(args: NationalReportArgs): number {
  const { range, total, perQuarter } = args;
  const threshold = total.threshold;
  if (range.suppressionThreshold !== threshold)
    throw new Error(
      `national report: figures were protected with threshold ${threshold}, the report input says ${range.suppressionThreshold}`,
    );
  for (const p of perQuarter)
    if (p.threshold !== threshold)
      throw new Error(
        `national report: quarter ${p.from} was protected with threshold ${p.threshold}, not ${threshold}`,
      );
  if (total.location !== null || perQuarter.some((p) => p.location !== null))
    throw new Error("national report: expected national figures (location null), got figures of a location");
  if (total.from !== range.from || total.to !== range.to)
    throw new Error(
      `national report: figures cover ${total.from}..${total.to}, the report ${range.from}..${range.to}`,
    );
  return threshold;
}

/** A cell's value when it may be used in a computation (not suppressed). */
const known = (c: Cell): number | null => (c.suppressed ? null : c.value);

/** Share of a cell in a sum of cells, only when every part is known. */
function shareOfCells(part: Cell, all: readonly Cell[]): string {
  const values = all.map(known);
  const p = known(part);
  if (p === null || values.some((v) => v === null)) return DASH;
  const sum = values.reduce<number>((a, v) => a + (v ?? 0), 0);
  return sum > 0 ? formatShare(p / sum) : DASH;
}

/** The caveat that every figure here is only as complete as the registration behind it. */
export const UNDER_REGISTRATION =
  "Let op: de cijfers zijn zo volledig als de registratie. Niet elke maatregel wordt altijd geregistreerd (onderregistratie), vooral lichtere maatregelen zoals het beperken van activiteiten of bezoek. Het werkelijke aantal kan dus hoger liggen, en een daling kan ook betekenen dat er minder is geregistreerd. Hoe volledig de bestanden waren, staat bij Datakwaliteit.";

/** Months per block of the monthly-rate table (keeps the table within the page width). */
const RATE_MONTHS = 6;

/** Short names of the models in the table. */
const MODEL_NAMES: Record<string, string> = {
  "seclusion-count": "Aantal afzonderingen per bezetting",
  "seclusion-count-slope": "Aantal afzonderingen per bezetting, met trend per maand",
  "seclusion-duration": "Duur van de afzonderingen",
  "isolation-room": "Kans op isoleer-/separeerruimte",
};

/**
 * "Verloop in de tijd": the occupancy-corrected rate per month and measure group (chart and
 * table; a hidden rate is –), the periods, and the trend models in words and in a table. A
 * model that could not be estimated gets its reason and no numbers; without an analysis the
 * section is one line.
 */
async function trendBlocks(t: ReportTrend, threshold: number): Promise<Block[]> {
  const blocks: Block[] = [{ kind: "heading", text: "Verloop in de tijd" }];
  if (t.omitted !== null && t.rates.every((r) => r.per10 === null)) {
    blocks.push({ kind: "paragraph", text: t.omitted });
    return blocks;
  }
  const months = [...new Set(t.rates.map((r) => r.month))];
  const groups = [...new Map(t.rates.map((r) => [r.group, r.label])).entries()];
  const rateOf = (month: string, group: string) =>
    t.rates.find((r) => r.month === month && r.group === group)?.per10 ?? null;
  const label = (v: number | null) => orDash(v, (x) => formatDecimal(x, 1));
  blocks.push({
    kind: "paragraph",
    text: "Per maand het aantal maatregelen per 10 plaatsen gemiddelde bezetting per maand, per groep maatregelen. Alle maatregelen en de groepen buiten gedwongen afzonderen: locaties die alle typen leverden; gedwongen afzonderen: ook de locaties die alleen afzonderen leverden. Een maand zonder bekende bezetting telt niet mee.",
  });
  // Only groups with at least one rate that may be shown get a line: never an empty chart.
  const shown = groups.filter(([g]) => months.some((m) => rateOf(m, g) !== null)).slice(0, MAX_LINE_SERIES);
  if (shown.length > 0)
    blocks.push({
      kind: "chart",
      chart: await monthlyRateChart(
        "nl-monthly-rates",
        months.map(monthShort),
        shown.map(([g, name]) => ({
          name,
          values: months.map((m) => rateOf(m, g)),
          labels: months.map((m) => label(rateOf(m, g))),
        })),
      ),
      data: {
        headers: ["Maand", ...shown.map(([, name]) => name)],
        rows: months.map((m) => [monthLong(m), ...shown.map(([g]) => label(rateOf(m, g)))]),
      },
    });
  for (let i = 0; i < months.length; i += RATE_MONTHS) {
    const chunk = months.slice(i, i + RATE_MONTHS);
    blocks.push({
      kind: "table",
      headers: ["Groep", ...chunk.map(monthShort)],
      rows: groups.map(([g, name]) => [name, ...chunk.map((m) => label(rateOf(m, g)))]),
      ...(i + RATE_MONTHS >= months.length
        ? {
            note: `Maatregelen per 10 plaatsen gemiddelde bezetting per maand. Een – rust op minder dan ${threshold} maatregelen, is verborgen om zo’n klein aantal te beschermen, of de bezetting was niet bekend.`,
          }
        : {}),
    });
  }
  if (t.trend === null) {
    blocks.push({ kind: "paragraph", text: t.omitted ?? "Het verloop in de tijd is niet getoetst." });
    return blocks;
  }
  const reference = t.trend.periods[0]?.label ?? "P0";
  blocks.push({ kind: "subheading", text: "Verschillen tussen perioden bij gedwongen afzonderen" });
  blocks.push({
    kind: "paragraph",
    text: "We vergelijken elke periode met de eerste (de referentie), rekening houdend met de bezetting en met verschillen tussen locaties (elke locatie met zichzelf vergeleken). Significant betekent: p kleiner dan 0,05.",
  });
  blocks.push({
    kind: "bullets",
    items: t.trend.periods.map(
      (p, i) => `Periode ${i}${p.label === reference ? " (referentie)" : ""}: ${periodText(p)}`,
    ),
  });
  const sentences: string[] = [];
  const rows: string[][] = [];
  for (const m of t.trend.models) {
    const name = MODEL_NAMES[m.id] ?? m.label;
    if (m.status === "failed") {
      sentences.push(`${name}: niet geschat: ${m.error} Daarom staan er geen getallen voor.`);
      continue;
    }
    for (const term of m.terms) {
      sentences.push(termSentence(m, term, reference));
      rows.push([
        name,
        term.period.replace(/^P/, ""),
        formatRatio(term.estimate),
        `${formatRatio(term.ciLow)}–${formatRatio(term.ciHigh)}`,
        formatP(term.p).replace(/^p = /, "").replace(/^p /, ""),
      ]);
    }
  }
  blocks.push({ kind: "bullets", items: sentences });
  if (rows.length > 0)
    blocks.push({
      kind: "table",
      headers: ["Uitkomst", "Periode", "Ratio", "95%-interval", "p"],
      rows,
      note: "Ratio tegenover periode 0: onder 1 minder (korter, kleinere kans), boven 1 meer. Aantal: negatief-binomiaal model met de bezetting als noemer; duur: negatief-binomiaal model op de minuten per afzondering; ruimte: logistisch model (odds ratio). Locatie als vaste factor.",
    });
  return blocks;
}

/** The national report as blocks (shared by PDF and text). */
export async function buildNationalReport(args: NationalReportArgs): Promise<ReportDocument> {
  const threshold = check(args);
  const { range, total } = args;
  const cell = (c: Cell) => formatCell(c, threshold);
  const quarters = quarterRange(range.from, range.to);
  const perQuarter = quarters.map((q) => args.perQuarter.find((p) => p.from === q && p.to === q) ?? null);
  const locations = [...new Set(range.matrix.map((m) => m.location))].sort();
  const statusOf = (location: string, quarter: string): DeliveryStatus =>
    range.matrix.find((m) => m.location === location && m.quarter === quarter)?.status ?? "missing";
  const period = rangeLong(range.from, range.to);
  const rangeShort =
    range.from === range.to
      ? quarterShort(range.from)
      : `${quarterShort(range.from)} t/m ${quarterShort(range.to)}`;
  const blocks: Block[] = [];

  // ---- Key figures ----------------------------------------------------------------------
  const overall = quarterRate(protectedRates(total), "all");
  const delivered = range.matrix.filter((m) => m.status !== "missing").length;
  blocks.push({
    kind: "figures",
    items: [
      { label: "maatregelen", value: cell(total.total), note: period },
      { label: "unieke jongeren", value: cell(total.uniqueYouth), note: "met minstens één maatregel" },
      {
        label: "maatregelen per 10 plaatsen per kwartaal",
        value: orDash(overall.per10, (v) => formatDecimal(v, 1)),
        note: "gemiddeld, locaties die alle typen leverden",
      },
      {
        label: "leveringen ontvangen",
        value: `${formatCount(delivered)} van ${formatCount(range.matrix.length)}`,
        note: `${formatCount(locations.length)} locaties × ${formatCount(quarters.length)} ${quarters.length === 1 ? "kwartaal" : "kwartalen"}`,
      },
    ],
  });
  blocks.push({
    kind: "paragraph",
    text: `Deze rapportage beschrijft de vrijheidsbeperkende maatregelen in de JeugdzorgPlus over het ${period}, voor alle locaties samen. Cijfers van één locatie staan er niet in. Kleine aantallen tonen we als <${threshold}, zodat geen jongere herkenbaar is. Een x is een aantal dat we verbergen om zo’n klein aantal te beschermen; een – is een aandeel of duur die we niet tonen.`,
  });
  blocks.push({ kind: "paragraph", text: UNDER_REGISTRATION });

  // ---- Deliveries per quarter ------------------------------------------------------------
  blocks.push({ kind: "heading", text: "Wie leverde wat?" });
  blocks.push({
    kind: "paragraph",
    text: "Per kwartaal het aantal locaties naar soort levering. Een nullevering betekent: de locatie heeft geregistreerd en had geen maatregelen. Bij ‘alleen afzonderen’ tellen die locaties alleen mee in de cijfers over gedwongen afzonderen.",
  });
  blocks.push({
    kind: "table",
    headers: ["Kwartaal", ...STATUS_ORDER.map((s) => STATUS_WORDS[s])],
    rows: quarters.map((q) => [
      quarterLong(q),
      ...STATUS_ORDER.map((s) => formatCount(locations.filter((l) => statusOf(l, q) === s).length)),
    ]),
    note: "Aantal locaties. Welke locatie wat leverde, staat in de bijlage.",
  });

  // ---- Trend per quarter -----------------------------------------------------------------
  const rows = perQuarter.map((p) => ({
    all: p ? quarterRate(protectedRates(p), "all") : null,
    seclusion: p ? quarterRate(protectedRates(p), "seclusion") : null,
  }));
  blocks.push({ kind: "heading", text: "Ontwikkeling per kwartaal, rekening houdend met de bezetting" });
  blocks.push({
    kind: "paragraph",
    text: "Het aantal maatregelen per 10 plaatsen houdt rekening met het aantal jongeren dat er gemiddeld was. Zo zijn kwartalen te vergelijken, ook als er meer of minder jongeren waren of niet elke locatie leverde.",
  });
  const rateLabel = (v: number | null) => orDash(v, (x) => formatDecimal(x, 1));
  blocks.push({
    kind: "chart",
    chart: await quarterTrendChart("nl-trend", quarters.map(quarterShort), [
      {
        name: "Alle typen",
        values: rows.map((r) => r.all?.per10 ?? null),
        labels: rows.map((r) => rateLabel(r.all?.per10 ?? null)),
      },
      {
        name: "Gedwongen afzonderen",
        values: rows.map((r) => r.seclusion?.per10 ?? null),
        labels: rows.map((r) => rateLabel(r.seclusion?.per10 ?? null)),
      },
    ]),
    data: {
      headers: ["Kwartaal", "Alle typen", "Gedwongen afzonderen"],
      rows: quarters.map((q, i) => [
        quarterShort(q),
        rateLabel(rows[i]?.all?.per10 ?? null),
        rateLabel(rows[i]?.seclusion?.per10 ?? null),
      ]),
    },
  });
  blocks.push({
    kind: "table",
    headers: [
      "Kwartaal",
      "Maatregelen",
      "Unieke jongeren",
      "Per 10 plaatsen: alle typen",
      "Per 10 plaatsen: afzonderen",
    ],
    rows: quarters.map((q, i) => {
      const p = perQuarter[i];
      return [
        quarterLong(q),
        p ? cell(p.total) : DASH,
        p ? cell(p.uniqueYouth) : DASH,
        rateLabel(rows[i]?.all?.per10 ?? null),
        rateLabel(rows[i]?.seclusion?.per10 ?? null),
      ];
    }),
    note: "Maatregelen per kwartaal per 10 plaatsen gemiddelde bezetting. ‘Alle typen’: locaties die alle typen leverden; ‘afzonderen’: locaties die alle typen of alleen afzonderen leverden.",
  });

  if (args.trend) blocks.push(...(await trendBlocks(args.trend, threshold)));

  // ---- Per month -------------------------------------------------------------------------
  blocks.push({ kind: "heading", text: "Maatregelen per maand" });
  blocks.push({
    kind: "chart",
    chart: await monthChart(
      "nl-months",
      total.byMonth.map((m) => ({ month: m.month, value: known(m.count), label: cell(m.count) })),
      monthShort,
    ),
    data: {
      headers: ["Maand", "Maatregelen"],
      rows: total.byMonth.map((m) => [monthLong(m.month), cell(m.count)]),
    },
  });

  // ---- Categories and types --------------------------------------------------------------
  // A share of a hidden count is hidden too: "–", never the count's marker.
  const shareLabel = (c: Cell, share: number | null) =>
    c.suppressed ? DASH : orDash(share, (s) => formatShare(s));
  blocks.push({ kind: "heading", text: "Soorten maatregelen" });
  // A share uses a denominator of its numerator's scope: shares of all measures (and the counts
  // next to them) only over the deliveries with all types; a location that delivered seclusion
  // only counts below, within seclusion.
  const seclusionOnly = range.matrix.some((m) => m.status === "seclusion");
  const allScopeNote = `Aantal en aandeel van alle maatregelen bij locaties die alle typen leverden${known(total.allScopeTotal) === null ? "" : ` (${cell(total.allScopeTotal)} maatregelen)`}.${seclusionOnly ? " Locaties die alleen gedwongen afzonderen leverden, tellen hier niet mee; zij tellen wel mee in de cijfers over afzonderen hieronder." : ""}`;
  blocks.push({
    kind: "chart",
    chart: await distributionChart(
      "nl-categories",
      "de zes categorieën",
      ["Landelijk"],
      total.byCategory.map((c) => ({
        category: c.label,
        series: "Landelijk",
        share: c.share,
        label: shareLabel(c.allScopeCount, c.share),
      })),
    ),
    data: {
      headers: ["Categorie", "Maatregelen", "Aandeel"],
      rows: total.byCategory.map((c) => [
        c.label,
        cell(c.allScopeCount),
        shareLabel(c.allScopeCount, c.share),
      ]),
    },
  });
  blocks.push({ kind: "paragraph", muted: true, text: allScopeNote });
  blocks.push({
    kind: "table",
    headers: ["Type", "Maatregelen", "Aandeel"],
    rows: total.byType.map((t) => [
      `${t.type}. ${t.label}`,
      cell(t.allScopeCount),
      shareLabel(t.allScopeCount, t.share),
    ]),
    note: allScopeNote,
  });

  // ---- Seclusion by room -----------------------------------------------------------------
  blocks.push({ kind: "heading", text: "Gedwongen afzonderen: in welke ruimte?" });
  blocks.push({
    kind: "chart",
    chart: await seclusionRoomChart(
      "nl-rooms",
      total.seclusionByRoom.map((r) => ({
        room: r.label,
        locked: r.locked,
        value: known(r.count),
        label: cell(r.count),
      })),
    ),
    data: {
      headers: ["Ruimte", "Op slot", "Aantal"],
      rows: total.seclusionByRoom.map((r) => [r.label, r.locked ? "ja" : "nee", cell(r.count)]),
    },
  });
  // Room × locked with both margins, as counts and as shares of all seclusion (every delivery
  // that holds seclusion, also seclusion only): a share of a hidden count, or of a hidden
  // total, is "–".
  const rm = total.seclusionRoomMargins;
  const roomsTotal = known(rm.total);
  const ofSeclusion = (c: Cell) => {
    const v = known(c);
    return v === null || roomsTotal === null || roomsTotal === 0 ? DASH : formatShare(v / roomsTotal);
  };
  const roomCell = (room: string, locked: boolean) =>
    total.seclusionByRoom.find((r) => r.room === room && r.locked === locked)?.count ?? {
      value: 0,
      suppressed: false,
    };
  const lockedMargin = (locked: boolean) =>
    rm.byLocked.find((l) => l.locked === locked)?.count ?? { value: 0, suppressed: false };
  const withShare = (c: Cell) => [cell(c), ofSeclusion(c)];
  const lockedShare = ofSeclusion(lockedMargin(true));
  if (roomsTotal !== null && roomsTotal > 0 && lockedShare !== DASH)
    blocks.push({
      kind: "paragraph",
      text: `Van al het gedwongen afzonderen (${formatCount(roomsTotal)} keer) was ${lockedShare} in een ruimte op slot en ${ofSeclusion(lockedMargin(false))} in een ruimte die niet op slot was.`,
    });
  blocks.push({
    kind: "table",
    headers: ["Ruimte", "Op slot", "%", "Niet op slot", "%", "Totaal", "%"],
    rows: [
      ...rm.byRoom.map((r) => [
        r.label,
        ...withShare(roomCell(r.room, true)),
        ...withShare(roomCell(r.room, false)),
        ...withShare(r.count),
      ]),
      ["Totaal", ...withShare(lockedMargin(true)), ...withShare(lockedMargin(false)), ...withShare(rm.total)],
    ],
    note: `Keer gedwongen afzonderen per soort ruimte, op slot en niet op slot, en het aandeel (%) van al het afzonderen${roomsTotal === null ? "" : ` (${formatCount(roomsTotal)} keer)`}. Bij alle locaties die afzonderen leverden${seclusionOnly ? ", ook de locaties die alleen afzonderen leverden" : ""}. Isoleer-/separeerruimte: type 6 en 7; overige ruimte: type 8 en 9; eigen kamer: type 10 en 11.`,
  });

  // ---- Start hour ------------------------------------------------------------------------
  blocks.push({ kind: "heading", text: "Hoe laat begonnen de maatregelen?" });
  blocks.push({
    kind: "chart",
    chart: await startHourChart(
      "nl-hours",
      total.byStartHour.map((h) => ({
        hour: h.hour,
        value: known(h.count),
        label: h.count.value === 0 ? "" : cell(h.count),
      })),
    ),
    data: {
      headers: ["Uur", "Maatregelen"],
      rows: total.byStartHour.map((h) => [`${h.hour}:00–${h.hour}:59`, cell(h.count)]),
    },
  });
  blocks.push({
    kind: "paragraph",
    muted: true,
    text: `Alle typen samen, naar het uur waarop de maatregel begon${seclusionOnly ? " (van locaties die alleen afzonderen leverden: alleen het afzonderen)" : ""}.`,
  });

  // ---- Start hour per kind of seclusion ---------------------------------------------------
  const sb = total.seclusionByStartBlock;
  if (sb) {
    const kinds = total.seclusionByRoom.map((r) => ({
      room: r.room,
      locked: r.locked,
      name: `${r.label} ${r.locked ? "op slot" : "niet op slot"}`,
      count: r.count,
    }));
    const at = (block: string, room: string, locked: boolean): Cell =>
      sb.cells.find((c) => c.block === block && c.room === room && c.locked === locked)?.count ?? {
        value: 0,
        suppressed: false,
      };
    const short = (b: { from: number; to: number }) => `${b.from}–${b.to + 1}`;
    blocks.push({ kind: "heading", text: "Hoe laat begon het afzonderen, per soort ruimte?" });
    blocks.push({
      kind: "paragraph",
      text: "Het aantal keer afzonderen naar het uur waarop het begon, in blokken van drie uur, apart voor elke soort ruimte, op slot en niet op slot.",
    });
    // Kinds without any seclusion get no line: never an empty series in the legend.
    const drawn = kinds
      .filter((k) => k.count.suppressed || (k.count.value ?? 0) > 0)
      .slice(0, MAX_LINE_SERIES);
    if (drawn.length > 0)
      blocks.push({
        kind: "chart",
        chart: await seclusionStartChart(
          "nl-seclusion-start",
          sb.blocks.map(short),
          drawn.map((k) => ({
            name: k.name,
            values: sb.blocks.map((b) => known(at(b.block, k.room, k.locked))),
            labels: sb.blocks.map((b) => cell(at(b.block, k.room, k.locked))),
          })),
        ),
        data: {
          headers: ["Uur", ...drawn.map((k) => k.name)],
          rows: sb.blocks.map((b) => [b.label, ...drawn.map((k) => cell(at(b.block, k.room, k.locked)))]),
        },
      });
    blocks.push({
      kind: "table",
      headers: ["Soort afzonderen", ...sb.blocks.map(short), "Totaal"],
      rows: [
        ...kinds.map((k) => [
          k.name,
          ...sb.blocks.map((b) => cell(at(b.block, k.room, k.locked))),
          cell(k.count),
        ]),
        ["Totaal", ...sb.blocks.map((b) => cell(b.total)), cell(rm.total)],
      ],
      note: `Keer afzonderen per blok van drie uur waarin het begon (0–3 is 0:00 tot en met 2:59). In de grafiek is een verborgen aantal (<${threshold} of x) een onderbreking van de lijn. Bij alle locaties die afzonderen leverden.`,
    });
  }

  // ---- Youth frequency -------------------------------------------------------------------
  blocks.push({ kind: "heading", text: "Hoeveel maatregelen per jongere?" });
  // Shares of the unique young people (a published count the bands add up to): a hidden band has
  // no share; "3 of meer" is the rest after bands 1 and 2, so it shows nothing that is not
  // already published.
  const youthTotal = known(total.uniqueYouth);
  const bandCount = (band: string) => {
    const c = total.youthFrequency.find((b) => b.band === band)?.youth;
    return c ? known(c) : null;
  };
  const youthShare = (n: number | null) =>
    n === null || youthTotal === null || youthTotal === 0 ? DASH : formatShare(n / youthTotal);
  const one = bandCount("1");
  const two = bandCount("2");
  if (youthTotal !== null && youthTotal > 0 && one !== null && two !== null)
    blocks.push({
      kind: "paragraph",
      text: `Van de ${formatCount(youthTotal)} jongeren kreeg ${youthShare(one)} één maatregel, ${youthShare(two)} twee en ${youthShare(youthTotal - one - two)} drie of meer.`,
    });
  blocks.push({
    kind: "chart",
    chart: await youthFrequencyChart(
      "nl-youth",
      total.youthFrequency.map((b) => ({ group: b.band, value: known(b.youth), label: cell(b.youth) })),
    ),
    data: {
      headers: ["Maatregelen per jongere", "Jongeren", "Aandeel van de jongeren"],
      rows: total.youthFrequency.map((b) => [b.band, cell(b.youth), youthShare(known(b.youth))]),
    },
  });

  // ---- Care plan -------------------------------------------------------------------------
  const cp = total.carePlan;
  const cpCells = [cp.yes, cp.no, cp.unknown];
  const parts = [
    { answer: "Ja", c: cp.yes },
    { answer: "Nee", c: cp.no },
    { answer: "Niet ingevuld", c: cp.unknown },
  ];
  blocks.push({ kind: "heading", text: "Stond de maatregel in het hulpverleningsplan?" });
  blocks.push({
    kind: "chart",
    chart: await carePlanChart(
      "nl-careplan",
      parts.map((p) => ({
        answer: p.answer,
        value: known(p.c),
        label: `${cell(p.c)} (${shareOfCells(p.c, cpCells)})`,
      })),
    ),
    data: {
      headers: ["Antwoord", "Maatregelen", "Aandeel"],
      rows: parts.map((p) => [p.answer, cell(p.c), shareOfCells(p.c, cpCells)]),
    },
  });

  // ---- Duration --------------------------------------------------------------------------
  blocks.push({ kind: "heading", text: "Hoe lang duurden de maatregelen?" });
  blocks.push({
    kind: "table",
    headers: ["Type", "Aantal", "Kortst", "Langst", "Gemiddeld", "Mediaan"],
    rows: total.duration.map((d) => [
      `${d.type}. ${d.label}`,
      cell(d.n),
      orDash(d.min, hmm),
      orDash(d.max, hmm),
      orDash(d.mean, hmm),
      orDash(d.median, hmm),
    ]),
    note: `Duur in uren:minuten (u:mm), alleen maatregelen met een eindtijd. Bij minder dan ${threshold} maatregelen tonen we geen duur (–).`,
  });

  // ---- Over 12 hours -----------------------------------------------------------------------
  const lm = total.longMeasures;
  blocks.push({ kind: "subheading", text: "Langer dan 12 uur" });
  blocks.push({
    kind: "paragraph",
    text:
      lm.over12h.value === 0 && !lm.over12h.suppressed
        ? "Geen enkele maatregel duurde langer dan 12 uur."
        : `${cell(lm.over12h)} ${lm.over12h.value === 1 ? "maatregel duurde" : "maatregelen duurden"} langer dan 12 uur; daarvan ${lm.over3days.value === 0 && !lm.over3days.suppressed ? "geen enkele" : cell(lm.over3days)} langer dan 3 dagen. Een noodmaatregel die langer dan 12 uur duurt, vraagt instemming van een gedragswetenschapper; langer dan 3 dagen aaneengesloten mag een noodmaatregel niet duren. Het zijn geen fouten: ze zijn gebeurd en horen geregistreerd te worden. Ze zijn wel de moeite waard om te bespreken.`,
  });
  const longRows = lm.byType.filter((t) => t.over12h.suppressed || (t.over12h.value ?? 0) > 0);
  if (longRows.length > 0)
    blocks.push({
      kind: "table",
      headers: ["Type", "Met eindtijd", "Langer dan 12 uur", "Aandeel"],
      rows: longRows.map((t) => [
        `${t.type}. ${t.label}`,
        cell(t.withEnd),
        cell(t.over12h),
        orDash(t.share, (v) => formatShare(v)),
      ]),
      note: "Per type: de maatregelen met een eindtijd, hoeveel daarvan langer dan 12 uur duurden en welk aandeel dat is. Typen zonder maatregelen langer dan 12 uur staan er niet in.",
    });

  // ---- Data quality ----------------------------------------------------------------------
  const dq = total.dataQuality;
  const ofTotal = (c: Cell) => {
    const v = known(c);
    const t = known(total.total);
    return v === null || t === null || t === 0 ? DASH : formatShare(v / t);
  };
  blocks.push({ kind: "heading", text: "Datakwaliteit" });
  blocks.push({
    kind: "table",
    headers: ["Wat ontbrak of viel op", "Aantal", "Van alle maatregelen"],
    rows: [
      ["Hulpverleningsplan niet ingevuld", cell(dq.carePlanUnknown), ofTotal(dq.carePlanUnknown)],
      ["Eindtijd ontbreekt (geen controle)", cell(dq.missingEnd), ofTotal(dq.missingEnd)],
      ["Duur 0 minuten (start = eind)", cell(dq.zeroDuration), ofTotal(dq.zeroDuration)],
      ["Aanleiding niet ingevuld", cell(dq.missingReason), ofTotal(dq.missingReason)],
    ],
  });

  // ---- Method ----------------------------------------------------------------------------
  blocks.push({ kind: "heading", text: "Zo is gerekend" });
  blocks.push({
    kind: "bullets",
    items: [
      "Wat telt: elke toegepaste vrijheidsbeperkende maatregel is één rij in de kwartaallevering van een locatie, geregistreerd volgens het codeboek. Per locatie en kwartaal telt de laatste goedgekeurde levering.",
      "Locaties die alleen gedwongen afzonderen leverden, tellen alleen mee bij afzonderen. Een ontbrekende levering telt nergens mee; een nullevering telt mee als ‘geen maatregelen’.",
      `Bescherming van jongeren: aantallen van 1 tot en met ${threshold - 1} tonen we als <${threshold}. Soms verbergen we ook een groter aantal, zodat een klein aantal niet uit een totaal terug te rekenen is; dat staat er als x (verborgen, niet kleiner dan ${threshold}). Een duur, aandeel of aantal per 10 plaatsen dat op zo’n verborgen aantal of op minder dan ${threshold} maatregelen berust, staat er als –.`,
      "Bezetting: per locatie en maand het gemiddelde aantal aanwezige jongeren. ‘Per 10 plaatsen per kwartaal’ is het aantal maatregelen in de maanden waarvan de bezetting bekend is, gedeeld door de gemiddelde bezetting in die maanden, maal 10 (omgerekend naar drie maanden). Een maand zonder bezetting telt niet mee.",
      "Duur: van start tot eind in hele minuten, alleen voor maatregelen met een eindtijd. De mediaan is de middelste waarde; het gemiddelde wordt door enkele lange maatregelen sterk verhoogd.",
      "Registratie: de cijfers tellen wat de locaties registreerden. Onderregistratie komt voor, dus het werkelijke aantal kan hoger liggen; lees een daling daarom ook als een vraag aan de registratie.",
      "Het hoogste aantal maatregelen bij één jongere noemen we niet: dat getal gaat over één jongere. De groep ‘meer dan 20’ laat zien hoeveel jongeren veel maatregelen kregen.",
      "Deze rapportage vergelijkt geen locaties met elkaar en noemt geen aantallen per locatie. Alleen in de bijlage staat per locatie of er geleverd is.",
    ],
  });

  // ---- Appendix: delivery matrix -----------------------------------------------------------
  blocks.push({ kind: "heading", text: "Bijlage: leveringen per locatie" });
  blocks.push({
    kind: "paragraph",
    text: "Per locatie en kwartaal de soort levering. Dit gaat over het leveren zelf, niet over aantallen maatregelen.",
  });
  for (let i = 0; i < quarters.length; i += MATRIX_QUARTERS) {
    const chunk = quarters.slice(i, i + MATRIX_QUARTERS);
    blocks.push({
      kind: "table",
      headers: ["Locatie", ...chunk.map(quarterShort)],
      align: ["left", ...chunk.map(() => "left" as const)],
      rows: locations.map((l) => [l, ...chunk.map((q) => STATUS_WORDS[statusOf(l, q)])]),
    });
  }

  const generated = new Date(range.generatedAt);
  return {
    title: "Landelijke rapportage vrijheidsbeperkende maatregelen",
    subtitle: `JeugdzorgPlus · ${period}`,
    footer: `Landelijke rapportage VBM · ${rangeShort} · gemaakt op ${dateLong(generated)}`,
    creationDate: generated,
    subject: `Vrijheidsbeperkende maatregelen in de JeugdzorgPlus, ${period}`,
    keywords: `VBM, JeugdzorgPlus, landelijk, ${range.from}, ${range.to}`,
    blocks,
  };
}

/** Renders the national report (PDF and plain text) from protected figures only. */
export async function renderNationalReport(args: NationalReportArgs): Promise<RenderedNationalReport> {
  const doc = await buildNationalReport(args);
  return { pdf: await renderPdf(doc), text: toText(doc) };
}
