/**
 * The charts of the factsheet and the national report: Vega-Lite specs compiled and rendered to
 * SVG strings headlessly (no browser, no canvas). Every chart reads in black and white: greys,
 * a hatch pattern for the second series, dashed lines and point shapes, a legend in words and
 * the value written at every bar or point. Values and their labels are passed in already
 * formatted (Dutch), so a suppressed count can be drawn as an empty bar labelled `<5`.
 */

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { FONT_FAMILY, measureText } from "./fonts.ts";

/** One rendered chart. The SVG is standalone (it carries its own pattern definitions). */
export interface ChartSvg {
  id: string;
  svg: string;
  /** Size of the SVG in CSS pixels. */
  width: number;
  height: number;
  /** What the chart shows, in one Dutch sentence (SVG aria label, e-mail alt text). */
  description: string;
}

/** One bar: `value` null means "not shown" (e.g. suppressed), `label` is written at the bar. */
export interface BarDatum {
  category: string;
  series: string;
  value: number | null;
  label: string;
}

/** Default width of every chart, in CSS pixels (scaled to the text width in the PDF). */
export const CHART_WIDTH = 620;

const INK = "#1a1a1a";
const SOLID_DARK = "#4a4a4a";
const SOLID_MID = "#7a7a7a";
const SOLID_LIGHT = "#d4d4d4";

/** Fills by series index: dark solid, hatched, light solid. */
function seriesFills(id: string, n: number): string[] {
  if (n === 1) return [SOLID_MID];
  return [SOLID_DARK, `url(#${id}-hatch)`, SOLID_LIGHT].slice(0, n);
}

/** Pattern definitions injected into the SVG (Vega has no pattern fills of its own). */
function patternDefs(id: string): string {
  return (
    `<defs><pattern id="${id}-hatch" patternUnits="userSpaceOnUse" width="5" height="5" ` +
    `patternTransform="rotate(45)"><rect x="0" y="0" width="5" height="5" fill="#ffffff"/>` +
    `<rect x="0" y="0" width="1.6" height="5" fill="${INK}"/></pattern></defs>`
  );
}

const BASE_CONFIG = {
  font: FONT_FAMILY,
  background: "white",
  locale: {
    number: { decimal: ",", thousands: ".", grouping: [3], currency: ["€ ", ""] as [string, string] },
  },
  view: { stroke: null },
  axis: {
    labelFontSize: 10,
    titleFontSize: 10,
    titleFontWeight: "normal" as const,
    labelColor: INK,
    titleColor: INK,
    domainColor: "#555555",
    tickColor: "#555555",
    gridColor: "#e2e2e2",
  },
  legend: {
    orient: "top" as const,
    labelFontSize: 10,
    titleFontSize: 10,
    symbolType: "square",
    symbolSize: 160,
    symbolStrokeColor: INK,
    symbolStrokeWidth: 0.8,
    labelColor: INK,
  },
  bar: { stroke: INK, strokeWidth: 0.6 },
  text: { fontSize: 9, fill: INK },
};

let metricsInstalled = false;
/**
 * Vega measures text to truncate labels and size axes. Without a canvas it guesses (0.8 em per
 * character), far too wide; measure with the DejaVu metrics the PDF embeds instead.
 */
function installTextMetrics(): void {
  if (metricsInstalled) return;
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } })
    .textMetrics;
  metrics.width = (item: TextItem, text?: unknown) => {
    const value = text === undefined || text === null ? "" : String(text).trim();
    const size = item.fontSize ?? 11;
    const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
    return value ? measureText(value, size, bold) : 0;
  };
  metricsInstalled = true;
}
interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
}

