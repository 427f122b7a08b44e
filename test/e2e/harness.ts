/**
 * End-to-end harness: a temporary data dir with a few deliveries (made with the core, in process),
 * the portal on a random port of 127.0.0.1, and Debian's chromium driven by playwright-core.
 *
 * Without a chromium binary the suites are skipped with a message, so `npm run test:e2e` still
 * runs on a developer machine without one; with `CI=true` a missing chromium fails instead.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import axe from "axe-core";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { describe, it } from "vitest";
import { deliverFile } from "../../functions/cli/actions.ts";
import { createRuntime, type Runtime } from "../../functions/compose.ts";
import { startPortal } from "../../functions/portal/server.ts";
import type { Role } from "../../functions/portal/types.ts";
import { addUser } from "../../functions/portal/users.ts";
import { quarterBounds } from "../../schemas/quarter.ts";
import { csvBytes } from "../helpers.ts";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** The chromium binary: `CHROMIUM_PATH`, or Debian's package; null when there is none. */
export function chromiumPath(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

const inCi = process.env.CI === "true" || process.env.CI === "1";
let warned = false;

/**
 * `describe` for browser suites: skipped with a message when there is no chromium, except in CI
 * (`CI=true`), where a missing browser is a failure rather than a silent skip.
 */
export function describeE2E(name: string, body: () => void): void {
  if (chromiumPath()) {
    describe(name, body);
    return;
  }
  const message =
    "No chromium binary (set CHROMIUM_PATH or `apt-get install chromium`); the browser tests cannot run.";
  if (inCi) {
    describe(name, () => {
      it("has a chromium binary", () => {
        throw new Error(`${message} CI=true, so this is a failure.`);
      });
    });
    return;
  }
  if (!warned) console.warn(`[e2e] ${message} Skipping them.`);
  warned = true;
  describe.skip(name, body);
}

export const PASSWORD = "e2e-wachtwoord-2026";

/** Fictional locations of the harness. */
export const LOCATIONS = [
  { code: "AB", name: "De Berk (e2e)" },
  { code: "CD", name: "De Linde (e2e)" },
  { code: "EF", name: "De Eik (e2e)" },
] as const;

export const USERS: Record<
  "ab" | "cd" | "ef" | "facilitator" | "igj",
  { email: string; role: Role; location: string | null }
> = {
  ab: { email: "locatie-ab@e2e.example", role: "location", location: "AB" },
  cd: { email: "locatie-cd@e2e.example", role: "location", location: "CD" },
  ef: { email: "locatie-ef@e2e.example", role: "location", location: "EF" },
  facilitator: { email: "netwerk@e2e.example", role: "facilitator", location: null },
  igj: { email: "igj@e2e.example", role: "igj", location: null },
};

/** The quarter that ended last before `now` (the one a location delivers next), e.g. `2026-Q3`. */
export function lastEndedQuarter(now = new Date()): string {
  const q = Math.floor(now.getUTCMonth() / 3); // 0-based quarter now; the previous one ended last
  return q === 0 ? `${now.getUTCFullYear() - 1}-Q4` : `${now.getUTCFullYear()}-Q${q}`;
}

/** `dd.mm.yyyy` of the `day`-th day (1-based) of a quarter. */
function dayOf(quarter: string, day: number): string {
  const first = new Date(`${quarterBounds(quarter).first}T00:00:00Z`);
  const d = new Date(first.getTime() + (day - 1) * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
}

/**
 * A delivery file for `location` and `quarter`. With `error`, row 3 (the second data row) has an
 * unknown "Type VBM" (99), which the validator reports as `rij 3, kolom "Type VBM"`.
 */
export function deliveryCsv(location: string, quarter: string, opts: { error?: boolean } = {}): Buffer {
  const rows = [
    [`${location}0001`, dayOf(quarter, 10), "14:00", dayOf(quarter, 10), "14:30", "Ruzie", "3", "1"],
    [
      `${location}0002`,
      dayOf(quarter, 11),
      "09:00",
      dayOf(quarter, 11),
      "09:30",
      "",
      opts.error ? "99" : "10",
      "",
    ],
    [`${location}0001`, dayOf(quarter, 40), "20:00", dayOf(quarter, 40), "21:00", "Kamercontrole", "18", "2"],
  ];
  return Buffer.from(csvBytes(rows, { bom: true }));
}

export interface SeededDelivery {
  location: string;
  quarter: string;
  fileName: string;
  attemptId: string;
  status: string;
}

export interface Harness {
  url: string;
  dataDir: string;
  runtime: Runtime;
  browser: Browser;
  /** The quarter the seeded deliveries are for (the last ended quarter). */
  quarter: string;
  /** What was delivered before the portal started: AB accepted, EF rejected, CD nothing. */
  seeded: SeededDelivery[];
  /** Delivers a file for `location` through the core (as the CLI's `deliver` does). */
  deliver(location: string, opts?: { error?: boolean; fileName?: string }): Promise<SeededDelivery>;
  /** A fresh browser context (own cookies), whose pages fail the test on CSP violations. */
  newContext(): Promise<BrowserContext>;
  /** A page in a fresh context, signed in through the form as `user`. */
  signedIn(user: keyof typeof USERS): Promise<Page>;
  close(): Promise<void>;
}

/** Starts data dir, portal and browser; `close()` removes all of it. */
export async function startHarness(): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), "vbm-e2e-"));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dataDir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    mkdirSync(join(dataDir, "config"), { recursive: true });
    writeFileSync(
      join(dataDir, "config", "locations.json"),
      `${JSON.stringify(
        LOCATIONS.map((l) => ({ ...l, emails: [`post-${l.code.toLowerCase()}@e2e.example`] })),
        null,
        2,
      )}\n`,
    );
    const runtime = createRuntime({ mode: "local", dataDir });
    const quarter = lastEndedQuarter();
    const deliver = async (
      location: string,
      opts: { error?: boolean; fileName?: string } = {},
    ): Promise<SeededDelivery> => {
      const fileName = opts.fileName ?? `${location.toLowerCase()}-seed-${quarter}.csv`;
      const outcome = await deliverFile(runtime, {
        key: `${location}/${quarter}/all/${fileName}`,
        load: async () => new Uint8Array(deliveryCsv(location, quarter, { error: opts.error ?? false })),
      });
      return { location, quarter, fileName, attemptId: outcome.entry.attempt_id, status: outcome.status };
    };
    const seeded = [await deliver("AB"), await deliver("EF", { error: true })];
    for (const u of Object.values(USERS)) await addUser(runtime.store, { ...u, password: PASSWORD });

    const portal = await startPortal({ runtime, port: 0, host: "127.0.0.1" });
    cleanups.push(() => portal.close());
    const executablePath = chromiumPath();
    if (!executablePath) throw new Error("No chromium binary (set CHROMIUM_PATH).");
    const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
    cleanups.push(() => browser.close());

    const newContext = async () => {
      const context = await browser.newContext({ baseURL: portal.url, locale: "nl-NL" });
      context.setDefaultTimeout(15_000);
      context.on("page", (p) => watchCsp(p));
      return context;
    };
    return {
      url: portal.url,
      dataDir,
      runtime,
      browser,
      quarter,
      seeded,
      deliver,
      newContext,
      async signedIn(user) {
        const context = await newContext();
        const page = await context.newPage();
        await signIn(page, USERS[user].email, PASSWORD);
        return page;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Signs in through the form, by the fields' accessible names, and waits for the next page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  // Already on the form (e.g. `/inloggen?terug=/leveringen` after a redirect): keep its `terug`.
  if (!page.url().startsWith("http") || new URL(page.url()).pathname !== "/inloggen")
    await page.goto("/inloggen");
  await page.getByLabel("E-mailadres").fill(email);
  await page.getByLabel("Wachtwoord").fill(password);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== "/inloggen"),
    page.getByRole("button", { name: "Inloggen" }).click(),
  ]).catch(async (e) => {
    throw new Error(`Signing in as ${email} did not leave the sign-in page: ${e}\n${await mainText(page)}`);
  });
}

