/**
 * Figures the synthetic demo data are calibrated on: the 2023 national results of the VBM
 * monitor (see the shared DOMAIN notes, section 5). Everything here is aggregate and public;
 * the names and texts are invented.
 */

/** National number of measures per month, 2023 (January … September). */
export const NATIONAL_MONTHLY_TOTALS: Readonly<Record<string, number>> = {
  "2023-01": 469,
  "2023-02": 445,
  "2023-03": 506,
  "2023-04": 431,
  "2023-05": 444,
  "2023-06": 407,
  "2023-07": 381,
  "2023-08": 430,
  "2023-09": 448,
};

export type CategoryId =
  | "elektronisch_toezicht"
  | "beperken_bewegingsvrijheid"
  | "gedwongen_afzonderen"
  | "geneeskundige_behandeling"
  | "beperken_contacten"
  | "controles";

/** Share of all measures per category, 2023 (in %). */
export const CATEGORY_SHARES: Readonly<Record<CategoryId, number>> = {
  gedwongen_afzonderen: 53.1,
  controles: 24.5,
  beperken_bewegingsvrijheid: 19.3,
  elektronisch_toezicht: 2.0,
  beperken_contacten: 1.1,
  geneeskundige_behandeling: 0.1,
};

/**
 * Relative weight of each type within its category. Taken from the n column of the 2023
 * duration table; controls (no durations, so no n) and type 5 (not in the table) are plausible
 * guesses.
 */
export const TYPE_WEIGHTS: Readonly<Record<CategoryId, Readonly<Record<number, number>>>> = {
  elektronisch_toezicht: { 1: 80 },
  beperken_bewegingsvrijheid: { 2: 4, 3: 713, 4: 42, 5: 10 },
  gedwongen_afzonderen: { 6: 171, 7: 26, 8: 67, 9: 46, 10: 581, 11: 847 },
  geneeskundige_behandeling: { 12: 3 },
  beperken_contacten: { 13: 37, 14: 7 },
  controles: { 15: 15, 16: 30, 17: 22, 18: 28, 19: 5 },
};

export const SECLUSION_CODES: readonly number[] = [6, 7, 8, 9, 10, 11];
export const POINT_IN_TIME_CODES: readonly number[] = [15, 16, 17, 18, 19];

