/**
 * The quarterly factsheet of one location: a PDF, the same content as an e-mail HTML body (each
 * chart as its numbers, the picture only in the PDF) and as plain text. Built only from the figures model (this location this
 * quarter, the previous quarter, the national shares) and the location's own signals and
 * validation warnings. Youth numbers appear only in the list of sharp rises: this document goes
 * to the location itself.
 */

import type { FactsheetInput } from "../../schemas/documents.ts";
import type { FiguresModel } from "../../schemas/figures.ts";
import { previousQuarter } from "../../schemas/quarter.ts";
import { protectFigures } from "../core/disclosure.ts";
import { type Block, type KeyFigure, type ReportDocument, toHtml, toText } from "./blocks.ts";
import {
  carePlanChart,
  distributionChart,
  lineChart,
  MEASURES,
  monthChart,
  SECLUSIONS,
  seclusionRoomChart,
  startHourChart,
  youthFrequencyChart,
} from "./charts.ts";
import { protectedRates, quarterRate, STATUS_WORDS, youthBands } from "./figures-text.ts";
import {
  DASH,
  dateLong,
  formatChange,
  formatCount,
  formatDecimal,
  formatPercentOf,
  formatShare,
  hmm,
  monthLong,
  monthShort,
  plural,
  quarterLong,
  quarterMonthsText,
} from "./format.ts";
import { renderPdf } from "./pdf.ts";

export interface RenderedFactsheet {
  pdf: Uint8Array;
  html: string;
  text: string;
  subject: string;
}

const LOCATION_SERIES = "Deze locatie";
const NATIONAL_SERIES = "Landelijk";

type Status = "all" | "seclusion" | "missing";

function deliveryOf(m: FiguresModel, location: string, quarter: string): { status: Status; rows: number } {
  const d =
    m.deliveries.find((x) => x.location === location && x.quarter === quarter) ??
    m.deliveries.find((x) => x.location === location);
  if (d) return { status: d.status, rows: d.rows };
  // A model without delivery rows: infer from the figures themselves.
  return { status: "all", rows: m.total };
}

function statusWords(d: { status: Status; rows: number }): string {
  if (d.status === "missing") return STATUS_WORDS.missing;
  return d.rows === 0 ? `${STATUS_WORDS.zero} (${STATUS_WORDS[d.status]})` : STATUS_WORDS[d.status];
}

