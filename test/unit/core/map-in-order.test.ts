import { describe, expect, it } from "vitest";
import { mapInOrder } from "../../../functions/core/documents.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("mapInOrder: the locations of a factsheet run, a few at a time", () => {
  it("gives the results in the order of the items, however long each takes", async () => {
    const delays = [30, 5, 20, 0, 10];
    const done: number[] = [];
    const out = await mapInOrder(delays, 2, async (ms) => {
      await sleep(ms);
      done.push(ms);
      return ms * 2;
    });
    expect(out).toEqual([60, 10, 40, 0, 20]);
    expect(done).not.toEqual(delays);
  });

  it("never has more than `limit` calls in progress, and uses them", async () => {
    let running = 0;
    let most = 0;
    await mapInOrder([1, 2, 3, 4, 5, 6, 7], 2, async () => {
      running++;
      most = Math.max(most, running);
      await sleep(5);
      running--;
    });
    expect(most).toBe(2);
    expect(await mapInOrder([], 2, async () => 1)).toEqual([]);
  });

  it("after a failure starts nothing new, lets the running call end, then throws the first error", async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const run = mapInOrder([0, 1, 2, 3, 4], 2, async (i) => {
      started.push(i);
      await sleep(i === 0 ? 5 : 20);
      if (i === 0) throw new Error("kapot");
      ended.push(i);
    });
    await expect(run).rejects.toThrow("kapot");
    expect(started).toEqual([0, 1]);
    expect(ended).toEqual([1]);
  });
});
