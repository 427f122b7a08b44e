/**
 * The delivery page in a real browser (headless Chromium): the worker checks the file, the report
 * names row and column, the button stays disabled for a file with errors, and a valid .xlsx is
 * delivered and answered with the server's verdict. Skipped when no Chromium or playwright-core
 * is available on this machine (set CHROMIUM_PATH to point at one).
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../functions/compose.ts";
import { startPortal } from "../../functions/portal/server.ts";
import { addUser } from "../../functions/portal/users.ts";
import { csvBytes, HEADER, tempDir } from "../helpers.ts";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
type Playwright = typeof import("playwright-core");
const playwright: Playwright | null = await import("playwright-core").catch(() => null);
const t = tempDir("vbm-portal-browser-");
afterAll(() => t.cleanup());

describe.skipIf(!playwright || !existsSync(chromiumPath))("delivery page in a browser", () => {
  it("checks the file in the browser, blocks a file with errors and delivers a valid one", async () => {
    const runtime = createRuntime({ mode: "local", dataDir: join(t.dir, "data") });
    const password = "een lang wachtwoord";
    await addUser(runtime.store, { email: "ab@example.org", role: "location", location: "AB", password });
    const bad = join(t.dir, "fout.csv");
    writeFileSync(
      bad,
      csvBytes([
        ["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "", "3", "1"],
        ["AB0002", "31.02.2023", "09:00", "", "", "", "16", ""],
      ]),
    );
    const good = join(t.dir, "goed.xlsx");
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("VBM");
    sheet.addRow(HEADER);
    sheet.addRow(["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "", 3, 1]);
    await workbook.xlsx.writeFile(good);

    const portal = await startPortal({ runtime, port: 0, host: "127.0.0.1" });
    const browser = await (playwright as Playwright).chromium.launch({
      executablePath: chromiumPath,
      args: ["--no-sandbox"],
    });
    try {
      const page = await browser.newPage();
      const scriptErrors: string[] = [];
      page.on("pageerror", (e) => scriptErrors.push(String(e)));
      await page.goto(`${portal.url}/inloggen`);
      await page.getByLabel("E-mailadres").fill("ab@example.org");
      await page.getByLabel("Wachtwoord").fill(password);
      await page.getByRole("button", { name: "Inloggen" }).click();
      await page.waitForURL("**/aanleveren");

      await page.getByLabel("Kwartaal").selectOption("2023-Q1");
      const button = page.getByRole("button", { name: "Aanleveren" });
      expect(await button.isDisabled()).toBe(true);

      await page.getByLabel("Bestand").setInputFiles(bad);
      await page.getByRole("cell", { name: "rij 3", exact: true }).waitFor({ timeout: 20_000 });
      expect(await page.getByRole("cell", { name: "Datum start", exact: true }).count()).toBeGreaterThan(0);
      expect(await button.isDisabled()).toBe(true);
      expect(await runtime.store.list("dropzone", "")).toEqual([]);

      // A file dropped on the field is checked too.
      const dropped = await page.evaluateHandle(
        (text) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([text], "gesleept.csv", { type: "text/csv" }));
          return transfer;
        },
        new TextDecoder().decode(
          csvBytes([["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "", "3", "1"]]),
        ),
      );
      await page.dispatchEvent("#sleepvak", "drop", { dataTransfer: dropped });
      await page.getByText("Het bestand is goed").waitFor({ timeout: 30_000 });
      expect(await button.isDisabled()).toBe(false);

      await page.getByLabel("Bestand").setInputFiles(bad);
      await page.getByRole("cell", { name: "rij 3", exact: true }).waitFor({ timeout: 20_000 });
      expect(await button.isDisabled()).toBe(true);
      await page.getByLabel("Bestand").setInputFiles(good);
      await page.getByText("Het bestand is goed").waitFor({ timeout: 30_000 });
      expect(await button.isDisabled()).toBe(false);
      await button.click();
      await page.waitForURL("**/leveringen/*");
      expect(await page.locator("h1").textContent()).toContain("Geaccepteerd");
      expect(scriptErrors).toEqual([]);
    } finally {
      await browser.close();
      await portal.close();
    }
  }, 90_000);
});
