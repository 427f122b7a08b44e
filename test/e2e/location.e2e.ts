import { afterAll, beforeAll, expect, it } from "vitest";
import {
  checkA11y,
  chooseFile,
  chooseQuarter,
  deliveryCsv,
  describeE2E,
  type Harness,
  mainText,
  startHarness,
} from "./harness.ts";

describeE2E("a location delivers a file (browser)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("checks a file with errors, sees row and column findings while 'Aanleveren' is disabled; fixes it, delivers, sees 'Geaccepteerd' and finds it under 'Mijn leveringen'", async () => {
    // Prepare
    const page = await h.signedIn("ab");
    expect(new URL(page.url()).pathname).toBe("/aanleveren");
    await checkA11y(page);
    const quarter = await chooseQuarter(page, h.quarter);
    const deliver = page.getByRole("button", { name: "Aanleveren" });

    // Act: a file with an unknown type in row 3
    await chooseFile(page, "ab-met-fout.csv", deliveryCsv("AB", quarter, { error: true }));

    // Assess: the finding names row and column, and the file cannot be delivered
    const finding = page.getByText(/rij 3\b[\s\S]*Type VBM|Type VBM[\s\S]*rij 3\b/i).first();
    await finding.waitFor().catch(async (e) => {
      throw new Error(`No finding naming 'rij 3' and 'Type VBM': ${e}\n${await mainText(page)}`);
    });
    expect(await deliver.isDisabled()).toBe(true);
    await checkA11y(page);

    // Act: the fixed file
    const fileName = `ab-gecorrigeerd-${quarter}.csv`;
    await chooseFile(page, fileName, deliveryCsv("AB", quarter));
    await expect.poll(() => deliver.isEnabled(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByText(/rij 3\b[\s\S]*Type VBM/i).count()).toBe(0);
    await deliver.click();

    // Assess: the server's verdict, then the delivery in the list
    await page
      .getByText("Geaccepteerd", { exact: false })
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async (e) => {
        throw new Error(`No 'Geaccepteerd' after delivering: ${e}\n${await mainText(page)}`);
      });
    expect(await page.getByText("Afgewezen").count()).toBe(0);
    await checkA11y(page);

    await page
      .getByRole("navigation", { name: "Hoofdmenu" })
      .getByRole("link", { name: "Mijn leveringen", exact: true })
      .click();
    await page.waitForURL("**/leveringen");
    const listed = page.getByRole("row").filter({ hasText: fileName });
    const row = (await listed.count()) > 0 ? listed.first() : page.getByText(fileName).first();
    await row.waitFor().catch(async (e) => {
      throw new Error(`${fileName} is not under 'Mijn leveringen': ${e}\n${await mainText(page)}`);
    });
    expect(await mainText(page)).toContain(quarter);
    if ((await listed.count()) > 0) expect(await listed.first().textContent()).toContain("Geaccepteerd");
    await checkA11y(page);
    await page.context().close();
  });

  it("shows a rejected delivery as 'Afgewezen' with the server's findings", async () => {
    // Prepare: the harness delivered a file with an error for EF
    const ef = h.seeded.find((s) => s.location === "EF");
    expect(ef?.status).toBe("rejected");
    const page = await h.signedIn("ef");
    // Act
    await page
      .getByRole("navigation", { name: "Hoofdmenu" })
      .getByRole("link", { name: "Mijn leveringen", exact: true })
      .click();
    await page.waitForURL("**/leveringen");
    // Assess
    const text = await mainText(page);
    expect(text).toContain(ef?.fileName);
    expect(text).toContain("Afgewezen");
    await checkA11y(page);
    await page.context().close();
  });
});
