import { afterAll, beforeAll, expect, it } from "vitest";
import {
  assertNoCspViolations,
  checkA11y,
  describeE2E,
  type Harness,
  mainText,
  PASSWORD,
  signIn,
  startHarness,
  USERS,
} from "./harness.ts";

describeE2E("sign-in page (browser)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is accessible, and a wrong password shows the Dutch error without signing in", async () => {
    // Prepare
    const context = await h.newContext();
    const page = await context.newPage();
    await page.goto("/");
    expect(new URL(page.url()).pathname).toBe("/inloggen");
    await checkA11y(page);
    // Act
    await page.getByLabel("E-mailadres").fill(USERS.ab.email);
    await page.getByLabel("Wachtwoord").fill("niet-het-goede-wachtwoord");
    await page.getByRole("button", { name: "Inloggen" }).click();
    // Assess
    await page.getByRole("alert").getByText("Het e-mailadres of het wachtwoord klopt niet.").waitFor();
    expect(new URL(page.url()).pathname).toBe("/inloggen");
    expect(await page.getByRole("button", { name: "Uitloggen" }).count()).toBe(0);
    await checkA11y(page);
    await context.close();
  });

  it.each([
    ["ab", "/aanleveren"],
    ["facilitator", "/overzicht"],
    ["igj", "/igj"],
  ] as const)("the right password signs %s in and lands on %s", async (user, home) => {
    // Prepare
    const context = await h.newContext();
    const page = await context.newPage();
    // Act
    await signIn(page, USERS[user].email, PASSWORD);
    // Assess
    expect(new URL(page.url()).pathname, await mainText(page)).toBe(home);
    await page.getByRole("button", { name: "Uitloggen" }).waitFor();
    expect(await page.getByText(USERS[user].email).count()).toBeGreaterThan(0);
    await context.close();
  });

  it("sends a visitor without a session from a page to the sign-in form and back after signing in", async () => {
    // Prepare
    const context = await h.newContext();
    const page = await context.newPage();
    // Act
    await page.goto("/leveringen");
    // Assess
    expect(new URL(page.url()).pathname).toBe("/inloggen");
    await signIn(page, USERS.ab.email, PASSWORD);
    expect(new URL(page.url()).pathname).toBe("/leveringen");
    await context.close();
  });

  it("(harness) runs pages under the portal's CSP and catches a violation", async () => {
    // Prepare
    const context = await h.newContext();
    const page = await context.newPage();
    await page.goto("/inloggen");
    assertNoCspViolations(page);
    // Act: an inline script, as a page template with `<script>…</script>` would have
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "document.title = 'inline'";
      document.body.append(script);
    });
    // Assess
    await expect.poll(() => page.title()).not.toBe("inline");
    await expect
      .poll(() => {
        try {
          assertNoCspViolations(page);
          return "none";
        } catch (e) {
          return String(e);
        }
      })
      .toMatch(/CSP violations/);
    await context.close();
  });
});
