import { describe, expect, it } from "vitest";
import {
  formatCell,
  formatChange,
  formatCount,
  formatDecimal,
  formatPercentOf,
  formatShare,
  hmm,
  monthLong,
  monthShort,
  orDash,
  quarterLong,
  quarterMonthsText,
  quarterShort,
  rangeLong,
} from "../../../functions/reports/format.ts";

describe("Dutch number formatting", () => {
  it("groups thousands with a dot and writes decimals with a comma", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(3983)).toBe("3.983");
    expect(formatCount(1234567)).toBe("1.234.567");
    expect(formatDecimal(54.545)).toBe("54,5");
    expect(formatDecimal(1234.56, 1)).toBe("1.234,6");
    expect(formatDecimal(0.04, 1)).toBe("0,0");
    expect(formatDecimal(2, 2)).toBe("2,00");
  });

  it("rounds half away from zero despite binary fractions", () => {
    expect(formatDecimal(7.55, 1)).toBe("7,6");
    expect(formatDecimal(1.005, 2)).toBe("1,01");
    expect(formatShare(0.5315)).toBe("53,2%");
  });

  it("writes shares of one as percentages with one decimal", () => {
    expect(formatShare(0.531)).toBe("53,1%");
    expect(formatShare(0)).toBe("0,0%");
    expect(formatShare(1)).toBe("100,0%");
    expect(formatPercentOf(43, 114)).toBe("37,7%");
    expect(formatPercentOf(1, 0)).toBe("–");
  });

  it("writes durations as h:mm, rounded to the minute", () => {
    expect(hmm(0)).toBe("0:00");
    expect(hmm(15)).toBe("0:15");
    expect(hmm(75)).toBe("1:15");
    expect(hmm(357)).toBe("5:57");
    expect(hmm(1408)).toBe("23:28");
    expect(hmm(1440)).toBe("24:00");
    expect(hmm(7.5)).toBe("0:08");
    expect(hmm(59.6)).toBe("1:00");
  });

  it("gives the change absolute and in percent, and no percent against zero", () => {
    expect(formatChange(98, 114)).toEqual({ absolute: "+16", percent: "+16,3%" });
    expect(formatChange(114, 98)).toEqual({ absolute: "-16", percent: "-14,0%" });
    expect(formatChange(50, 50)).toEqual({ absolute: "0", percent: "0,0%" });
    expect(formatChange(0, 12)).toEqual({ absolute: "+12", percent: null });
    expect(formatChange(2000, 3500)).toEqual({ absolute: "+1.500", percent: "+75,0%" });
  });

  it("shows suppressed cells as <threshold and missing statistics as a dash", () => {
    expect(formatCell({ value: null, suppressed: true }, 5)).toBe("<5");
    expect(formatCell({ value: 12, suppressed: false }, 5)).toBe("12");
    expect(formatCell({ value: 0, suppressed: false }, 5)).toBe("0");
    expect(formatCell({ value: null, suppressed: true }, 10)).toBe("<10");
    expect(orDash(null, hmm)).toBe("–");
    expect(orDash(60, hmm)).toBe("1:00");
  });

  it("names months and quarters in Dutch", () => {
    expect(monthLong("2023-07")).toBe("juli 2023");
    expect(monthShort("2023-03")).toBe("mrt 2023");
    expect(quarterLong("2023-Q3")).toBe("3e kwartaal 2023");
    expect(quarterShort("2024-Q1")).toBe("K1 2024");
    expect(quarterMonthsText("2023-Q3")).toBe("juli t/m september 2023");
    expect(rangeLong("2023-Q1", "2023-Q1")).toBe("1e kwartaal 2023");
    expect(rangeLong("2023-Q1", "2023-Q3")).toBe("1e kwartaal 2023 t/m 3e kwartaal 2023");
  });
});