/** The factsheet as blocks (shared by PDF, HTML and text). */
export async function buildFactsheet(input: FactsheetInput): Promise<ReportDocument> {
  const { current: cur, previous: prev, national: nat, location, quarter, signals } = input;
  // National figures leave the national view here too: compare with them after disclosure
  // control, so a small national count (and the share it gives away) is shown as "–".
  const natP = protectFigures(nat);
  const delivery = deliveryOf(cur, location.code, quarter);
  const seclusionOnly = delivery.status === "seclusion";
  const zero = delivery.status !== "missing" && cur.total === 0;
  const rateScope = seclusionOnly ? "seclusion" : "all";
  const rate = quarterRate(cur.rates, rateScope);
  // The same unit (per quarter) for the comparison: nationally (after disclosure control) and
  // this location's previous quarter, both in the scope of this quarter's rate.
  const nationalRate = quarterRate(protectedRates(natP), rateScope).per10;
  const previousRate = prev ? quarterRate(prev.rates, rateScope).per10 : null;
  const quarterWords = quarterLong(quarter);
  const prevQuarterWords = quarterLong(previousQuarter(quarter));
  const blocks: Block[] = [];

  // ---- Headline -------------------------------------------------------------------------
  const change = prev ? formatChange(prev.total, cur.total) : null;
  const prevDelivery = prev ? deliveryOf(prev, location.code, previousQuarter(quarter)) : null;
  const figures: KeyFigure[] = [
    {
      label: seclusionOnly ? "keer gedwongen afzonderen dit kwartaal" : "maatregelen dit kwartaal",
      value: formatCount(cur.total),
      note: quarterMonthsText(quarter),
    },
    {
      label: "verschil met vorig kwartaal",
      value: change
        ? change.percent
          ? `${change.absolute} (${change.percent})`
          : change.absolute
        : "geen vergelijking",
      note: prev
        ? `${prevQuarterWords}: ${plural(prev.total, "maatregel", "maatregelen")}`
        : `geen levering over ${prevQuarterWords}`,
    },
    {
      label: "unieke jongeren",
      value: formatCount(cur.uniqueYouth),
      note: "met minstens één maatregel",
    },
    {
      label: seclusionOnly
        ? "keer afzonderen per 10 plaatsen per kwartaal"
        : "maatregelen per 10 plaatsen per kwartaal",
      value: rate.per10 === null ? DASH : formatDecimal(rate.per10, 1),
      note: [
        `landelijk ${nationalRate === null ? "onbekend" : formatDecimal(nationalRate, 1)}`,
        `vorig kwartaal ${previousRate === null ? "onbekend" : formatDecimal(previousRate, 1)}`,
        rate.meanOccupancy === null
          ? "bezetting onbekend"
          : `gemiddelde bezetting ${formatDecimal(rate.meanOccupancy, 1)}`,
      ].join(" · "),
    },
  ];
  blocks.push({ kind: "figures", items: figures });

  const scopeText =
    delivery.status === "missing"
      ? `Voor het ${quarterWords} hebben we van ${location.name} geen levering ontvangen.`
      : zero
        ? `U leverde over het ${quarterWords} een nullevering: u heeft geregistreerd en er waren geen maatregelen. Daarom staan er in deze factsheet geen grafieken.`
        : seclusionOnly
          ? `U leverde over het ${quarterWords} alleen gedwongen afzonderen (type 6 tot en met 11). Andere maatregelen, zoals vastpakken of controles, staan daarom niet in deze factsheet.`
          : `U leverde over het ${quarterWords} alle typen maatregelen.`;
  const scopeNotes: string[] = [scopeText];
  if (prev && prevDelivery && prevDelivery.status !== delivery.status && delivery.status !== "missing")
    scopeNotes.push(
      `Let op bij de vergelijking: over het ${prevQuarterWords} leverde u ${statusWords(prevDelivery)}, nu ${statusWords(delivery)}.`,
    );
  if (change && change.percent === null && prev)
    scopeNotes.push(
      `Vorig kwartaal waren er geen maatregelen; een verschil in procenten is daarom niet te geven.`,
    );
  if (rate.per10 !== null && rate.monthsWithOccupancy < rate.months)
    scopeNotes.push(
      `De bezetting is bekend voor ${rate.monthsWithOccupancy} van de ${rate.months} maanden; het aantal per 10 plaatsen is berekend over die maanden en omgerekend naar een heel kwartaal.`,
    );
  if (rate.per10 === null)
    scopeNotes.push(
      "Het aantal per 10 plaatsen ontbreekt omdat we voor dit kwartaal geen bezetting van u hebben.",
    );
  for (const t of scopeNotes) blocks.push({ kind: "paragraph", text: t });

  // ---- Signals --------------------------------------------------------------------------
  blocks.push({ kind: "heading", text: "Om te bespreken" });
  // A drop to zero after a quarter with measures may be under-registration: say so, and do not
  // call measures "real" that the file does not hold.
  const droppedToZero = zero && prev !== undefined && prev !== null && prev.total > 0;
  if (!zero)
    blocks.push({
      kind: "paragraph",
      text: "Dit zijn geen fouten. Deze maatregelen zijn echt gebeurd en horen geregistreerd te worden. Ze zijn wel de moeite waard om in het team te bespreken.",
    });
  const signalItems: string[] = [];
  if (droppedToZero)
    signalItems.push(
      `Vorig kwartaal registreerde u ${plural(prev.total, "maatregel", "maatregelen")}, dit kwartaal geen enkele. Dat kan kloppen, maar een daling naar nul kan ook betekenen dat maatregelen niet (meer) worden geregistreerd (onderregistratie). Ga na of de registratie en de export uit het EPD volledig zijn.`,
    );
  if (signals.lockedRooms > 0)
    signalItems.push(
      `${plural(signals.lockedRooms, "keer", "keer")} afzonderen in een ruimte op slot. De sector heeft afgesproken vanaf december 2022 geen afgesloten ruimtes meer te gebruiken die de jongere zelf niet kan openen.`,
    );
  if (signals.over12h > 0)
    signalItems.push(
      `${plural(signals.over12h, "maatregel duurde", "maatregelen duurden")} langer dan 12 uur. Daarvoor is instemming van een gedragswetenschapper nodig.`,
    );
  if (signals.over3days > 0)
    signalItems.push(
      `${plural(signals.over3days, "maatregel duurde", "maatregelen duurden")} langer dan 3 dagen. Een noodmaatregel mag ten hoogste 3 dagen aaneengesloten duren.`,
    );
  if (signals.youthRises.length > 0)
    signalItems.push(
      `Bij ${plural(signals.youthRises.length, "jongere", "jongeren")} steeg het aantal maatregelen sterk ten opzichte van vorig kwartaal (zie de tabel hieronder).`,
    );
  if (signalItems.length === 0) signalItems.push("Er zijn dit kwartaal geen signalen.");
  blocks.push({ kind: "bullets", items: signalItems });
  if (signals.youthRises.length > 0)
    blocks.push({
      kind: "table",
      headers: ["Nummer jongere", "Maatregelen vorig kwartaal → dit kwartaal"],
      rows: signals.youthRises.map((r) => [
        r.youthNumber,
        `${formatCount(r.previous)} → ${formatCount(r.current)}`,
      ]),
      note: "Aantal maatregelen per jongere. Deze nummers ziet alleen uw locatie.",
    });

  blocks.push({
    kind: "box",
    title: "Zo leest u deze factsheet",
    blocks: [
      {
        kind: "bullets",
        items: [
          "Alle cijfers komen uit het bestand dat u voor dit kwartaal heeft geleverd. Eén maatregel is één rij in dat bestand.",
          "‘Per 10 plaatsen per kwartaal’ is het aantal maatregelen in het kwartaal per 10 jongeren die er gemiddeld waren (de bezetting). Zo kunt u kwartalen en locaties eerlijker vergelijken. Landelijk en vorig kwartaal staan eronder, in dezelfde eenheid.",
          "Bij de verdeling over soorten maatregelen staat uw locatie (donker) naast het landelijke beeld (gearceerd). Landelijk is het totaal van de locaties die alle typen leverden; bij alleen afzonderen vergelijken we binnen het afzonderen, met alle locaties die afzonderen leverden.",
          "De duur staat in uren en minuten (u:mm). Kijk vooral naar de mediaan: de helft van de maatregelen duurde korter, de helft langer. Het gemiddelde wordt door een paar lange maatregelen snel hoger.",
          "Datakwaliteit laat zien wat in het bestand ontbrak. Hoe vollediger de registratie, hoe beter u van de cijfers kunt leren.",
        ],
      },
    ],
  });

  if (!zero && delivery.status !== "missing") {
    // What the charts count, in the words of the text around them: a location that delivered
    // seclusion only has only seclusions in its file.
    const counted = seclusionOnly ? SECLUSIONS : MEASURES;
    const countedWord = seclusionOnly ? "Keer afzonderen" : "Maatregelen";
    // ---- Per month ----------------------------------------------------------------------
    blocks.push({ kind: "heading", text: `${countedWord} per maand` });
    blocks.push({
      kind: "chart",
      chart: await monthChart(
        "fs-months",
        cur.byMonth.map((m) => ({ month: m.month, value: m.count, label: formatCount(m.count) })),
        monthShort,
        counted,
      ),
      data: {
        headers: ["Maand", countedWord],
        rows: cur.byMonth.map((m) => [monthLong(m.month), formatCount(m.count)]),
      },
    });

    // ---- Distribution -------------------------------------------------------------------
    blocks.push({
      kind: "heading",
      text: seclusionOnly
        ? "Soorten afzonderen, vergeleken met landelijk"
        : "Soorten maatregelen, vergeleken met landelijk",
    });
    // Like with like: a share uses a denominator of its numerator's scope. A seclusion-only
    // location compares shares within seclusion (nationally over every location that delivered
    // seclusion); a location with all types compares shares of all measures (nationally over the
    // locations that delivered all types).
    if (seclusionOnly) {
      blocks.push({
        kind: "paragraph",
        text: "U leverde alleen gedwongen afzonderen. Daarom vergelijken we hier alleen de soorten afzonderen: het aandeel van elk type binnen al het afzonderen, bij u en landelijk (alle locaties die afzonderen leverden).",
      });
      const rows = cur.byType
        .filter((t) => t.seclusionShare !== null)
        .map((t) => ({
          label: `${t.type}. ${t.label}`,
          loc: t.seclusionShare,
          nat: natP.byType.find((x) => x.type === t.type)?.seclusionShare ?? null,
        }));
      blocks.push(
        await distributionBlock(
          "fs-types",
          "de soorten afzonderen",
          rows,
          "Type",
          "Aandeel binnen gedwongen afzonderen",
        ),
      );
    } else {
      const cats = cur.byCategory.map((c) => ({
        label: c.label,
        loc: c.share,
        nat: natP.byCategory.find((n) => n.category === c.category)?.share ?? null,
      }));
      blocks.push({
        kind: "paragraph",
        text: "Aandeel van alle maatregelen, bij u en landelijk. Landelijk tellen alleen de locaties die alle typen leverden; een locatie die alleen afzonderen leverde, telt hier niet mee.",
      });
      blocks.push({ kind: "subheading", text: "Per categorie" });
      blocks.push(await distributionBlock("fs-categories", "de zes categorieën", cats, "Categorie"));
      const types = cur.byType
        .map((t) => ({
          label: `${t.type}. ${t.label}`,
          loc: t.share,
          nat: natP.byType.find((n) => n.type === t.type)?.share ?? null,
          used: t.count > 0 || (nat.byType.find((n) => n.type === t.type)?.allScopeCount ?? 0) > 0,
        }))
        .filter((t) => t.used);
      blocks.push({ kind: "subheading", text: "Per type" });
      blocks.push(await distributionBlock("fs-types", "de typen maatregelen", types, "Type"));
      blocks.push({
        kind: "paragraph",
        muted: true,
        text: "Typen die dit kwartaal bij u en landelijk niet voorkwamen, staan niet in de grafiek. Een landelijk aandeel dat op minder dan 5 maatregelen berust, of dat verborgen is om zo’n klein aantal te beschermen, tonen we niet (–): zo is niemand te herkennen.",
      });
    }

    // ---- Seclusion by room ---------------------------------------------------------------
    const seclusionTotal = cur.seclusionByRoom.reduce((a, r) => a + r.count, 0);
    blocks.push({ kind: "heading", text: "Gedwongen afzonderen: in welke ruimte?" });
    blocks.push({
      kind: "paragraph",
      text: `In totaal ${plural(seclusionTotal, "keer", "keer")} afzonderen, waarvan ${formatCount(signals.lockedRooms)} in een ruimte op slot.`,
    });
    blocks.push({
      kind: "chart",
      chart: await seclusionRoomChart(
        "fs-rooms",
        cur.seclusionByRoom.map((r) => ({
          room: r.label,
          locked: r.locked,
          value: r.count,
          label: formatCount(r.count),
        })),
      ),
      data: {
        headers: ["Ruimte", "Op slot", "Aantal"],
        rows: cur.seclusionByRoom.map((r) => [r.label, r.locked ? "ja" : "nee", formatCount(r.count)]),
      },
    });

    // ---- Start hour ----------------------------------------------------------------------
    blocks.push({
      kind: "heading",
      text: seclusionOnly ? "Hoe laat begon het afzonderen?" : "Hoe laat begonnen de maatregelen?",
    });
    blocks.push({
      kind: "chart",
      chart: await startHourChart(
        "fs-hours",
        cur.byStartHour.map((h) => ({
          hour: h.hour,
          value: h.count,
          label: h.count > 0 ? formatCount(h.count) : "",
        })),
        counted,
      ),
      data: {
        headers: ["Uur", countedWord],
        rows: cur.byStartHour.map((h) => [`${h.hour}:00–${h.hour}:59`, formatCount(h.count)]),
      },
    });
    blocks.push({
      kind: "paragraph",
      muted: true,
      text: seclusionOnly
        ? "Alle soorten afzonderen samen, naar het uur waarop het afzonderen begon."
        : "Alle typen samen, naar het uur waarop de maatregel begon.",
    });

    // Start time per main group: the (up to) three categories with the most measures here.
    const perGroup = cur.byStartHourCategory ?? [];
    const mainGroups = cur.byCategory
      .filter((c) => c.count > 0)
      .sort((a, b) => b.count - a.count)
      .slice(0, 3);
    if (perGroup.length > 0 && mainGroups.length > 1) {
      const hours = Array.from({ length: 24 }, (_, h) => h);
      const countAt = (category: string, hour: number) =>
        perGroup.find((e) => e.category === category && e.hour === hour)?.count ?? 0;
      blocks.push({
        kind: "chart",
        chart: await lineChart({
          id: "fs-hours-groups",
          description: "Aantal maatregelen per uur van de starttijd, per hoofdgroep (de drie grootste).",
          categories: hours.map(String),
          series: mainGroups.map((g) => ({
            name: g.label,
            values: hours.map((h) => countAt(g.category, h)),
            labels: hours.map(() => ""),
          })),
          valueTitle: "Aantal maatregelen",
          categoryTitle: MEASURES.startHour,
          integerTicks: true,
          height: 200,
        }),
        data: {
          headers: ["Uur", ...mainGroups.map((g) => g.label)],
          rows: hours.map((h) => [
            `${h}:00–${h}:59`,
            ...mainGroups.map((g) => formatCount(countAt(g.category, h))),
          ]),
        },
      });
      blocks.push({
        kind: "paragraph",
        muted: true,
        text: "Per hoofdgroep: de lijnen tonen het uur waarop de maatregelen van de drie grootste groepen begonnen.",
      });
    }

    // ---- Youth frequency -----------------------------------------------------------------
    const bands = youthBands(cur.youthFrequency);
    const most = cur.youthFrequency.at(-1)?.measures ?? 0;
    blocks.push({
      kind: "heading",
      text: seclusionOnly ? "Hoe vaak werd een jongere afgezonderd?" : "Hoeveel maatregelen per jongere?",
    });
    blocks.push({
      kind: "paragraph",
      text: `${plural(cur.uniqueYouth, "jongere", "jongeren")} ${seclusionOnly ? `${cur.uniqueYouth === 1 ? "werd" : "werden"} dit kwartaal een of meer keren afgezonderd` : `${cur.uniqueYouth === 1 ? "kreeg" : "kregen"} dit kwartaal een of meer maatregelen`}${most > 0 ? `, van 1 tot ${formatCount(most)}${seclusionOnly ? " keer" : ""} per jongere` : ""}.`,
    });
    blocks.push({
      kind: "chart",
      chart: await youthFrequencyChart(
        "fs-youth",
        bands.map((b) => ({ group: b.band, value: b.youth, label: formatCount(b.youth) })),
        counted,
      ),
      data: {
        headers: [`${countedWord} per jongere`, "Jongeren"],
        rows: bands.map((b) => [b.band, formatCount(b.youth)]),
      },
    });

    // ---- Care plan -----------------------------------------------------------------------
    const cp = cur.carePlan;
    const cpTotal = cp.yes + cp.no + cp.unknown;
    const parts = [
      { answer: "Ja", n: cp.yes },
      { answer: "Nee", n: cp.no },
      { answer: "Niet ingevuld", n: cp.unknown },
    ];
    blocks.push({
      kind: "heading",
      text: seclusionOnly
        ? "Stond het afzonderen in het hulpverleningsplan?"
        : "Stond de maatregel in het hulpverleningsplan?",
    });
    blocks.push({
      kind: "chart",
      chart: await carePlanChart(
        "fs-careplan",
        parts.map((p) => ({
          answer: p.answer,
          value: p.n,
          label: `${formatCount(p.n)} (${formatPercentOf(p.n, cpTotal)})`,
        })),
        counted,
      ),
      data: {
        headers: ["Antwoord", countedWord, "Aandeel"],
        rows: parts.map((p) => [p.answer, formatCount(p.n), formatPercentOf(p.n, cpTotal)]),
      },
    });

    // ---- Duration ------------------------------------------------------------------------
    blocks.push({
      kind: "heading",
      text: seclusionOnly ? "Hoe lang duurde het afzonderen?" : "Hoe lang duurden de maatregelen?",
    });
    if (cur.duration.length === 0) {
      blocks.push({
        kind: "paragraph",
        text: "Geen enkele maatregel had een eindtijd, dus de duur is niet te berekenen.",
      });
    } else {
      blocks.push({
        kind: "table",
        headers: ["Type", "Aantal", "Kortst", "Langst", "Gemiddeld", "Mediaan"],
        rows: cur.duration.map((d) => [
          `${d.type}. ${d.label}`,
          formatCount(d.n),
          hmm(d.min),
          hmm(d.max),
          hmm(d.mean),
          hmm(d.median),
        ]),
        note: seclusionOnly
          ? "Duur in uren:minuten (u:mm), alleen afzonderingen met een eindtijd."
          : "Duur in uren:minuten (u:mm), alleen maatregelen met een eindtijd. Controles (onderzoek aan lichaam, kleding, kamer, post en urine) hebben geen duur.",
      });
    }
  }

  // ---- Data quality ----------------------------------------------------------------------
  const dq = cur.dataQuality;
  blocks.push({ kind: "heading", text: "Datakwaliteit" });
  blocks.push({
    kind: "table",
    headers: ["Wat ontbrak of viel op", "Aantal", "Van alle maatregelen"],
    rows: [
      [
        "Hulpverleningsplan niet ingevuld",
        formatCount(dq.carePlanUnknown),
        formatPercentOf(dq.carePlanUnknown, cur.total),
      ],
      [
        "Eindtijd ontbreekt (geen controle)",
        formatCount(dq.missingEnd),
        formatPercentOf(dq.missingEnd, cur.total),
      ],
      [
        "Duur 0 minuten (start = eind)",
        formatCount(dq.zeroDuration),
        formatPercentOf(dq.zeroDuration, cur.total),
      ],
      [
        "Aanleiding niet ingevuld",
        formatCount(dq.missingReason),
        formatPercentOf(dq.missingReason, cur.total),
      ],
    ],
  });
  if (input.warnings.length > 0) {
    blocks.push({ kind: "subheading", text: "Opmerkingen bij de controle van uw bestand" });
    blocks.push({
      kind: "bullets",
      items: input.warnings.map((w) => `${w.title}: ${formatCount(w.count)}×`),
    });
    blocks.push({
      kind: "paragraph",
      muted: true,
      text: "Opmerkingen hielden de levering niet tegen. In uw ontvangstbevestiging staat per opmerking de rij en de waarde.",
    });
  } else {
    blocks.push({ kind: "paragraph", text: "De controle van uw bestand gaf geen opmerkingen." });
  }

  const generated = new Date(input.generatedAt);
  return {
    title: "Factsheet vrijheidsbeperkende maatregelen",
    subtitle: `${location.name} (${location.code}) · ${quarterWords} (${quarterMonthsText(quarter)})`,
    footer: `Factsheet VBM · ${location.name} · ${quarterWords} · gemaakt op ${dateLong(generated)}`,
    creationDate: generated,
    subject: `Vrijheidsbeperkende maatregelen ${location.name}, ${quarterWords}`,
    keywords: `VBM, JeugdzorgPlus, ${location.code}, ${quarter}`,
    blocks,
  };
}

