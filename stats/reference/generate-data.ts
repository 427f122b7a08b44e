/**
 * Generates the synthetic, deterministic test data of the trend models (no real data):
 *
 *   npx tsx stats/reference/generate-data.ts
 *
 * writes three data sets, each as months.csv (one row per location-month: occupancy and number
 * of seclusions) and measures.csv (one row per seclusion: duration in minutes and whether it
 * was in an isolation/seclusion room):
 *   test/fixtures/trend/          6 locations, seed 20191001 (the reference data set)
 *   test/fixtures/trend/heldout/  9 locations, seed 7, other effects and more gaps (held out)
 *   test/fixtures/trend/no-overdispersion/  6 locations, seed 32, Poisson counts (no
 *     overdispersion): θ of the NB count models cannot be estimated (R warns), so both count
 *     models are fitted as Poisson
 * Months run from October 2019 to September 2023; the four periods are those of the seed
 * study, months between them have an empty period. Some location-months are missing (not
 * delivered), and a few measures lack a duration. stats/reference/trend-models.R fits the
 * reference models on these files.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

interface Scenario {
  dir: string;
  seed: number;
  locations: {
    code: string;
    occupancy: number;
    rate: number;
    duration: number;
    isolation: number;
    from?: string;
  }[];
  /** log rate ratio, log duration ratio and log odds ratio (isolation room) per period P0..P3 */
  count: number[];
  duration: number[];
  isolation: number[];
  /** monthly log-rate slope within a period */
  slope: number;
  /** NB2 θ of the counts; null = Poisson counts (no overdispersion). */
  countTheta: number | null;
  durationTheta: number;
  missingMonths: number;
  missingDuration: number;
}

const scenarios: Scenario[] = [
  {
    dir: "test/fixtures/trend",
    seed: 20191001,
    locations: [
      { code: "LA", occupancy: 32, rate: 0.3, duration: 80, isolation: 0.4 },
      { code: "LB", occupancy: 24, rate: 0.45, duration: 120, isolation: -0.6 },
      { code: "LC", occupancy: 40, rate: 0.2, duration: 60, isolation: 0.9 },
      { code: "LD", occupancy: 16, rate: 0.08, duration: 150, isolation: -1.2, from: "2020-01" },
      { code: "LE", occupancy: 28, rate: 0.25, duration: 45, isolation: 0 },
      { code: "LF", occupancy: 20, rate: 0.35, duration: 95, isolation: 0.2 },
    ],
    count: [0, -0.25, -0.5, -0.55],
    duration: [0, -0.2, -0.35, -0.5],
    isolation: [0, -0.4, -0.8, -1.0],
    slope: -0.015,
    countTheta: 3,
    durationTheta: 0.8,
    missingMonths: 0.05,
    missingDuration: 0.01,
  },
  {
    dir: "test/fixtures/trend/heldout",
    seed: 7,
    locations: [
      { code: "AP", occupancy: 12, rate: 0.2, duration: 70, isolation: -0.3 },
      { code: "BW", occupancy: 30, rate: 0.12, duration: 110, isolation: 0.5 },
      { code: "DK", occupancy: 22, rate: 0.3, duration: 40, isolation: -1 },
      { code: "GR", occupancy: 18, rate: 0.05, duration: 200, isolation: 1.1, from: "2020-10" },
      { code: "HN", occupancy: 36, rate: 0.15, duration: 90, isolation: 0 },
      { code: "KZ", occupancy: 26, rate: 0.22, duration: 60, isolation: -0.5 },
      { code: "MV", occupancy: 14, rate: 0.1, duration: 130, isolation: 0.3 },
      { code: "RT", occupancy: 20, rate: 0.18, duration: 75, isolation: -0.2 },
      { code: "ZO", occupancy: 44, rate: 0.09, duration: 100, isolation: 0.8 },
    ],
    count: [0, 0.1, -0.3, -0.2],
    duration: [0, -0.35, -0.3, -0.6],
    isolation: [0, -0.2, -0.6, -0.5],
    slope: 0.01,
    countTheta: 1.5,
    durationTheta: 0.6,
    missingMonths: 0.1,
    missingDuration: 0.02,
  },
  {
    dir: "test/fixtures/trend/no-overdispersion",
    seed: 32,
    locations: [
      { code: "QA", occupancy: 20, rate: 0.25, duration: 80, isolation: 0.2 },
      { code: "QB", occupancy: 28, rate: 0.15, duration: 100, isolation: -0.4 },
      { code: "QC", occupancy: 14, rate: 0.35, duration: 60, isolation: 0.6 },
      { code: "QD", occupancy: 34, rate: 0.1, duration: 120, isolation: -0.8 },
      { code: "QE", occupancy: 24, rate: 0.2, duration: 90, isolation: 0 },
      { code: "QF", occupancy: 18, rate: 0.3, duration: 70, isolation: 0.3 },
    ],
    count: [0, -0.15, -0.3, -0.35],
    duration: [0, -0.1, -0.2, -0.3],
    isolation: [0, -0.3, -0.5, -0.6],
    slope: -0.01,
    countTheta: null,
    durationTheta: 0.9,
    missingMonths: 0.05,
    missingDuration: 0.01,
  },
];

