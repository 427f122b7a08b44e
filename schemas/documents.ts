import type { FiguresModel } from "./figures.ts";

/**
 * Inputs of the documents people read. They are built from the figures model only (plus what
 * the location's own private receipt holds), never from row-level data.
 */

/** A young person whose number of measures rose sharply against the previous quarter. */
export interface YouthRise {
  /** The location's own youth number: only ever shown to that location. */
  youthNumber: string;
  previous: number;
  current: number;
}

/** Signals worth discussing (never errors). */
export interface Signals {
  /** Seclusion in a locked room (the sector agreed to stop this from December 2022). */
  lockedRooms: number;
  /** Measures that lasted longer than 12 hours / longer than 3 days. */
  over12h: number;
  over3days: number;
  /** Only in the location's own factsheet; computed at delivery time, kept in its receipt. */
  youthRises: YouthRise[];
}

export interface FactsheetInput {
  location: { code: string; name: string };
  quarter: string;
  /** This location, this quarter. */
  current: FiguresModel;
  /** This location, previous quarter (null when it did not deliver). */
  previous: FiguresModel | null;
  /** National figures of this quarter, for the distribution comparison (shares only). */
  national: FiguresModel;
  signals: Signals;
  /** Warnings from the validation of the accepted delivery (counts per code). */
  warnings: { code: string; title: string; count: number }[];
  generatedAt: string;
}

export interface NationalReportInput {
  from: string;
  to: string;
  /** National figures over the whole range. */
  total: FiguresModel;
  /** National figures per quarter in range (for trends corrected for occupancy). */
  perQuarter: FiguresModel[];
  /** Delivery matrix: location × quarter; `zero` = accepted header-only delivery. */
  matrix: { location: string; quarter: string; status: "all" | "seclusion" | "missing" | "zero" }[];
  generatedAt: string;
  /** Small counts (below this) are shown as `<threshold`; cells hidden to protect them as `x`. */
  suppressionThreshold: number;
}

/**
 * A count after disclosure control: `value` is null when the cell is suppressed. A small count
 * (primary suppression, 1 … threshold−1) is shown as `<threshold` (e.g. `<5`); a cell hidden to
 * protect another one (secondary suppression, `secondary: true`) is shown as hidden (`x`), never
 * as `<5`: it is not below the threshold.
 */
export interface Cell {
  value: number | null;
  suppressed: boolean;
  /** Only on a suppressed cell: hidden to protect another cell, not itself a small count. */
  secondary?: true;
}

/**
 * The figures model after disclosure control: what may leave a location's own view (national
 * report, IGJ exports). Shares and statistics based on suppressed counts, or on fewer than
 * `threshold` measures, are null.
 */
export interface ProtectedFigures {
  location: string | null;
  from: string;
  to: string;
  threshold: number;
  total: Cell;
  /** Measures of deliveries with all types: the denominator of every `share`. */
  allScopeTotal: Cell;
  uniqueYouth: Cell;
  byMonth: { month: string; count: Cell }[];
  /** `count`: every delivery; `share` = allScopeCount / allScopeTotal (deliveries with all types). */
  byCategory: { category: string; label: string; count: Cell; allScopeCount: Cell; share: number | null }[];
  /** As `byCategory`; `seclusionShare` (seclusion types): count / the seclusion category's count. */
  byType: {
    type: number;
    label: string;
    category: string;
    count: Cell;
    allScopeCount: Cell;
    share: number | null;
    seclusionShare: number | null;
  }[];
  seclusionByRoom: { room: string; label: string; locked: boolean; count: Cell }[];
  /** The margins of room × locked: per room, locked / not locked, and all seclusions with a room. */
  seclusionRoomMargins: {
    byRoom: { room: string; label: string; count: Cell }[];
    byLocked: { locked: boolean; count: Cell }[];
    total: Cell;
  };
  /**
   * Only when the model has it (national report): seclusions per block of start hours (3 hours
   * from midnight) and room × locked, with each block's total.
   */
  seclusionByStartBlock?: {
    blocks: { block: string; label: string; from: number; to: number; total: Cell }[];
    cells: { block: string; room: string; label: string; locked: boolean; count: Cell }[];
  };
  /**
   * Measures over 12 hours and over 3 days; per type with a duration (`duration`'s types, only
   * when the model has them per type): the measures with an end (`withEnd` = duration n), those
   * over 12 hours and their share of `withEnd` (null when either is suppressed).
   */
  longMeasures: {
    over12h: Cell;
    over3days: Cell;
    byType: { type: number; label: string; withEnd: Cell; over12h: Cell; share: number | null }[];
  };
  byStartHour: { hour: number; count: Cell }[];
  duration: {
    type: number;
    label: string;
    n: Cell;
    min: number | null;
    max: number | null;
    mean: number | null;
    median: number | null;
  }[];
  carePlan: { yes: Cell; no: Cell; unknown: Cell };
  /** Young people by number of measures, in bands ("1", "2", "3–5", "6–10", "11–20", "meer dan 20"). */
  youthFrequency: { band: string; youth: Cell }[];
  rates: {
    month: string;
    scope: "all" | "seclusion";
    measures: Cell;
    occupancy: number;
    per10: number | null;
  }[];
  dataQuality: { missingEnd: Cell; zeroDuration: Cell; carePlanUnknown: Cell; missingReason: Cell };
}
