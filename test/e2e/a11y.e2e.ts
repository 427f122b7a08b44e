import { afterAll, beforeAll, expect, it } from "vitest";
import { checkA11y, describeE2E, type Harness, startHarness, USERS } from "./harness.ts";

/**
 * axe-core (WCAG 2.1 A/AA, no serious or critical violations) on every page a user of each role
 * can reach: the main menu's pages and the links on them, one level deep. The states in between
 * (findings, verdict) are checked in the flows (location.e2e.ts).
 */
describeE2E("accessibility of every page (browser)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(["ab", "facilitator", "igj"] as const)("every page of %s", async (user) => {
    // Prepare
    const page = await h.signedIn(user);
    const menu = await page
      .getByRole("navigation", { name: "Hoofdmenu" })
      .getByRole("link")
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(menu.length, `${USERS[user].email} has a main menu`).toBeGreaterThan(0);
    const checked: string[] = [];
    // Act + assess
    for (const href of menu) {
      await page.goto(href);
      await checkA11y(page);
      checked.push(new URL(href).pathname);
      const links = await page
        .locator("main a[href]")
        .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const link of links.slice(0, 10)) {
        const url = new URL(link);
        if (url.origin !== h.url || checked.includes(url.pathname + url.search)) continue;
        const response = await page.goto(link).catch(() => null); // a download is no page
        if (!response || !(response.headers()["content-type"] ?? "").startsWith("text/html")) continue;
        await checkA11y(page);
        checked.push(url.pathname + url.search);
      }
    }
    console.info(`[e2e] axe clean for ${user}: ${checked.join(", ")}`);
    await page.context().close();
  });

  it("the error pages: not found, and no access", async () => {
    // Prepare
    const page = await h.signedIn("igj");
    // Act + assess
    expect((await page.goto("/bestaat-niet"))?.status()).toBe(404);
    await checkA11y(page);
    expect((await page.goto("/aanleveren"))?.status()).toBe(403);
    await checkA11y(page);
    await page.context().close();
  });
});
