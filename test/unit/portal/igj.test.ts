import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentDeps } from "../../../functions/cli/documents.ts";
import { makeIgjExport } from "../../../functions/core/documents.ts";
import { csvBytes, tempDir } from "../../helpers.ts";
import { portalFixture } from "./portal-helpers.ts";

/** The inspectorate's page: the half-yearly exports to download, and the Athena how-to. */
let cleanup = () => {};
let f: ReturnType<typeof portalFixture>;
let igj: { cookie: string; csrf: string };
let files: string[] = [];

beforeAll(async () => {
  let dir: string;
  ({ dir, cleanup } = tempDir("vbm-portal-igj-"));
  f = portalFixture(dir, [{ code: "AB", name: "De Eik", emails: ["ab@example.org"] }]);
  await f.user("igj@example.org", "igj");
  await f.user("netwerk@example.org", "facilitator");
  await f.user("ab@example.org", "location", "AB");
  const rows = Array.from({ length: 6 }, (_, i) => [
    `AB000${i + 1}`,
    "03.02.2024",
    "10:00",
    "03.02.2024",
    "10:30",
    "",
    "10",
    "1",
  ]);
  expect((await f.deliver("AB", "2024-Q1", "all", "ab.csv", csvBytes(rows))).status).toBe("accepted");
  const deps = await documentDeps(f.runtime, false);
  try {
    files = (await makeIgjExport(deps, "2024-H1", [])).keys;
  } finally {
    await deps.engine.close();
  }
  // Something else in the reports area that must never be reachable from the IGJ pages.
  await f.runtime.store.put("reports", "factsheets/2024-Q1/AB.html", new TextEncoder().encode("eigen"));
  igj = await f.signIn("igj@example.org");
}, 60_000);
afterAll(() => cleanup());

describe("IGJ", () => {
  it("lists the exports of a half year with the manifest, and explains Athena", async () => {
    const res = await f.get("/igj", igj);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("2024-H1 (januari t/m juni 2024)");
    for (const key of files) expect(page).toContain(`href="/igj/bestand/${key.slice("igj/".length)}"`);
    expect(page).toContain('href="/igj/bestand/2024-H1/manifest.json"');
    expect(page).toContain("vbm_aggregates.by_type");
    expect(page).toContain("vbm-igj");
    expect(page).not.toContain("factsheets/");
  });

  it("downloads a file of an export", async () => {
    const res = await f.get("/igj/bestand/2024-H1/manifest.json", igj);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="igj-2024-H1-manifest.json"');
    const manifest = JSON.parse(await res.text()) as Record<string, unknown>;
    expect(manifest).toBeTypeOf("object");
    const csvKey = files.find((k) => k.endsWith(".csv")) ?? "";
    const csv = await f.get(`/igj/bestand/${csvKey.slice("igj/".length)}`, igj);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
  });

  it("refuses paths outside the exports", async () => {
    for (const path of [
      "/igj/bestand/..%2F..%2Fkeys/x",
      "/igj/bestand/2024-H1/..%2F..%2Ffactsheets%2F2024-Q1%2FAB.html",
      "/igj/bestand/2024-H1/.hidden.csv",
      "/igj/bestand/2024-H3/manifest.json",
      "/igj/bestand/2024-H1/bestaat-niet.csv",
    ]) {
      const res = await f.get(path, igj);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain("eigen");
    }
  });

  it("is for the IGJ only", async () => {
    const facilitator = await f.signIn("netwerk@example.org");
    const location = await f.signIn("ab@example.org");
    for (const who of [facilitator, location]) {
      expect((await f.get("/igj", who)).status).toBe(403);
      expect((await f.get("/igj/bestand/2024-H1/manifest.json", who)).status).toBe(403);
    }
    expect((await f.app.request("/igj")).status).toBe(303);
  });
});