/** Compiles a Vega-Lite spec and renders it to an SVG string without a browser. */
export async function renderChart(id: string, spec: TopLevelSpec, description: string): Promise<ChartSvg> {
  if (!/^[a-z][a-z0-9-]*$/.test(id)) throw new Error(`chart id must be a lowercase slug: ${id}`);
  installTextMetrics();
  const { spec: vgSpec } = compile(spec);
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none", logLevel: vega.Error });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open) throw new Error(`chart ${id}: Vega did not return an SVG`);
  const width = Number(/\bwidth="([\d.]+)"/.exec(open[0])?.[1]);
  const height = Number(/\bheight="([\d.]+)"/.exec(open[0])?.[1]);
  if (!(width > 0 && height > 0)) throw new Error(`chart ${id}: SVG without a size`);
  const root = open[0].replace(
    /^<svg\b/,
    `<svg id="${id}" role="img" aria-label="${escapeXml(description)}" font-family="${FONT_FAMILY}"`,
  );
  const body = svg.slice(open[0].length);
  return {
    id,
    svg: `${root}<title>${escapeXml(description)}</title>${patternDefs(id)}${body}`,
    width,
    height,
    description,
  };
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Upper end of the value axis with room for the labels written past the bars. */
function headroom(values: readonly (number | null)[], factor: number): number {
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  return max > 0 ? max * factor : 1;
}

export interface BarChartOptions {
  id: string;
  description: string;
  data: readonly BarDatum[];
  /** Category order. */
  categories: readonly string[];
  /** Series order (1 to 3); the legend shows series names when there is more than one. */
  series: readonly string[];
  orientation: "vertical" | "horizontal";
  valueTitle: string;
  categoryTitle?: string | null;
  /** Format of value-axis labels (d3-format, Dutch locale). */
  valueFormat?: string;
  /** Whole numbers only on the value axis (counts). */
  integerTicks?: boolean;
  width?: number;
  height?: number;
  /** Write the value labels vertically (many narrow bars). */
  verticalLabels?: boolean;
  /** Category-axis label angle for vertical charts. */
  categoryLabelAngle?: number;
}

/** Bars (grouped when there is more than one series), with the value written at each bar. */
export function barChart(o: BarChartOptions): Promise<ChartSvg> {
  const vertical = o.orientation === "vertical";
  const fills = seriesFills(o.id, o.series.length);
  const multi = o.series.length > 1;
  const rowsPerCategory = o.series.length;
  const width = o.width ?? CHART_WIDTH;
  const height =
    o.height ??
    (vertical ? 230 : Math.max(90, o.categories.length * rowsPerCategory * 15 + (multi ? 70 : 45)));
  const values = o.data.map((d) => ({ ...d, v: d.value ?? 0 }));
  const domainMax = headroom(
    o.data.map((d) => d.value),
    vertical ? (o.verticalLabels ? 1.3 : 1.15) : 1.3,
  );
  const valueAxis = {
    title: o.valueTitle,
    format: o.valueFormat ?? ",d",
    ...(o.integerTicks ? { tickMinStep: 1 } : {}),
    grid: true,
  };
  const categoryAxis = vertical
    ? { title: o.categoryTitle ?? null, labelAngle: o.categoryLabelAngle ?? 0, labelLimit: 120, grid: false }
    : { title: o.categoryTitle ?? null, labelLimit: 300, grid: false };
  const cat = {
    field: "category",
    type: "nominal" as const,
    sort: [...o.categories],
    axis: categoryAxis,
    scale: { paddingInner: multi ? 0.25 : 0.2 },
  };
  const val = {
    field: "v",
    type: "quantitative" as const,
    scale: { domain: [0, domainMax], nice: false },
    axis: valueAxis,
  };
  const offset = multi ? { field: "series", type: "nominal" as const, sort: [...o.series] } : undefined;
  const fill = {
    field: "series",
    type: "nominal" as const,
    scale: { domain: [...o.series], range: fills },
    legend: multi ? { title: null } : null,
  };
  const label = vertical
    ? o.verticalLabels
      ? { type: "text" as const, angle: 270, align: "left" as const, baseline: "middle" as const, dx: 3 }
      : { type: "text" as const, baseline: "bottom" as const, dy: -2 }
    : { type: "text" as const, align: "left" as const, baseline: "middle" as const, dx: 3 };
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: o.description,
    width,
    height,
    autosize: { type: "fit", contains: "padding" },
    config: BASE_CONFIG,
    data: { values },
    encoding: vertical
      ? { x: cat, y: val, ...(offset ? { xOffset: offset } : {}) }
      : { y: cat, x: val, ...(offset ? { yOffset: offset } : {}) },
    layer: [
      { mark: { type: "bar" }, encoding: { fill } },
      { mark: label, encoding: { text: { field: "label", type: "nominal" } } },
    ],
  };
  return renderChart(o.id, spec, o.description);
}

