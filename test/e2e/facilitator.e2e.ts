import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { checkA11y, describeE2E, type Harness, mainText, startHarness } from "./harness.ts";

/** Not delivered: before the deadline 'ontbreekt', after it 'te laat' (the cell starts with its status). */
const MISSING = /^(ontbreekt|te laat)\b/i;
const DELIVERED = /^geleverd\b/i;

/** The 'Leveringen' table's rows as [code, ...status cells], and its header row. */
async function matrix(
  page: Page,
): Promise<{ table: Locator; header: string[]; rows: Map<string, string[]> }> {
  const table = page.getByRole("table", { name: "Leveringen" });
  await table.waitFor().catch(async (e) => {
    throw new Error(`No table with caption 'Leveringen': ${e}\n${await mainText(page)}`);
  });
  const text = (l: Locator) =>
    l.evaluateAll((cells) => cells.map((c) => (c.textContent ?? "").replace(/\s+/g, " ").trim()));
  const header = await text(table.locator("thead tr").first().locator("th, td"));
  const rows = new Map<string, string[]>();
  for (const row of await table.locator("tbody tr").all()) {
    const cells = await text(row.locator("th, td"));
    if (cells[0]) rows.set(cells[0].slice(0, 2), cells.slice(1));
  }
  return { table, header, rows };
}

describeE2E("the facilitator's matrix (browser)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("shows a location that delivered as delivered and one that did not as missing, as text in the 'Leveringen' table", async () => {
    // Prepare: the harness delivered AB (accepted) and EF (rejected) for the last ended quarter; CD nothing
    const page = await h.signedIn("facilitator");
    // Act
    if (new URL(page.url()).pathname !== "/overzicht") await page.goto("/overzicht");
    const { header, rows } = await matrix(page);
    // Assess: one row per location, code in the first cell
    expect([...rows.keys()].sort()).toEqual(["AB", "CD", "EF"]);
    // The harness quarter's column when the matrix has one per quarter, else its last column
    const column = header.findIndex(
      (th) => th.includes(h.quarter) || th.includes(h.quarter.replace("-Q", " Q")),
    );
    const status = (code: string) => {
      const cells = rows.get(code) ?? [];
      return (column > 0 ? cells[column - 1] : cells.at(-1)) ?? "";
    };
    const context = `header: ${header.join(" | ")}\n${[...rows].map(([k, v]) => `${k}: ${v.join(" | ")}`).join("\n")}`;
    expect(status("AB"), context).toMatch(DELIVERED);
    expect(status("AB"), context).not.toMatch(MISSING);
    expect(status("CD"), context).toMatch(MISSING);
    expect(status("CD"), context).not.toMatch(/geleverd|geaccepteerd|poging/i);
    expect(status("EF"), context).toMatch(/^afgewezen\b/i);
    await checkA11y(page);
    await page.context().close();
  });

  it("keeps the facilitator and IGJ out of each other's pages and out of the location pages", async () => {
    // Prepare
    const facilitator = await h.signedIn("facilitator");
    const igj = await h.signedIn("igj");
    // Act
    const statuses = async (page: Page, paths: string[]) =>
      Promise.all(
        paths.map(async (p) => `${p} ${(await page.request.get(p, { maxRedirects: 0 })).status()}`),
      );
    // Assess
    expect(await statuses(facilitator, ["/aanleveren", "/leveringen", "/igj"])).toEqual([
      "/aanleveren 403",
      "/leveringen 403",
      "/igj 403",
    ]);
    expect(await statuses(igj, ["/aanleveren", "/leveringen", "/overzicht", "/acties"])).toEqual([
      "/aanleveren 403",
      "/leveringen 403",
      "/overzicht 403",
      "/acties 403",
    ]);
    await facilitator.context().close();
    await igj.context().close();
  });

  it("runs the actions in the browser, each result state without serious or critical axe findings", async () => {
    // Prepare
    const page = await h.signedIn("facilitator");
    await page.goto("/acties");
    await checkA11y(page);
    // Act + assess: reminders for the harness quarter (CD has nothing, EF only a rejected file)
    await page.getByLabel("Kwartaal", { exact: true }).first().fill(h.quarter);
    await page.getByRole("button", { name: "Stuur herinneringen" }).click();
    await expect.poll(() => mainText(page)).toContain(`Herinneringen voor ${h.quarter}`);
    const reminded = await mainText(page);
    expect(reminded).toMatch(/CD: herinnering verstuurd/);
    expect(reminded).toMatch(/EF: herinnering verstuurd/);
    expect(reminded).not.toMatch(/AB:/);
    await checkA11y(page);

    // An occupancy file with an error: its verdict page names row and column.
    const year = h.quarter.slice(0, 4);
    await page.locator("#bestand").setInputFiles({
      name: "bezetting fout.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`Locatie;Maand;Gemiddelde bezetting\nAB;${year}-13;10\n`),
    });
    await page.getByRole("button", { name: "Lees in" }).click();
    await page.waitForURL(/\/acties\/bezetting\/[0-9a-f]{20}$/);
    const refused = await mainText(page);
    expect(refused).toContain("Afgewezen");
    expect(refused).toMatch(/Rij 2, kolom Maand/);
    await checkA11y(page);

    // A good one.
    await page.goto("/acties");
    await page.locator("#bestand").setInputFiles({
      name: "bezetting.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`Locatie;Maand;Gemiddelde bezetting\nAB;${year}-01;10,5\nCD;${year}-01;8\n`),
    });
    await page.getByRole("button", { name: "Lees in" }).click();
    await page.waitForURL(/\/acties\/bezetting\/[0-9a-f]{20}$/);
    expect(await mainText(page)).toContain("Bezetting ingelezen uit bezetting.csv: 2 regels");
    await checkA11y(page);

    // A form error (the range backwards) is announced on the page.
    await page.goto("/acties");
    await page.getByLabel("Van kwartaal").fill("2024-Q3");
    await page.getByLabel("Tot en met kwartaal").fill("2024-Q1");
    await page.getByRole("button", { name: /Maak de rapportage/ }).click();
    await expect.poll(() => mainText(page)).toContain("ligt vóór");
    expect(await page.getByRole("alert").count()).toBeGreaterThan(0);
    await checkA11y(page);
    await page.context().close();
  });
});
