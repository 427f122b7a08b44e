import { describe, expect, it } from "vitest";
import {
  carePlanChart,
  distributionChart,
  lineChart,
  monthChart,
  quarterTrendChart,
  seclusionRoomChart,
  startHourChart,
  youthFrequencyChart,
} from "../../../functions/reports/charts.ts";
import { monthShort } from "../../../functions/reports/format.ts";
import { axisLabels } from "./fixtures.ts";

/** Every colour the SVG paints with: fill/stroke attributes and style declarations. */
function colours(svg: string): string[] {
  const out: string[] = [];
  for (const m of svg.matchAll(/\b(?:fill|stroke)(?:="|:\s*)([^";]+)/g)) out.push((m[1] as string).trim());
  return out;
}

/** Black, white, a grey (r = g = b), none/transparent or a pattern: nothing that needs colour vision. */
function isBlackAndWhite(c: string): boolean {
  const v = c.toLowerCase();
  if (["none", "transparent", "white", "black", "currentcolor"].includes(v)) return true;
  if (/^url\(#[a-z0-9-]+\)$/.test(v)) return true;
  let m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(v);
  if (m) return m[1] === m[2] && m[2] === m[3];
  m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(v);
  if (m) return m[1] === m[2] && m[2] === m[3];
  m = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(v);
  if (m) return m[1] === m[2] && m[2] === m[3];
  return false;
}

/** Number of bars (paths in Vega's rect-mark group). */
function bars(svg: string): number {
  const group = /<g class="mark-rect role-mark[^>]*>([\s\S]*?)<\/g>/.exec(svg);
  return group ? [...(group[1] as string).matchAll(/<path\b/g)].length : 0;
}

/** The text nodes of an SVG. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] as string);
}

describe("charts (Vega-Lite → SVG, no browser)", () => {
  it("draws measures per month as bars with the counts written at the bars", async () => {
    const chart = await monthChart(
      "t-months",
      [
        { month: "2023-07", value: 40, label: "40" },
        { month: "2023-08", value: 36, label: "36" },
        { month: "2023-09", value: 38, label: "38" },
      ],
      monthShort,
    );
    expect(chart.svg.startsWith("<svg")).toBe(true);
    expect(chart.width).toBe(620);
    expect(chart.height).toBeGreaterThan(100);
    expect(chart.svg).toContain('font-family="DejaVu Sans"');
    const t = texts(chart.svg);
    for (const s of ["40", "36", "38", "jul 2023", "aug 2023", "sep 2023", "Aantal maatregelen"])
      expect(t).toContain(s);
    expect(bars(chart.svg)).toBe(3);
    expect(chart.description).toContain("jul 2023 40");
  });

  it("puts the location next to the national figures with a pattern and a legend, in greys only", async () => {
    const long = "13. Beperking brieven, telefoon en andere communicatie";
    const chart = await distributionChart(
      "t-types",
      "de typen maatregelen",
      ["Deze locatie", "Landelijk"],
      [
        { category: "3. Vastpakken en/of vasthouden", series: "Deze locatie", share: 0.316, label: "31,6%" },
        { category: "3. Vastpakken en/of vasthouden", series: "Landelijk", share: 0.202, label: "20,2%" },
        { category: long, series: "Deze locatie", share: 0, label: "0,0%" },
        { category: long, series: "Landelijk", share: 0.011, label: "1,1%" },
      ],
    );
    expect(chart.svg).toContain('<pattern id="t-types-hatch"');
    expect(chart.svg).toContain('fill="url(#t-types-hatch)"');
    const t = texts(chart.svg);
    for (const s of ["Deze locatie", "Landelijk", "31,6%", "20,2%", "1,1%"]) expect(t).toContain(s);
    // Labels are measured with the DejaVu metrics, so a long type name is not cut off.
    expect(t).toContain(long);
    expect(t.some((s) => s.includes("…"))).toBe(false);
    const used = colours(chart.svg);
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((c) => !isBlackAndWhite(c))).toEqual([]);
  });

  it("shows a suppressed count as an empty bar labelled <5", async () => {
    const chart = await youthFrequencyChart("t-youth", [
      { group: "1", value: 60, label: "60" },
      { group: "meer dan 20", value: null, label: "<5" },
    ]);
    expect(texts(chart.svg)).toContain("&lt;5");
    expect(texts(chart.svg)).toContain("meer dan 20");
  });

  it("draws seclusion rooms locked (solid) next to not locked (hatched)", async () => {
    const chart = await seclusionRoomChart("t-rooms", [
      { room: "Eigen kamer", locked: true, value: 9, label: "9" },
      { room: "Eigen kamer", locked: false, value: 44, label: "44" },
    ]);
    const t = texts(chart.svg);
    for (const s of ["Op slot", "Niet op slot", "Eigen kamer", "9", "44"]) expect(t).toContain(s);
    expect(chart.svg).toContain("url(#t-rooms-hatch)");
    expect(colours(chart.svg).filter((c) => !isBlackAndWhite(c))).toEqual([]);
  });

  it("draws start hours 0–23 and the care-plan answers", async () => {
    const hours = await startHourChart(
      "t-hours",
      Array.from({ length: 24 }, (_, hour) => ({ hour, value: hour, label: String(hour) })),
    );
    const t = texts(hours.svg);
    expect(t).toContain("0");
    expect(t).toContain("23");
    expect(t).toContain("Uur van de dag waarop de maatregel begon");
    const care = await carePlanChart("t-care", [
      { answer: "Ja", value: 40, label: "40 (35,1%)" },
      { answer: "Nee", value: 31, label: "31 (27,2%)" },
      { answer: "Niet ingevuld", value: 43, label: "43 (37,7%)" },
    ]);
    for (const s of ["Ja", "Nee", "Niet ingevuld", "40 (35,1%)", "43 (37,7%)"])
      expect(texts(care.svg)).toContain(s);
  });

  it("draws the quarterly trend as a solid and a dashed line with shapes and values", async () => {
    const chart = await quarterTrendChart(
      "t-trend",
      ["K1 2023", "K2 2023", "K3 2023"],
      [
        { name: "Alle typen", values: [38.6, 35.6, 32.5], labels: ["38,6", "35,6", "32,5"] },
        { name: "Gedwongen afzonderen", values: [18.6, null, 15.7], labels: ["18,6", "–", "15,7"] },
      ],
    );
    const t = texts(chart.svg);
    for (const s of ["Alle typen", "Gedwongen afzonderen", "38,6", "18,6", "15,7", "K2 2023"])
      expect(t).toContain(s);
    // A missing rate is not drawn as a point with a label.
    expect(t).not.toContain("–");
    expect(chart.svg).toContain('stroke-dasharray="6,3"');
    expect(colours(chart.svg).filter((c) => !isBlackAndWhite(c))).toEqual([]);
  });

  it("rejects an id that cannot be used in an SVG pattern reference", async () => {
    await expect(monthChart("Bad id", [], monthShort)).rejects.toThrow(/slug/);
  });
});

describe("count axes", () => {
  /** The value axis of a count chart: whole numbers, each once, ascending. */
  const expectWholeTicks = (labels: string[] | undefined) => {
    expect(labels?.length).toBeGreaterThanOrEqual(2);
    for (const l of labels ?? []) expect(l).toMatch(/^\d+$/);
    const values = (labels ?? []).map(Number);
    expect(new Set(values).size).toBe(values.length);
  };

  it("have whole-number ticks, never '0 0,5 1' or '0 0 1 1', also with counts of 1 or 2", async () => {
    for (const max of [1, 2, 3]) {
      const bars = await youthFrequencyChart("t-small", [
        { group: "1", value: max, label: String(max) },
        { group: "2", value: 0, label: "0" },
      ]);
      expectWholeTicks(axisLabels(bars.svg)[1]);
      const lines = await lineChart({
        id: "t-small-lines",
        description: "Aantal per uur",
        categories: ["0", "1", "2"],
        series: [{ name: "Controles", values: [0, max, 1], labels: ["", "", ""] }],
        valueTitle: "Aantal maatregelen",
        integerTicks: true,
      });
      expectWholeTicks(axisLabels(lines.svg)[1]);
    }
    // Every count is hidden (<5): still 0 and 1, not a fractional or repeated tick.
    const hidden = await monthChart(
      "t-hidden",
      [
        { month: "2023-01", value: null, label: "<5" },
        { month: "2023-02", value: 0, label: "0" },
      ],
      monthShort,
    );
    expectWholeTicks(axisLabels(hidden.svg)[1]);
  });
});