export interface LineSeries {
  name: string;
  values: readonly (number | null)[];
  labels: readonly string[];
}

/** Line styles by series (black and white): dash pattern and point shape; at most 7 series. */
const LINE_DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3], [12, 4], [4, 2, 1, 2]];
const LINE_SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "stroke"];
export const MAX_LINE_SERIES = LINE_DASHES.length;

/** Lines over ordered categories (quarters): solid/dashed lines, circles/squares, values at the points. */
export function lineChart(o: {
  id: string;
  description: string;
  categories: readonly string[];
  series: readonly LineSeries[];
  valueTitle: string;
  valueFormat?: string;
  /** Whole numbers only on the value axis (counts): no "0 0,5 1" or "0 0 1". */
  integerTicks?: boolean;
  /** Title of the category axis (none by default: quarters and months speak for themselves). */
  categoryTitle?: string;
  width?: number;
  height?: number;
}): Promise<ChartSvg> {
  const names = o.series.map((s) => s.name);
  if (names.length > MAX_LINE_SERIES)
    throw new Error(`line chart ${o.id}: at most ${MAX_LINE_SERIES} series, got ${names.length}`);
  const values = o.series.flatMap((s, si) =>
    o.categories.flatMap((category, i) => {
      const v = s.values[i];
      return v === null || v === undefined
        ? []
        : [{ category, series: s.name, v, label: s.labels[i] ?? "", above: si % 2 === 0 }];
    }),
  );
  const domainMax = headroom(
    values.map((d) => d.v),
    1.2,
  );
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: o.description,
    width: o.width ?? CHART_WIDTH,
    height: o.height ?? 230,
    autosize: { type: "fit", contains: "padding" },
    config: BASE_CONFIG,
    data: { values },
    encoding: {
      x: {
        field: "category",
        type: "ordinal",
        sort: [...o.categories],
        scale: { domain: [...o.categories], padding: 0.5 },
        axis: { title: o.categoryTitle ?? null, labelAngle: 0 },
      },
      y: {
        field: "v",
        type: "quantitative",
        scale: { domain: [0, domainMax], nice: false },
        axis: {
          title: o.valueTitle,
          format: o.valueFormat ?? (o.integerTicks ? ",d" : ",.1~f"),
          ...(o.integerTicks ? { tickMinStep: 1 } : {}),
          grid: true,
        },
      },
    },
    layer: [
      {
        mark: { type: "line", stroke: INK, strokeWidth: 1.6 },
        encoding: {
          strokeDash: {
            field: "series",
            type: "nominal",
            scale: {
              domain: names,
              range: LINE_DASHES.slice(0, names.length),
            },
            legend: {
              title: null,
              symbolType: "stroke",
              symbolStrokeWidth: 1.6,
              symbolSize: 300,
              ...(names.length > 3 ? { columns: 3, labelLimit: 200 } : {}),
            },
          },
        },
      },
      {
        mark: { type: "point", filled: true, fill: INK, stroke: INK, size: 45, opacity: 1 },
        encoding: {
          shape: {
            field: "series",
            type: "nominal",
            scale: { domain: names, range: LINE_SHAPES.slice(0, names.length) },
            legend: {
              title: null,
              symbolFillColor: INK,
              ...(names.length > 3 ? { columns: 3, labelLimit: 200 } : {}),
            },
          },
        },
      },
      {
        transform: [{ filter: "datum.above" }],
        mark: { type: "text", baseline: "bottom", dy: -6 },
        encoding: { text: { field: "label", type: "nominal" } },
      },
      {
        transform: [{ filter: "!datum.above" }],
        mark: { type: "text", baseline: "top", dy: 7 },
        encoding: { text: { field: "label", type: "nominal" } },
      },
    ],
  };
  return renderChart(o.id, spec, o.description);
}

/** A value with its formatted label (null value: nothing drawn, only the label, e.g. `<5`). */
export interface LabelledValue {
  value: number | null;
  label: string;
}