/** mulberry32: small, fast and fully deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Marsaglia–Tsang gamma(shape, scale). */
function gamma(u: () => number, shape: number, scale: number): number {
  if (shape < 1) return gamma(u, shape + 1, scale) * (1 - u()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(u);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    if (Math.log(1 - u()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
  }
}

/** Poisson by Knuth's method in chunks of mean ≤ 30. */
function poisson(u: () => number, mean: number): number {
  let n = 0;
  for (let rest = mean; rest > 0; rest -= 30) {
    const limit = Math.exp(-Math.min(rest, 30));
    let p = u();
    while (p > limit) {
      n++;
      p *= u();
    }
  }
  return n;
}

const negbin = (u: () => number, mean: number, theta: number) => poisson(u, gamma(u, theta, mean / theta));

const PERIODS: [string, string, string][] = [
  ["P0", "2019-10", "2020-03"],
  ["P1", "2020-09", "2021-08"],
  ["P2", "2021-09", "2022-09"],
  ["P3", "2022-10", "2023-09"],
];

function months(): { month: string; period: string; index: number; inPeriod: number | null }[] {
  const out = [];
  for (let k = 0; k < 48; k++) {
    const y = 2019 + Math.floor((9 + k) / 12);
    const m = ((9 + k) % 12) + 1;
    const month = `${y}-${String(m).padStart(2, "0")}`;
    const p = PERIODS.findIndex(([, from, to]) => month >= from && month <= to);
    const start = PERIODS[p]?.[1];
    const inPeriod = start ? (y - Number(start.slice(0, 4))) * 12 + m - Number(start.slice(5)) : null;
    out.push({ month, period: p < 0 ? "" : `P${p}`, index: p, inPeriod });
  }
  return out;
}

for (const s of scenarios) {
  const u = rng(s.seed);
  const monthRows = ["location,month,period,monthInPeriod,occupancy,seclusions"];
  const measureRows = ["location,month,period,durationMin,isolation"];
  for (const loc of s.locations) {
    for (const m of months()) {
      if (loc.from && m.month < loc.from) continue;
      if (u() < s.missingMonths) continue;
      const occupancy = Math.max(4, Math.round((loc.occupancy + 3 * normal(u)) * 10) / 10);
      const k = Math.max(m.index, 0);
      const logRate =
        Math.log(loc.rate) + (s.count[k] as number) + (m.index < 0 ? 0 : s.slope * (m.inPeriod as number));
      const mean = occupancy * Math.exp(logRate);
      const n = s.countTheta === null ? poisson(u, mean) : negbin(u, mean, s.countTheta);
      monthRows.push([loc.code, m.month, m.period, m.inPeriod ?? "", occupancy.toFixed(1), n].join(","));
      for (let i = 0; i < n; i++) {
        const mean = loc.duration * Math.exp(s.duration[k] as number);
        const duration = u() < s.missingDuration ? "" : Math.min(1440, negbin(u, mean, s.durationTheta));
        const logit = -0.3 + loc.isolation + (s.isolation[k] as number);
        const isolation = u() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
        measureRows.push([loc.code, m.month, m.period, duration, isolation].join(","));
      }
    }
  }
  const dir = resolve(import.meta.dirname, "../..", s.dir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, "months.csv"), `${monthRows.join("\n")}\n`);
  writeFileSync(resolve(dir, "measures.csv"), `${measureRows.join("\n")}\n`);
  console.log(`${s.dir}: ${monthRows.length - 1} location-months, ${measureRows.length - 1} measures`);
}
