import { z } from "zod";
import { locationCode, monthId, quarterId } from "./delivery.ts";

const count = z.number().int().nonnegative();
const share = z.number().min(0).max(1);
const minutes = z.number().nonnegative();

/**
 * The figures model: everything factsheets, national reports and IGJ exports are built from.
 * One document for one location (or nationally, `location: null`) over a range of quarters.
 * Counts (`total`, `count`) cover every delivery that counts (scope `all` or `seclusion`). A
 * share uses a denominator that matches its numerator's scope: `share` is a fraction (0..1) of
 * `allScopeTotal`, over deliveries with all types only (`allScopeCount`); `seclusionShare` is a
 * fraction of all seclusion measures, over deliveries with all types or seclusion only.
 * Durations are minutes.
 */
export const figuresModel = z.object({
  location: locationCode.nullable(),
  from: quarterId,
  to: quarterId,
  codebookVersions: z.array(z.string()),
  /** Per location and quarter in range: which delivery counts (latest accepted) and its rows. */
  deliveries: z.array(
    z.object({
      location: locationCode,
      quarter: quarterId,
      status: z.enum(["all", "seclusion", "missing"]),
      rows: count,
    }),
  ),
  total: count,
  /**
   * Measures of deliveries with scope `all` (all types): the denominator of every `share` in
   * `byCategory` and `byType`. A delivery of seclusion only counts in `total`, not here.
   */
  allScopeTotal: count,
  uniqueYouth: count,
  /** Every month in range, zero-filled. */
  byMonth: z.array(z.object({ month: monthId, count })),
  /**
   * Every category of the codebook, zero-filled, in codebook order. `count`: every delivery;
   * `allScopeCount`: deliveries with all types only; `share` = allScopeCount / allScopeTotal.
   */
  byCategory: z.array(
    z.object({ category: z.string(), label: z.string(), count, allScopeCount: count, share }),
  ),
  /**
   * Every type of the codebook, zero-filled, in code order. `count`, `allScopeCount` and `share`
   * as in `byCategory`; `seclusionShare` (seclusion types only, else null) = count / all
   * seclusion measures, over deliveries with all types or seclusion only.
   */
  byType: z.array(
    z.object({
      type: z.number().int().positive(),
      label: z.string(),
      category: z.string(),
      count,
      allScopeCount: count,
      share,
      seclusionShare: share.nullable(),
    }),
  ),
  /** Seclusion by room type and locked / not locked (every combination, zero-filled). */
  seclusionByRoom: z.array(z.object({ room: z.string(), label: z.string(), locked: z.boolean(), count })),
  /** 24 entries, hour 0..23. */
  byStartHour: z.array(z.object({ hour: z.number().int().min(0).max(23), count })),
  /** Per category of the codebook (its order) 24 entries, hour 0..23: start time per main group. */
  byStartHourCategory: z
    .array(z.object({ hour: z.number().int().min(0).max(23), category: z.string(), count }))
    .optional(),
  /** Per type with at least one measure with an end: exact median (mean of the middle two for even n). */
  duration: z.array(
    z.object({
      type: z.number().int().positive(),
      label: z.string(),
      n: z.number().int().positive(),
      min: minutes,
      max: minutes,
      mean: minutes,
      median: minutes,
    }),
  ),
  carePlan: z.object({ yes: count, no: count, unknown: count }),
  /** How many young people had k measures, k ascending, only k with youth > 0. */
  youthFrequency: z.array(
    z.object({ measures: z.number().int().positive(), youth: z.number().int().positive() }),
  ),
  /**
   * Measures per 10 places of average occupancy, per month. `scope: "all"` counts all types
   * over locations that delivered all types; `scope: "seclusion"` counts seclusion types
   * (codes 6–11) over locations that delivered all types or seclusion only. A location-month
   * without occupancy is left out of both numerator and denominator. `per10` is null when
   * no occupancy is known for the month.
   */
  rates: z.array(
    z.object({
      month: monthId,
      scope: z.enum(["all", "seclusion"]),
      measures: count,
      occupancy: z.number().nonnegative(),
      per10: z.number().nonnegative().nullable(),
    }),
  ),
  /**
   * Measures that lasted longer than 12 hours and longer than 3 days (signals, never errors);
   * `byType`: the same per type of `duration` (the types with an end), in its order.
   */
  longMeasures: z.object({
    over12h: count,
    over3days: count,
    byType: z
      .array(z.object({ type: z.number().int().positive(), over12h: count, over3days: count }))
      .optional(),
  }),
  /**
   * Only when asked for (national report): per room × locked of `seclusionByRoom` (its order)
   * 24 entries, hour 0..23, the seclusions that started in that hour.
   */
  seclusionByStartHour: z
    .array(
      z.object({
        hour: z.number().int().min(0).max(23),
        room: z.string(),
        label: z.string(),
        locked: z.boolean(),
        count,
      }),
    )
    .optional(),
  dataQuality: z.object({
    /** Measures of a non-point-in-time type without an end. */
    missingEnd: count,
    /** Measures with duration 0 (start = end). */
    zeroDuration: count,
    /** Measures without a care-plan answer. */
    carePlanUnknown: count,
    /** Measures without a reason (Aanleiding) filled in. */
    missingReason: count,
  }),
});
export type FiguresModel = z.infer<typeof figuresModel>;