/** What a count chart counts, in its axis titles (the text around the chart uses the same words). */
export interface Counted {
  /** Value-axis title, e.g. "Aantal maatregelen". */
  axis: string;
  /** Start-hour axis title. */
  startHour: string;
  /** Youth-frequency axis title. */
  perYouth: string;
}

/** Every kind of measure. */
export const MEASURES: Counted = {
  axis: "Aantal maatregelen",
  startHour: "Uur van de dag waarop de maatregel begon",
  perYouth: "Aantal maatregelen per jongere",
};

/** Seclusion only (a location that delivered seclusion only). */
export const SECLUSIONS: Counted = {
  axis: "Aantal keer afzonderen",
  startHour: "Uur van de dag waarop het afzonderen begon",
  perYouth: "Aantal keer afzonderen per jongere",
};

/** Measures per month (bars). */
export function monthChart(
  id: string,
  months: readonly ({ month: string } & LabelledValue)[],
  monthLabel: (month: string) => string,
  /** What is counted, for the axis title and description (default measures). */
  counted: Counted = MEASURES,
): Promise<ChartSvg> {
  const categories = months.map((m) => monthLabel(m.month));
  return barChart({
    id,
    description: `${counted.axis} per maand: ${months.map((m, i) => `${categories[i]} ${m.label}`).join(", ")}.`,
    orientation: "vertical",
    categories,
    series: ["Maatregelen"],
    data: months.map((m, i) => ({ category: categories[i] ?? m.month, series: "Maatregelen", ...m })),
    valueTitle: counted.axis,
    integerTicks: true,
    categoryLabelAngle: months.length > 6 ? -45 : 0,
    height: 200,
  });
}

/**
 * Distribution in percent over categories or types, one bar per series (e.g. this location next
 * to the national figures). `share` is a fraction (0..1); the label is written at the bar.
 * `shareOf` says what the shares are shares of (the axis title and the description), e.g.
 * "Aandeel binnen gedwongen afzonderen" for seclusion types within seclusion.
 */
export function distributionChart(
  id: string,
  what: string,
  series: readonly string[],
  rows: readonly { category: string; series: string; share: number | null; label: string }[],
  shareOf = "Aandeel van alle maatregelen",
): Promise<ChartSvg> {
  const categories = [...new Set(rows.map((r) => r.category))];
  return barChart({
    id,
    description: `${shareOf}: verdeling over ${what} in procenten (${series.join(" en ")}).`,
    orientation: "horizontal",
    categories,
    series,
    data: rows.map((r) => ({
      category: r.category,
      series: r.series,
      value: r.share === null ? null : r.share * 100,
      label: r.label,
    })),
    valueTitle: `${shareOf} (%)`,
    valueFormat: ",d",
  });
}

/** Seclusion by room type, locked next to not locked (solid vs hatched, both in the legend). */
export function seclusionRoomChart(
  id: string,
  rows: readonly ({ room: string; locked: boolean } & LabelledValue)[],
): Promise<ChartSvg> {
  const series = ["Op slot", "Niet op slot"];
  const rooms = [...new Set(rows.map((r) => r.room))];
  return barChart({
    id,
    description: `Gedwongen afzonderen per soort ruimte, op slot en niet op slot: ${rows
      .map((r) => `${r.room} ${r.locked ? "op slot" : "niet op slot"} ${r.label}`)
      .join(", ")}.`,
    orientation: "vertical",
    categories: rooms,
    series,
    data: rows.map((r) => ({
      category: r.room,
      series: r.locked ? "Op slot" : "Niet op slot",
      value: r.value,
      label: r.label,
    })),
    valueTitle: "Aantal keer afzonderen",
    integerTicks: true,
    height: 200,
  });
}

