import type { YouthRise } from "../../schemas/documents.ts";
import { previousQuarter } from "../../schemas/quarter.ts";
import type { ObjectStore } from "../ports.ts";
import { brokenMessage, currentDeliveryOf } from "./current.ts";
import { countStrings } from "./parquet.ts";
import type { MeasureColumns } from "./validate/delivery.ts";

/**
 * A young person's number of measures "rose sharply" when it is at least `minIncrease` more
 * than in the previous quarter and at least `factor` times as many (so 0 → 5 counts, 10 → 15
 * does not). It is a signal to discuss, never an error.
 */
export const riseRule = { minIncrease: 5, factor: 2 } as const;

export interface YouthRiseSignal {
  /** The quarter compared with, or null when that quarter has no accepted delivery. */
  comparedWith: string | null;
  rises: YouthRise[];
  /** Why the comparison could not be made (a damaged object of the previous quarter), if so. */
  unavailable?: string;
}

/**
 * Finds young people whose number of measures rose sharply against the previous quarter. This
 * runs at delivery time, the only moment the raw youth number and its pseudonym meet: the
 * previous quarter is read by pseudonym from the curated data, the result names the raw youth
 * number and is kept only in the location's private receipt.
 */
export async function findYouthRises(
  store: ObjectStore,
  location: string,
  quarter: string,
  measures: MeasureColumns,
  pseudonyms: ReadonlyMap<string, string>,
): Promise<YouthRiseSignal> {
  const comparedWith = previousQuarter(quarter);
  const { current, broken } = await currentDeliveryOf(store, location, comparedWith);
  if (broken.length > 0) throw new Error(brokenMessage(broken, `${location} ${comparedWith}`));
  if (!current?.curated_key) return { comparedWith: null, rises: [] };
  const previous = await store.get("curated", current.curated_key);
  if (!previous) throw new Error(`${current.curated_key} ontbreekt`);
  let before: Map<string, number>;
  try {
    before = await countStrings(previous.body, "youth_pseudonym");
  } catch (e) {
    throw new Error(`${current.curated_key} is geen leesbaar Parquet-bestand`, { cause: e });
  }
  const now = new Int32Array(measures.youthNumbers.length);
  for (const i of measures.youthIndex) now[i] = (now[i] as number) + 1;
  const rises: YouthRise[] = [];
  measures.youthNumbers.forEach((youthNumber, i) => {
    const current = now[i] as number;
    const prev = before.get(pseudonyms.get(youthNumber) ?? "") ?? 0;
    if (current - prev >= riseRule.minIncrease && current >= riseRule.factor * prev)
      rises.push({ youthNumber, previous: prev, current });
  });
  rises.sort(
    (a, b) => b.current - b.previous - (a.current - a.previous) || a.youthNumber.localeCompare(b.youthNumber),
  );
  return { comparedWith, rises };
}