async function distributionBlock(
  id: string,
  what: string,
  rows: readonly { label: string; loc: number | null; nat: number | null }[],
  header: string,
  shareOf?: string,
): Promise<Block> {
  const label = (s: number | null) => (s === null ? DASH : formatShare(s));
  return {
    kind: "chart",
    chart: await distributionChart(
      id,
      what,
      [LOCATION_SERIES, NATIONAL_SERIES],
      rows.flatMap((r) => [
        { category: r.label, series: LOCATION_SERIES, share: r.loc, label: label(r.loc) },
        { category: r.label, series: NATIONAL_SERIES, share: r.nat, label: label(r.nat) },
      ]),
      shareOf,
    ),
    data: {
      headers: [header, LOCATION_SERIES, NATIONAL_SERIES],
      rows: rows.map((r) => [r.label, label(r.loc), label(r.nat)]),
    },
  };
}

/** Renders the factsheet of one location and quarter as PDF, e-mail HTML and plain text. */
export async function renderFactsheet(input: FactsheetInput): Promise<RenderedFactsheet> {
  const doc = await buildFactsheet(input);
  const pdf = await renderPdf(doc);
  return {
    pdf,
    html: toHtml(doc),
    text: toText(doc),
    subject: `Factsheet vrijheidsbeperkende maatregelen ${input.quarter} – ${input.location.name}`,
  };
}
