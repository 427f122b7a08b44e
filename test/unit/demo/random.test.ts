import { describe, expect, it } from "vitest";
import { apportion, Rng, WeightedTable } from "../../../functions/demo/random.ts";

describe("Rng", () => {
  it("repeats its sequence for the same seed and differs for another seed", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it("draws integers in the inclusive range, roughly uniformly", () => {
    const rng = new Rng(1);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60_000; i++) {
      const k = rng.int(1, 6);
      counts[k - 1] = (counts[k - 1] ?? 0) + 1;
    }
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });

  it("draws a lognormal with the requested median", () => {
    const rng = new Rng(2);
    const xs = Array.from({ length: 20_001 }, () => rng.lognormal(Math.log(45), 1.2)).sort((a, b) => a - b);
    expect(xs[10_000]).toBeGreaterThan(42);
    expect(xs[10_000]).toBeLessThan(48);
  });

  it("forks independent, reproducible streams", () => {
    const a = new Rng(9).fork("DL").next();
    expect(new Rng(9).fork("DL").next()).toBe(a);
    expect(new Rng(9).fork("HB").next()).not.toBe(a);
  });
});

describe("WeightedTable", () => {
  it("draws in proportion to the weights and never a zero weight", () => {
    const rng = new Rng(3);
    const table = new WeightedTable([1, 0, 3]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const k = table.draw(rng);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(counts[1]).toBe(0);
    expect((counts[2] ?? 0) / (counts[0] ?? 1)).toBeGreaterThan(2.8);
    expect((counts[2] ?? 0) / (counts[0] ?? 1)).toBeLessThan(3.2);
  });

  it("refuses weights that cannot be drawn from", () => {
    expect(() => new WeightedTable([0, 0])).toThrow(RangeError);
    expect(() => new WeightedTable([1, -1])).toThrow(RangeError);
  });
});

describe("apportion", () => {
  it("splits a total exactly, in proportion", () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(469, [0, 2.5, 7.5])).toEqual([0, 117, 352]);
    const parts = apportion(506, [3.1, 0.2, 9.9, 4.4, 0]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(506);
    expect(parts[4]).toBe(0);
  });
});
