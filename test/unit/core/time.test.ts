import { describe, expect, it } from "vitest";
import { elapsedMinutes, parseDate, parseTime, wallMs } from "../../../functions/core/time.ts";

const at = (date: string, time: string) => wallMs(parseDate(date) as never, parseTime(time) as number);

describe("elapsedMinutes (Europe/Amsterdam)", () => {
  it("counts the real 60 minutes from 01:30 to 03:30 on the spring-forward night of 26 March 2023", () => {
    expect(elapsedMinutes(at("26.03.2023", "01:30"), at("26.03.2023", "03:30"))).toBe(60);
  });

  it("reads a wall time inside the skipped hour as if the clock had not moved yet (Temporal 'compatible')", () => {
    // 01:55 CET = 00:55Z; 02:30 does not exist and is read as 02:30 CET = 01:30Z = 03:30 CEST.
    expect(elapsedMinutes(at("26.03.2023", "01:55"), at("26.03.2023", "02:30"))).toBe(35);
    expect(elapsedMinutes(at("26.03.2023", "02:30"), at("26.03.2023", "03:30"))).toBe(0);
  });

  it("reads a wall time that occurs twice in October as its first occurrence", () => {
    // 02:30 on 29 October is first 02:30 CEST (00:30Z); 03:00 CET is 02:00Z.
    expect(elapsedMinutes(at("29.10.2023", "02:30"), at("29.10.2023", "03:00"))).toBe(90);
  });

  it("counts the extra hour on the fall-back night of 29 October 2023", () => {
    // 01:00 CEST = 23:00Z, 04:00 CET = 03:00Z: four real hours for three on the clock.
    expect(elapsedMinutes(at("29.10.2023", "01:00"), at("29.10.2023", "04:00"))).toBe(240);
  });

  it("is plain wall-clock difference on ordinary days, across midnight too", () => {
    expect(elapsedMinutes(at("14.02.2023", "23:50"), at("15.02.2023", "00:15"))).toBe(25);
    expect(elapsedMinutes(at("14.02.2023", "10:00"), at("14.02.2023", "10:00"))).toBe(0);
  });
});

describe("parseDate / parseTime", () => {
  it("reads the codebook formats and rejects impossible dates and times", () => {
    expect(parseDate("01.02.2023")).toEqual({ year: 2023, month: 2, day: 1 });
    expect(parseDate("1-2-2023")).toEqual({ year: 2023, month: 2, day: 1 });
    expect(parseDate("2023-02-01")).toEqual({ year: 2023, month: 2, day: 1 });
    expect(parseDate("29.02.2023")).toBeNull();
    expect(parseDate("29.02.2024")).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseDate("32.01.2023")).toBeNull();
    expect(parseTime("7:05")).toBe(425);
    expect(parseTime("23:59:59")).toBe(1439);
    expect(parseTime("24:00")).toBeNull();
    expect(parseTime("12:60")).toBeNull();
  });

  it("reads Excel serial dates and day fractions only when allowed (xlsx)", () => {
    expect(parseDate("44927")).toBeNull();
    expect(parseDate("44927", true)).toEqual({ year: 2023, month: 1, day: 1 });
    expect(parseDate("45016", true)).toEqual({ year: 2023, month: 3, day: 31 });
    expect(parseTime("0.75")).toBeNull();
    expect(parseTime("0.75", true)).toBe(1080);
    expect(parseTime("0.3125", true)).toBe(450);
  });
});