/** The text of the page's main landmark (for assertion messages). */
export async function mainText(page: Page): Promise<string> {
  const text = await page
    .locator("main")
    .textContent()
    .catch(() => "");
  return (text ?? "").replace(/\s+/g, " ").trim();
}

/**
 * CSP violations end up on the console. Kept per page and checked by `checkA11y` (and
 * `assertNoCspViolations`): a page that only works with inline script or style fails here.
 */
const cspViolations = new WeakMap<Page, string[]>();
export function watchCsp(page: Page): void {
  const seen: string[] = [];
  cspViolations.set(page, seen);
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy/i.test(msg.text())) seen.push(msg.text());
  });
}

export function assertNoCspViolations(page: Page): void {
  const seen = cspViolations.get(page) ?? [];
  if (seen.length > 0) throw new Error(`CSP violations on ${page.url()}:\n${seen.join("\n")}`);
}

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * Runs axe-core (WCAG 2.1 A and AA) on the page as it is now and fails on serious or critical
 * violations, listing rule, impact, help and the elements. axe is evaluated through the DevTools
 * protocol (`page.evaluate`), which the page's CSP does not govern, so the tests keep the
 * portal's real CSP (`script-src 'self'`) instead of bypassing it.
 */
export async function checkA11y(page: Page): Promise<void> {
  await page.waitForLoadState("load");
  const hasAxe = await page.evaluate(() => "axe" in window);
  if (!hasAxe) await page.evaluate(axe.source);
  const violations = await page.evaluate(async (tags) => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected into the page at run time
    const run = (window as any).axe.run as (ctx: Document, opts: object) => Promise<{ violations: any[] }>;
    const result = await run(document, {
      runOnly: { type: "tag", values: tags },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: String(v.id),
      impact: String(v.impact),
      help: String(v.help),
      targets: (v.nodes as { target: unknown[] }[]).slice(0, 5).map((n) => n.target.join(" ")),
    }));
  }, WCAG_TAGS);
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length > 0)
    throw new Error(
      `axe: ${bad.length} serious/critical WCAG 2.1 AA violation(s) on ${new URL(page.url()).pathname}:\n${bad
        .map((v) => `- ${v.id} (${v.impact}): ${v.help}\n    ${v.targets.join("\n    ")}`)
        .join("\n")}`,
    );
  assertNoCspViolations(page);
}

/** Picks `preferred` in the 'Kwartaal' select when offered, else keeps the default; returns the choice. */
export async function chooseQuarter(page: Page, preferred: string): Promise<string> {
  const select = page.getByLabel("Kwartaal");
  const values = await select
    .locator("option")
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  if (values.includes(preferred)) await select.selectOption(preferred);
  const chosen = await select.inputValue();
  if (!/^\d{4}-Q[1-4]$/.test(chosen))
    throw new Error(
      `'Kwartaal' has value "${chosen}" (options: ${values.join(", ")}), not a quarter YYYY-Qn`,
    );
  return chosen;
}

/** Puts a CSV file in the 'Bestand' input, and presses 'Controleren' when the page has such a button. */
export async function chooseFile(page: Page, name: string, body: Buffer): Promise<void> {
  await page.getByLabel("Bestand").setInputFiles({ name, mimeType: "text/csv", buffer: body });
  const check = page.getByRole("button", { name: /controleren/i });
  if ((await check.count()) > 0) await check.first().click();
}