/** Measures by hour of the start time (0–23). */
export function startHourChart(
  id: string,
  hours: readonly ({ hour: number } & LabelledValue)[],
  counted: Counted = MEASURES,
): Promise<ChartSvg> {
  const categories = hours.map((h) => String(h.hour));
  const long = hours.some((h) => h.label.length > 2);
  return barChart({
    id,
    description: `${counted.axis} per uur van de starttijd, van 0 tot 23 uur.`,
    orientation: "vertical",
    categories,
    series: ["Maatregelen"],
    data: hours.map((h) => ({
      category: String(h.hour),
      series: "Maatregelen",
      value: h.value,
      label: h.label,
    })),
    valueTitle: counted.axis,
    categoryTitle: counted.startHour,
    integerTicks: true,
    verticalLabels: long,
    height: 200,
  });
}

/** Young people by number of measures (per number, or per band such as `3–5`). */
export function youthFrequencyChart(
  id: string,
  groups: readonly ({ group: string } & LabelledValue)[],
  counted: Counted = MEASURES,
): Promise<ChartSvg> {
  return barChart({
    id,
    description: `Aantal jongeren naar ${counted.perYouth.toLowerCase()}: ${groups.map((g) => `${g.group}: ${g.label}`).join(", ")}.`,
    orientation: "vertical",
    categories: groups.map((g) => g.group),
    series: ["Jongeren"],
    data: groups.map((g) => ({ category: g.group, series: "Jongeren", value: g.value, label: g.label })),
    valueTitle: "Aantal jongeren",
    categoryTitle: counted.perYouth,
    integerTicks: true,
    height: 180,
  });
}

/** Whether the measure was foreseen in the care plan: yes / no / not registered. */
export function carePlanChart(
  id: string,
  parts: readonly ({ answer: string } & LabelledValue)[],
  counted: Counted = MEASURES,
): Promise<ChartSvg> {
  return barChart({
    id,
    description: `Stond de maatregel in het hulpverleningsplan? ${parts.map((p) => `${p.answer}: ${p.label}`).join(", ")}.`,
    orientation: "horizontal",
    categories: parts.map((p) => p.answer),
    series: ["Maatregelen"],
    data: parts.map((p) => ({ category: p.answer, series: "Maatregelen", value: p.value, label: p.label })),
    valueTitle: counted.axis,
    integerTicks: true,
  });
}

/**
 * Measures per 10 places of average occupancy per month, one line per measure group (a hidden
 * or unknown rate is a gap). With more than two groups the values are not written at the
 * points (the report gives them in a table next to the chart).
 */
export function monthlyRateChart(
  id: string,
  months: readonly string[],
  series: readonly LineSeries[],
): Promise<ChartSvg> {
  const many = series.length > 2;
  return lineChart({
    id,
    description: `Maatregelen per 10 plaatsen (gemiddelde bezetting) per maand: ${series.map((s) => s.name).join(", ")}.`,
    categories: months,
    series: many ? series.map((s) => ({ ...s, labels: s.labels.map(() => "") })) : series,
    valueTitle: "Per 10 plaatsen per maand",
    height: 260,
  });
}

/**
 * Seclusions per block of start hours, one line per kind of seclusion (room × locked); a hidden
 * count is a gap in its line. The numbers are in the table next to the chart.
 */
export function seclusionStartChart(
  id: string,
  blocks: readonly string[],
  series: readonly LineSeries[],
): Promise<ChartSvg> {
  return lineChart({
    id,
    description: `Aantal keer afzonderen naar het uur waarop het begon, in blokken van 3 uur, per soort afzonderen: ${series.map((s) => s.name).join(", ")}.`,
    categories: blocks,
    series: series.map((s) => ({ ...s, labels: s.labels.map(() => "") })),
    valueTitle: "Aantal keer afzonderen",
    categoryTitle: "Uur van de dag waarop het afzonderen begon (blokken van 3 uur)",
    integerTicks: true,
    height: 260,
  });
}

/** Trend per quarter of measures per 10 places (e.g. all types and seclusion). */
export function quarterTrendChart(
  id: string,
  quarters: readonly string[],
  series: readonly LineSeries[],
): Promise<ChartSvg> {
  return lineChart({
    id,
    description: `Maatregelen per 10 plaatsen (gemiddelde bezetting) per kwartaal: ${series.map((s) => s.name).join(" en ")}.`,
    categories: quarters,
    series,
    valueTitle: "Per 10 plaatsen per kwartaal",
  });
}
