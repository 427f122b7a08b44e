/**
 * The AWS way of uploading, in a real browser: the page gets a presigned POST from the portal and
 * sends the file straight to the "bucket" (here a stand-in on another origin of 127.0.0.1 that
 * accepts a POST like S3 does and then runs the ingest, as the S3 event would), then follows the
 * server's verdict. This runs the browser scripts' presigned path (client/deliver.ts and
 * client/occupancy.ts), the CORS answer the bucket must give, and the Content Security Policy
 * with the upload origin; the real policy conditions are unit-tested in test/portal/aws.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { deliverFile } from "../../functions/cli/actions.ts";
import { createRuntime, type Runtime } from "../../functions/compose.ts";
import { createLocalActions } from "../../functions/portal/actions.ts";
import { createPortalApp } from "../../functions/portal/app.ts";
import { buildAssets } from "../../functions/portal/assets.ts";
import { createPasswordIdentity } from "../../functions/portal/session.ts";
import { addUser } from "../../functions/portal/users.ts";
import { deliveryKey } from "../../schemas/delivery.ts";
import {
  checkA11y,
  chooseFile,
  chooseQuarter,
  chromiumPath,
  deliveryCsv,
  describeE2E,
  lastEndedQuarter,
  mainText,
  PASSWORD,
  signIn,
  watchCsp,
} from "./harness.ts";

function listen(app: {
  fetch: (request: Request) => Response | Promise<Response>;
}): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}

describeE2E("uploads by presigned POST, straight to the bucket (browser)", () => {
  let dataDir: string;
  let runtime: Runtime;
  let browser: Browser;
  let bucket: { url: string; close(): Promise<void> };
  let portal: { url: string; close(): Promise<void> };
  /** What the "bucket" received: key and the form's field names in order. */
  const received: { key: string; fields: string[] }[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "vbm-e2e-presigned-"));
    mkdirSync(join(dataDir, "config"), { recursive: true });
    writeFileSync(
      join(dataDir, "config", "locations.json"),
      JSON.stringify([
        { code: "AB", name: "De Berk (e2e)", emails: ["post-ab@e2e.example"] },
        { code: "CD", name: "De Linde (e2e)", emails: ["post-cd@e2e.example"] },
      ]),
    );
    runtime = createRuntime({ mode: "local", dataDir });
    await addUser(runtime.store, {
      email: "ab@e2e.example",
      role: "location",
      location: "AB",
      password: PASSWORD,
    });
    await addUser(runtime.store, {
      email: "netwerk@e2e.example",
      role: "facilitator",
      location: null,
      password: PASSWORD,
    });

    // The bucket: like S3, a multipart POST whose `key` must lie within the signed prefix and whose
    // last field is the file; answers 204 with CORS for the portal's origin; then the object-created
    // event runs the ingest.
    let portalOrigin = "";
    const s3 = new Hono();
    s3.post("/", async (c) => {
      const form = await c.req.formData();
      const names: string[] = [];
      form.forEach((_value, name) => {
        names.push(name);
      });
      const key = String(form.get("key") ?? "");
      const prefix = String(form.get("x-test-prefix") ?? "");
      const file = form.get("file");
      const cors = { "Access-Control-Allow-Origin": portalOrigin };
      if (!(file instanceof File) || names.at(-1) !== "file" || !key.startsWith(prefix) || prefix === "")
        return c.body("AccessDenied", 403, cors);
      received.push({ key, fields: names });
      const bytes = new Uint8Array(await file.arrayBuffer());
      setTimeout(() => void deliverFile(runtime, { key, load: async () => bytes }), 300);
      return c.body(null, 204, cors);
    });
    bucket = await listen(s3);

    const fields = (prefix: string, fileName: string) => ({
      url: `${bucket.url}/`,
      fields: { key: `${prefix}${fileName}`, "x-test-prefix": prefix },
      key: `${prefix}${fileName}`,
    });
    const now = () => new Date();
    const app = createPortalApp({
      runtime,
      identity: createPasswordIdentity(runtime.store, "e2e-secret", now),
      upload: {
        kind: "presigned-post",
        origin: bucket.url,
        presign: async ({ location, quarter, scope, fileName }) =>
          fields(deliveryKey(location, quarter, scope, ""), fileName),
        presignOccupancy: async (fileName) => fields("occupancy/", fileName),
      },
      actions: createLocalActions(runtime),
      sessionSecret: "e2e-secret",
      https: false,
      assets: await buildAssets(),
      now,
    });
    portal = await listen(app);
    portalOrigin = portal.url;
    browser = await chromium.launch({ executablePath: chromiumPath() as string, args: ["--no-sandbox"] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    await bucket?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const signedIn = async (email: string): Promise<Page> => {
    const context = await browser.newContext({ baseURL: portal.url, locale: "nl-NL" });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    watchCsp(page);
    await signIn(page, email, PASSWORD);
    return page;
  };

  it("a location's checked file goes to the bucket, and the page opens the server's verdict", async () => {
    // Prepare
    const page = await signedIn("ab@e2e.example");
    await page.goto("/aanleveren");
    const quarter = await chooseQuarter(page, lastEndedQuarter());
    const fileName = `ab-${quarter}.csv`;
    await chooseFile(page, fileName, deliveryCsv("AB", quarter));
    const deliver = page.getByRole("button", { name: "Aanleveren" });
    await expect.poll(() => deliver.isEnabled(), { timeout: 15_000 }).toBe(true);
    // Act
    await deliver.click();
    await page.waitForURL(/\/leveringen\/[0-9a-f]{20}$/, { timeout: 60_000 });
    // Assess: the bucket got the file under the location's own prefix, the file last
    expect(received.at(-1)?.key).toBe(`AB/${quarter}/all/${fileName}`);
    expect(received.at(-1)?.fields.at(-1)).toBe("file");
    const text = await mainText(page);
    expect(text, text).toContain("Geaccepteerd");
    await checkA11y(page); // includes: no CSP violation on the way (the upload origin is allowed)
    await page.context().close();
  }, 90_000);

  it("the facilitator's occupancy file goes to occupancy/ in the bucket, and the page opens its verdict", async () => {
    // Prepare
    const page = await signedIn("netwerk@e2e.example");
    await page.goto("/acties");
    const year = lastEndedQuarter().slice(0, 4);
    await page.locator("#bestand").setInputFiles({
      name: "bezetting.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`Locatie;Maand;Gemiddelde bezetting\nAB;${year}-01;10\nCD;${year}-01;7,5\n`),
    });
    // Act
    await page.getByRole("button", { name: "Lees in" }).click();
    await page.waitForURL(/\/acties\/bezetting\/[0-9a-f]{20}$/, { timeout: 60_000 });
    // Assess
    expect(received.at(-1)?.key).toBe("occupancy/bezetting.csv");
    expect(await mainText(page)).toContain("Bezetting ingelezen uit bezetting.csv: 2 regels");
    await checkA11y(page);
    await page.context().close();
  }, 90_000);
});
