import type { APIRequestContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  chooseFile,
  chooseQuarter,
  deliveryCsv,
  describeE2E,
  type Harness,
  type SeededDelivery,
  startHarness,
  USERS,
} from "./harness.ts";

/** Same-origin GET requests worth replaying: pages, fetches and downloads, not the shared static assets. */
function replayable(url: URL, origin: string): boolean {
  return url.origin === origin && !url.pathname.startsWith("/static/") && url.pathname !== "/inloggen";
}

/**
 * Walks everything a location user can reach: its home, 'Mijn leveringen' and every same-origin
 * link on those pages (one level deep: delivery details, reports, downloads), and delivers a
 * file through the form when the page has one, so the client's own requests are recorded too.
 */
async function walkAsLocation(page: Page, h: Harness, fileName: string): Promise<void> {
  await page.goto("/aanleveren");
  if ((await page.getByLabel("Bestand").count()) > 0) {
    const quarter = await chooseQuarter(page, h.quarter);
    await chooseFile(page, fileName, deliveryCsv("AB", quarter));
    const deliver = page.getByRole("button", { name: "Aanleveren" });
    await expect.poll(() => deliver.isEnabled(), { timeout: 15_000 }).toBe(true);
    await deliver.click();
    await page
      .getByText(/Geaccepteerd|Afgewezen/)
      .first()
      .waitFor({ timeout: 60_000 });
  }
  const seen = new Set<string>();
  for (const start of ["/aanleveren", "/leveringen"]) {
    await page.goto(start);
    const hrefs = await page
      .locator("main a[href]")
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const href of hrefs) {
      const url = new URL(href);
      if (!replayable(url, h.url) || seen.has(url.href) || seen.size >= 20) continue;
      seen.add(url.href);
      // A download is recorded as a request too; goto then fails with "Download is starting".
      await page.goto(url.href).catch(() => undefined);
    }
  }
}

async function replay(request: APIRequestContext, url: string) {
  const response = await request.get(url, { maxRedirects: 0, failOnStatusCode: false });
  const body = await response.text().catch(() => "");
  return { status: response.status(), location: response.headers().location ?? "", body };
}

describeE2E("cross-location replay (browser)", () => {
  let h: Harness;
  let extra: SeededDelivery;
  beforeAll(async () => {
    h = await startHarness();
    // A second (rejected) attempt for AB, so its list has more than one delivery and a verdict with findings.
    extra = await h.deliver("AB", { error: true, fileName: "ab-tweede-poging-met-fout.csv" });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("replays every GET of a location's session with another location's session: 403/404 where the URL names the first location's data, and none of its data in any answer", async () => {
    // Prepare: record AB's session
    const ab = await h.signedIn("ab");
    const recorded = new Map<string, { status: number; body: string }>();
    const pending: Promise<void>[] = [];
    ab.context().on("requestfinished", (request) => {
      const url = new URL(request.url());
      if (request.method() !== "GET" || !replayable(url, h.url)) return;
      pending.push(
        (async () => {
          const response = await request.response();
          const body = await response?.text().catch(() => "");
          recorded.set(url.href, { status: response?.status() ?? 0, body: body ?? "" });
        })(),
      );
    });
    const uiFile = "ab-via-het-portaal-vertrouwelijk.csv";
    await walkAsLocation(ab, h, uiFile);
    await ab.waitForLoadState("networkidle");
    await Promise.all(pending);
    const abSeed = h.seeded.find((s) => s.location === "AB") as SeededDelivery;
    const markers = [
      abSeed.fileName,
      abSeed.attemptId,
      extra.fileName,
      extra.attemptId,
      uiFile,
      USERS.ab.email,
      // ids in AB's URLs (e.g. the attempt of the file delivered through the form)
      ...[...recorded.keys()].flatMap((u) =>
        new URL(u).pathname.split("/").filter((seg) => /^[0-9a-f]{12,}$/i.test(seg)),
      ),
    ];
    // The check is only meaningful when AB's own session saw its data.
    const abBodies = [...recorded.values()].map((r) => r.body).join("\n");
    expect(
      [abSeed.fileName, extra.fileName].some((m) => abBodies.includes(m)),
      `AB's own pages show none of its deliveries; recorded: ${[...recorded.keys()].join(", ")}`,
    ).toBe(true);

    // Act: replay each URL as CD, and without a session
    const cd = await h.signedIn("cd");
    const anonymous = await h.newContext();
    const problems: string[] = [];
    const summary: string[] = [];
    for (const url of recorded.keys()) {
      // Only the menu pages (one path segment) are the same for every location; anything deeper
      // (a receipt, a download, a verdict) or naming AB's code, files or attempts is AB's own.
      const namesAb =
        new URL(url).pathname.split("/").filter(Boolean).length > 1 ||
        markers.some((m) => url.includes(encodeURIComponent(m)) || url.includes(m)) ||
        /[/=]AB(?=[/?&#]|$)/.test(url);
      const asCd = await replay(cd.context().request, url);
      const leaked = markers.filter((m) => asCd.body.includes(m) || asCd.location.includes(m));
      if (leaked.length > 0) problems.push(`${url} as CD: ${asCd.status} shows ${leaked.join(", ")}`);
      if (namesAb && ![403, 404].includes(asCd.status))
        problems.push(`${url} names AB's data, but CD gets ${asCd.status} instead of 403/404`);
      summary.push(
        `${asCd.status} ${namesAb ? "(names AB) " : ""}${new URL(url).pathname}${new URL(url).search}`,
      );
      const asNobody = await replay(anonymous.request, url);
      const leakedAnon = markers.filter((m) => asNobody.body.includes(m));
      if (leakedAnon.length > 0) problems.push(`${url} without a session shows ${leakedAnon.join(", ")}`);
      if (!(asNobody.status === 303 && asNobody.location.startsWith("/inloggen")) && asNobody.status !== 404)
        problems.push(
          `${url} without a session: ${asNobody.status} ${asNobody.location}, not the sign-in form`,
        );
    }

    // Assess
    console.info(`[e2e] replayed as CD:\n  ${summary.join("\n  ")}`);
    expect(recorded.size, "recorded requests").toBeGreaterThan(1);
    // AB's receipts, downloads and verdict look-ups name its attempts: those must be among the replayed.
    expect(summary.filter((s) => s.includes("(names AB)")).length, summary.join("\n")).toBeGreaterThan(0);
    expect(problems, [...recorded.keys()].join("\n")).toEqual([]);
    await anonymous.close();
    await cd.context().close();
    await ab.context().close();
  });
});