/** Duration of one measure type, in minutes, as in the 2023 national duration table. */
export interface DurationProfile {
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Share of measures registered with start = end (the table's minimum of 0:00). */
  zeroShare: number;
}

const hm = (h: number, m: number): number => h * 60 + m;

/** Types 15–19 (searches, tests) have no duration. Type 5 is not in the table: an invented profile. */
export const DURATIONS: Readonly<Record<number, DurationProfile>> = {
  1: { min: hm(0, 10), max: hm(22, 45), mean: hm(5, 57), median: hm(3, 45), zeroShare: 0 },
  2: { min: hm(0, 1), max: hm(16, 0), mean: hm(12, 0), median: hm(16, 0), zeroShare: 0 },
  3: { min: 0, max: hm(23, 28), mean: hm(1, 14), median: hm(0, 15), zeroShare: 0.07 },
  4: { min: 0, max: hm(23, 31), mean: hm(5, 5), median: hm(3, 0), zeroShare: 0.03 },
  5: { min: hm(0, 30), max: hm(23, 59), mean: hm(7, 0), median: hm(4, 0), zeroShare: 0 },
  6: { min: 0, max: hm(22, 45), mean: hm(3, 48), median: hm(1, 0), zeroShare: 0.03 },
  7: { min: 0, max: hm(11, 45), mean: hm(3, 14), median: hm(1, 0), zeroShare: 0.03 },
  8: { min: 0, max: hm(18, 0), mean: hm(4, 12), median: hm(1, 15), zeroShare: 0.03 },
  9: { min: hm(0, 10), max: hm(7, 30), mean: hm(1, 32), median: hm(1, 0), zeroShare: 0 },
  10: { min: 0, max: hm(23, 28), mean: hm(1, 57), median: hm(0, 45), zeroShare: 0.03 },
  11: { min: 0, max: hm(22, 30), mean: hm(2, 29), median: hm(0, 35), zeroShare: 0.04 },
  12: { min: hm(0, 15), max: hm(5, 9), mean: hm(1, 59), median: hm(0, 35), zeroShare: 0 },
  13: { min: 0, max: hm(23, 55), mean: hm(2, 20), median: hm(1, 0), zeroShare: 0.03 },
  14: { min: hm(0, 10), max: hm(3, 15), mean: hm(1, 51), median: hm(1, 30), zeroShare: 0 },
};

/**
 * Relative frequency of the start hour (0–23): quiet at night, a small morning rise, peaks in
 * the afternoon and evening when the groups are together.
 */
export const START_HOUR_WEIGHTS: readonly number[] = [
  2, 1.2, 0.8, 0.5, 0.4, 0.4, 0.8, 2.5, 4.5, 5.5, 5.5, 6, 6.5, 7, 8, 9.5, 10, 10, 9, 8, 8.5, 8, 6, 3.5,
];

/** Care plan answers, 2023: 30% yes ("1"), 25% no ("2"), 45% left empty. */
export const CARE_PLAN_SHARES = { yes: 0.3, no: 0.25, empty: 0.45 } as const;

/** Invented first names used in the free-text reasons (some with diacritics, all in Windows-1252). */
export const FIRST_NAMES: readonly string[] = [
  "Sanne",
  "Daan",
  "Lotte",
  "Milan",
  "Zoë",
  "Noël",
  "Chloë",
  "Joël",
  "Renée",
  "Thijs",
  "Fleur",
  "Sem",
  "Anouk",
  "Bram",
  "Yara",
  "Finn",
  "Iris",
  "Luuk",
  "Mila",
  "Ruben",
];

export type ReasonGroup =
  | "escalatie"
  | "controles"
  | "bewegingsvrijheid"
  | "toezicht"
  | "contacten"
  | "medisch";

/** Which list of reasons fits a type: seclusion and holding follow an escalation. */
export function reasonGroupOf(type: number): ReasonGroup {
  if (type === 3 || SECLUSION_CODES.includes(type)) return "escalatie";
  if (POINT_IN_TIME_CODES.includes(type)) return "controles";
  if (type === 1) return "toezicht";
  if (type === 12) return "medisch";
  if (type === 13 || type === 14) return "contacten";
  return "bewegingsvrijheid";
}

/**
 * Short Dutch reasons (Aanleiding) as care workers type them. `{naam}` is replaced by a first
 * name. Some contain `;` or `"` to exercise CSV quoting, some é/ë/ï/ö.
 */
export const REASONS: Readonly<Record<ReasonGroup, readonly string[]>> = {
  escalatie: [
    "Conflict met groepsgenoot {naam}",
    "Weigerde mee te gaan naar kamer",
    "Agressief naar begeleider",
    "Schopte tegen deur van de huiskamer",
    "Ruzie met {naam} tijdens het eten",
    "Dreigde met zelfbeschadiging",
    "Vernieling op de groep; tafel omgegooid",
    "Escalatie na telefoongesprek met moeder",
    "Onrustig na bezoek, wilde niet kalmeren",
    'Riep "ik maak je af" naar {naam}',
    "Weglooppoging tijdens luchten",
    "Escalatie na gesprek over financiën",
    "Bedreigde coördinator op de groep",
    "Spuugde naar begeleider",
    "Paniekaanval; zelf om rust gevraagd",
    "Ideeën over weglopen uitgesproken",
    "Conflict over telefoongebruik",
    "Gooide met servies na ruzie met {naam}",
    "Liet zich niet corrigeren tijdens school",
    "Vechtpartij met {naam} op de gang",
  ],
  controles: [
    "Terugkomst van verlof",
    "Vermoeden van middelengebruik",
    "Vermoeden bezit scherp voorwerp",
    "Routinecontrole kamer",
    "Geur van hasj op de kamer",
    "Pakket ontvangen van familie",
    "Signaal van {naam} over telefoon op kamer",
    "Controle na weglopen",
    "Afspraak uit behandelplan: controle na verlof",
    'Brief met "verdachte" inhoud',
    "Na bezoek van oom; vermoeden smokkel",
  ],
  bewegingsvrijheid: [
    "Uitgesloten van sport na ruzie met {naam}",
    "Niet mee naar activiteit i.v.m. onrust",
    "Plaatsverbod keuken na vernieling",
    "Tijdelijk overgeplaatst na ernstig incident",
  ],
  toezicht: [
    "Cameratoezicht i.v.m. suïcidaliteit",
    "Camera aan na zelfbeschadiging",
    "Extra toezicht via camera 's nachts",
  ],
  contacten: [
    "Bedreigende berichten via telefoon",
    "Bezoek beperkt na smokkelpoging",
    "Contact met {naam} via sociale media beperkt",
  ],
  medisch: ["Depotmedicatie op last van arts", "Weigerde noodzakelijke medicatie"],
};
