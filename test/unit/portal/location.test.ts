import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverFile } from "../../../functions/cli/actions.ts";
import { createRuntime, type Runtime } from "../../../functions/compose.ts";
import { documentKeys } from "../../../functions/core/documents.ts";
import { createLocalActions } from "../../../functions/portal/actions.ts";
import { createPortalApp, type PortalApp } from "../../../functions/portal/app.ts";
import { buildAssets } from "../../../functions/portal/assets.ts";
import type { ValidateRequest, WorkerReply } from "../../../functions/portal/client/messages.ts";
import { safeFileName } from "../../../functions/portal/file-name.ts";
import { deliverableQuarters } from "../../../functions/portal/routes/location.ts";
import { createPasswordIdentity } from "../../../functions/portal/session.ts";
import { addUser } from "../../../functions/portal/users.ts";
import { deliveryKey } from "../../../schemas/delivery.ts";
import { csvBytes, tempDir } from "../../helpers.ts";
import { cookieClient } from "./portal-helpers.ts";

const SECRET = "test-secret-test-secret-test-secret";
const PASSWORD = "een lang wachtwoord";
const now = () => new Date("2023-04-10T09:00:00Z");

const valid = [
  ["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "Ruzie", "3", "1"],
  ["AB0002", "12.02.2023", "09:00", "", "", "", "16", ""],
];
const invalid = [
  ["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "Ruzie", "3", "1"],
  ["AB0002", "31.02.2023", "09:00", "", "", "", "16", ""],
];
const cdRows = [["CD0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "Naam Geheim", "3", "1"]];

let runtime: Runtime;
let app: PortalApp;
let cleanup = () => {};

/** A browser: keeps cookies between requests. */
function browser(target: () => PortalApp = () => app) {
  const { request, csrf } = cookieClient(target);
  const signIn = async (email: string) => {
    const form = new URLSearchParams({ _csrf: await csrf(), email, wachtwoord: PASSWORD });
    const res = await request("/inloggen", { method: "POST", body: form });
    expect(res.status).toBe(303);
  };
  const deliver = async (
    bytes: Uint8Array,
    opts: { name?: string; quarter?: string; csrf?: boolean } = {},
  ) => {
    const form = new FormData();
    if (opts.csrf !== false) form.set("_csrf", await csrf());
    form.set("kwartaal", opts.quarter ?? "2023-Q1");
    form.set("omvang", "all");
    form.set("bestand", new File([bytes as Uint8Array<ArrayBuffer>], opts.name ?? "export.csv"));
    return request("/aanleveren", { method: "POST", body: form });
  };
  return { request, signIn, deliver };
}

beforeAll(async () => {
  const t = tempDir("vbm-portal-");
  cleanup = t.cleanup;
  runtime = createRuntime({ mode: "local", dataDir: t.dir });
  for (const [email, role, location] of [
    ["ab@example.org", "location", "AB"],
    ["cd@example.org", "location", "CD"],
    ["nb@example.org", "facilitator", null],
  ] as const)
    await addUser(runtime.store, { email, role, location, password: PASSWORD });
  app = createPortalApp({
    runtime,
    identity: createPasswordIdentity(runtime.store, SECRET, now),
    upload: { kind: "direct" },
    actions: createLocalActions(runtime),
    sessionSecret: SECRET,
    https: false,
    now,
  });
});
afterAll(() => cleanup());

describe("location pages: access", () => {
  it("sends a visitor who is not signed in to the sign-in page", async () => {
    const res = await browser().request("/aanleveren");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/inloggen/);
  });

  it("refuses other roles", async () => {
    const b = browser();
    await b.signIn("nb@example.org");
    for (const path of ["/aanleveren", "/leveringen", "/factsheets/2023-Q1"])
      expect((await b.request(path)).status).toBe(403);
  });

  it("refuses a delivery without the CSRF token", async () => {
    const b = browser();
    await b.signIn("ab@example.org");
    const res = await b.deliver(csvBytes(valid), { csrf: false });
    expect(res.status).toBe(403);
    expect(await runtime.store.list("dropzone", "AB/")).toEqual([]);
  });
});

describe("location pages: delivering", () => {
  it("shows the form: quarter (default: the quarter that just ended), scope, file and button", async () => {
    const b = browser();
    await b.signIn("ab@example.org");
    const page = await (await b.request("/aanleveren")).text();
    expect(page).toContain('<label class="utrecht-form-label" for="kwartaal">Kwartaal</label>');
    expect(page).toContain('<label class="utrecht-form-label" for="bestand">Bestand</label>');
    expect(page).toMatch(/<option value="2023-Q1" selected>/);
    expect(page).toMatch(/<button[^>]*type="submit"[^>]*>Aanleveren<\/button>/);
    expect(page).toContain('src="/static/deliver.js"');
    expect(deliverableQuarters(now()).quarters.at(-1)).toBe("2019-Q4");
    expect(deliverableQuarters(now()).quarters[0]).toBe("2023-Q2");
  });

  it("accepts a valid file and shows the receipt", async () => {
    const b = browser();
    await b.signIn("ab@example.org");
    const res = await b.deliver(csvBytes(valid));
    expect(res.status).toBe(303);
    const target = res.headers.get("location") ?? "";
    expect(target).toMatch(/^\/leveringen\/[0-9a-f]{20}$/);
    const page = await (await b.request(target)).text();
    expect(page).toContain("Geaccepteerd");
    expect(page).toContain("export.csv");
    const status = await (await b.request(`${target}/status`)).json();
    expect(status).toEqual({ status: "accepted", verdict: "Geaccepteerd" });
  });

  it("rejects an invalid file and names row and column", async () => {
    const b = browser();
    await b.signIn("ab@example.org");
    const res = await b.deliver(csvBytes(invalid), { name: "fout.csv" });
    expect(res.status).toBe(303);
    const page = await (await b.request(res.headers.get("location") ?? "")).text();
    expect(page).toContain("Afgewezen");
    expect(page).toContain("rij 3");
    expect(page).toContain("Datum start");
    expect(page).toContain("31.02.2023");
  });

  it("lists every attempt, newest first, and marks the one that no longer counts", async () => {
    const b = browser();
    await b.signIn("ab@example.org");
    await b.deliver(csvBytes(valid), { name: "tweede.csv" });
    const page = await (await b.request("/leveringen")).text();
    const rows = [
      ...page.matchAll(/<a class="utrecht-link" href="\/leveringen\/[0-9a-f]{20}">([^<]+)<\/a>/g),
    ].map((m) => m[1]);
    expect(rows).toEqual(["tweede.csv", "fout.csv", "export.csv"]);
    expect(page).toContain("telt niet: later bestand");
    expect(page).toContain("Afgewezen");
  });

  it("shows the location its own signals: a young person with many more measures than last quarter", async () => {
    const b = browser();
    await b.signIn("ab@example.org");
    const measure = (day: number, quarter: "2022-Q4" | "2023-Q1") => [
      "AB0009",
      `${String(day).padStart(2, "0")}.${quarter === "2022-Q4" ? "11.2022" : "02.2023"}`,
      "10:00",
      "",
      "",
      "",
      "16",
      "",
    ];
    await b.deliver(csvBytes([measure(1, "2022-Q4")]), { quarter: "2022-Q4", name: "vorig.csv" });
    const res = await b.deliver(csvBytes([1, 2, 3, 4, 5, 6, 7].map((d) => measure(d, "2023-Q1"))), {
      name: "signaal.csv",
    });
    const page = await (await b.request(res.headers.get("location") ?? "")).text();
    expect(page).toContain("Signalen: jongeren met veel meer maatregelen");
    expect(page).toMatch(/<td class="utrecht-table__cell">AB0009<\/td>/);
  });

  it("never uses the uploaded file name as a path", async () => {
    expect(safeFileName("../../x.csv")).toBe("x.csv");
    expect(safeFileName("..\\..\\x.csv")).toBe("x.csv");
    expect(safeFileName("..")).toBe("bestand.csv");
    expect(safeFileName("???.xlsx")).toBe("bestand.xlsx");
    expect(safeFileName("export <VBM> 2023;Q1.csv")).toBe("export _VBM_ 2023_Q1.csv");
    expect(safeFileName(`${"a".repeat(200)}.xlsx`)).toHaveLength(100);
    expect(safeFileName(`${"a".repeat(200)}.xlsx`).endsWith(".xlsx")).toBe(true);
    const b = browser();
    await b.signIn("ab@example.org");
    const res = await b.deliver(csvBytes(valid), { name: "../../x.csv" });
    expect(res.status).toBe(303);
    const keys = await runtime.store.list("dropzone", "");
    expect(keys).toContain("AB/2023-Q1/all/x.csv");
    for (const k of keys) expect(k).toMatch(/^AB\/20\d\d-Q[1-4]\/all\/[^/]+$/);
  });

  it("refuses a quarter that is not in the list", async () => {
    const b = browser();
    await b.signIn("ab@example.org");
    const res = await b.deliver(csvBytes(valid), { quarter: "2031-Q1" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Kies een kwartaal uit de lijst");
  });
});

describe("location pages: one location never sees another's data", () => {
  it("answers 404 for another location's receipt and factsheet, without its data", async () => {
    const cd = browser();
    await cd.signIn("cd@example.org");
    const delivered = await cd.deliver(csvBytes(cdRows), { name: "cd-geheim.csv" });
    const target = delivered.headers.get("location") ?? "";
    expect((await cd.request(target)).status).toBe(200);
    // The portal serves factsheets from the key the documents write them to.
    expect(documentKeys.factsheetPdf("2023-Q1", "CD")).toBe("factsheets/2023-Q1/CD.pdf");
    await runtime.store.put(
      "reports",
      documentKeys.factsheetPdf("2023-Q1", "CD"),
      new TextEncoder().encode("%PDF CD-GEHEIM"),
    );
    await runtime.store.put(
      "reports",
      documentKeys.factsheetPdf("2023-Q1", "AB"),
      new TextEncoder().encode("%PDF AB-EIGEN"),
    );

    const ab = browser();
    await ab.signIn("ab@example.org");
    for (const path of [target, "/factsheets/2023-Q1/../CD"]) {
      const res = await ab.request(path);
      expect(res.status).toBe(404);
      const body = await res.text();
      expect(body).not.toContain("cd-geheim");
      expect(body).not.toContain("CD0001");
    }
    const status = await (await ab.request(`${target}/status`)).json();
    expect(status).toEqual({ status: "pending", verdict: null });
    const own = await ab.request("/factsheets/2023-Q1");
    expect(own.status).toBe(200);
    expect(own.headers.get("content-type")).toBe("application/pdf");
    expect(await own.text()).toBe("%PDF AB-EIGEN");
    const list = await (await ab.request("/leveringen")).text();
    expect(list).not.toContain("cd-geheim");
    expect(list).toContain('href="/factsheets/2023-Q1"');
    // The verdict lookup only answers for the user's own drop-zone keys.
    expect((await ab.request("/api/verdict?key=CD/2023-Q1/all/cd-geheim.csv&sinds=")).status).toBe(404);
    expect((await ab.request("/api/upload-policy?kwartaal=2023-Q1&omvang=all&bestand=x.csv")).status).toBe(
      404,
    );
  });
});

describe("location pages: upload straight to S3 (presigned POST)", () => {
  it("hands out a policy for the user's own key and finds the server's verdict after the upload", async () => {
    const presigned = createPortalApp({
      runtime,
      identity: createPasswordIdentity(runtime.store, SECRET, now),
      actions: createLocalActions(runtime),
      upload: {
        kind: "presigned-post",
        presign: async (input) => {
          const key = deliveryKey(input.location, input.quarter, input.scope, input.fileName);
          return { url: "https://vbm-dropzone.s3.eu-west-1.amazonaws.com/", fields: { key }, key };
        },
      },
      sessionSecret: SECRET,
      https: false,
      now,
    });
    const b = browser(() => presigned);
    await b.signIn("ab@example.org");
    const query = new URLSearchParams({
      kwartaal: "2023-Q1",
      omvang: "seclusion",
      bestand: "../../s3 bestand.csv",
    });
    const res = await b.request(`/api/upload-policy?${query}`);
    expect(res.status).toBe(200);
    const policy = (await res.json()) as { key: string; since: string; url: string };
    expect(policy.key).toBe("AB/2023-Q1/seclusion/s3 bestand.csv");
    const verdict = async () =>
      (
        await b.request(`/api/verdict?${new URLSearchParams({ key: policy.key, sinds: policy.since })}`)
      ).json();
    expect(await verdict()).toEqual({ status: "pending" });
    // What S3 and the ingest function do after the browser's POST.
    const seclusion = [["AB0003", "10.01.2023", "14:00", "10.01.2023", "14:30", "", "10", "1"]];
    const outcome = await deliverFile(runtime, { key: policy.key, load: async () => csvBytes(seclusion) });
    expect(await verdict()).toEqual({
      status: "accepted",
      verdict: "Geaccepteerd",
      attempt: outcome.entry.attempt_id,
    });
    // Without JavaScript there is no direct post to the portal in this mode.
    const posted = await b.deliver(csvBytes(valid));
    expect(posted.status).toBe(400);
    expect(await posted.text()).toContain("JavaScript");
  });
});

describe("location pages: browser code", () => {
  it("bundles the page script and the validation worker, which checks a file like the ingest", async () => {
    const assets = await buildAssets();
    expect(assets.has("deliver.js")).toBe(true);
    expect(assets.has("validate-worker.js")).toBe(true);
    // Run the worker bundle as a browser would (a module with `self`), on a file with an error.
    const t = tempDir("vbm-bundle-");
    const scope = globalThis as { self?: unknown };
    try {
      for (const [name, asset] of assets)
        if (name.endsWith(".js")) writeFileSync(join(t.dir, name), asset.body);
      const replies: WorkerReply[] = [];
      const worker = { postMessage: (m: WorkerReply) => replies.push(m), onmessage: null } as {
        postMessage(m: WorkerReply): void;
        onmessage: ((e: { data: ValidateRequest }) => Promise<void>) | null;
      };
      scope.self = worker;
      await import(pathToFileURL(join(t.dir, "validate-worker.js")).href);
      const file = new File([csvBytes(invalid) as Uint8Array<ArrayBuffer>], "fout.csv");
      await worker.onmessage?.({
        data: { file, location: "AB", quarter: "2023-Q1", scope: "all", fileName: "fout.csv" },
      });
      expect(replies.map((r) => r.type)).toEqual(["lezen", "bezig", "rapport"]);
      const last = replies.at(-1);
      expect(last?.type === "rapport" && last.report.findings[0]).toMatchObject({
        row: 3,
        column: "Datum start",
      });
    } finally {
      delete scope.self;
      t.cleanup();
    }
  }, 60_000);
});
