import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLogLines, resolveSnapshot } from "../../../functions/core/current.ts";
import {
  sendVerdictMail,
  verdictMailRequest,
  verdictMailRequestKey,
} from "../../../functions/core/verdict-mail.ts";
import type { FacilitatorActions } from "../../../functions/portal/types.ts";
import { csvBytes, tempDir } from "../../helpers.ts";
import { matrixOf, portalFixture } from "./portal-helpers.ts";

/**
 * The facilitator's pages against a real local data dir: AB delivered all types, CD nothing,
 * EF only a rejected file, GH a zero delivery, IJ seclusion only — for 2023-Q3 (deadline
 * 2023-10-30 with the default 30 days).
 */
const Q = "2023-Q3";
const locations = ["AB", "CD", "EF", "GH", "IJ"].map((code) => ({
  code,
  name: `Locatie ${code}`,
  emails: [`registratie@${code.toLowerCase()}.example`],
}));
const row = (youth: string, day: number, type: string) => [
  youth,
  `${String(day).padStart(2, "0")}.08.2023`,
  "10:00",
  `${String(day).padStart(2, "0")}.08.2023`,
  "10:30",
  "",
  type,
  "1",
];

let dir = "";
let cleanup = () => {};
let f: ReturnType<typeof portalFixture>;
let facilitator: { cookie: string; csrf: string };

const outbox = () => {
  try {
    return readdirSync(join(dir, "outbox"))
      .filter((n) => n.endsWith(".eml"))
      .map((n) => readFileSync(join(dir, "outbox", n), "latin1"));
  } catch {
    return [];
  }
};

beforeAll(async () => {
  ({ dir, cleanup } = tempDir("vbm-portal-fac-"));
  f = portalFixture(dir, locations);
  await f.user("netwerk@example.org", "facilitator");
  await f.user("ab@example.org", "location", "AB");
  await f.user("igj@example.org", "igj");
  const outcomes = await Promise.all([
    f.deliver(
      "AB",
      Q,
      "all",
      "ab.csv",
      csvBytes([row("AB0001", 1, "3"), row("AB0002", 2, "10"), row("AB0002", 3, "16")]),
    ),
    f.deliver("EF", Q, "all", "ef.csv", csvBytes([row("EF0001", 1, "99")])),
    f.deliver("GH", Q, "all", "gh.csv", csvBytes([])),
    f.deliver("IJ", Q, "seclusion", "ij.csv", csvBytes([row("IJ0001", 4, "6"), row("IJ0001", 5, "11")])),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(["accepted", "rejected", "accepted", "accepted"]);
  facilitator = await f.signIn("netwerk@example.org");
}, 60_000);
afterAll(() => cleanup());

describe("Overzicht leveringen", () => {
  it("shows a table 'Leveringen' with one row per location and the status per quarter", async () => {
    const res = await f.get(`/overzicht?van=${Q}&tot=2023-Q4`, facilitator);
    expect(res.status).toBe(200);
    const page = await res.text();
    const m = matrixOf(page);
    expect(m.quarters).toEqual([Q, "2023-Q4"]);
    expect([...m.rows.keys()]).toEqual(["AB", "CD", "EF", "GH", "IJ"]);
    expect(m.rows.get("AB")?.[0]).toMatch(/^geleverd \(3 rijen\)/);
    expect(m.rows.get("CD")?.[0]).toBe("ontbreekt");
    expect(m.rows.get("EF")?.[0]).toMatch(/^afgewezen/);
    expect(m.rows.get("GH")?.[0]).toMatch(/^nullevering/);
    expect(m.rows.get("IJ")?.[0]).toMatch(/^alleen afzonderen \(2 rijen\)/);
    expect(m.rows.get("AB")?.[1]).toBe("loopt nog");
    // The rejected cell names the error (its title), and the attempt behind it; never the value.
    expect(m.rows.get("EF")?.[0]).toContain("1 poging");
    expect(m.rows.get("EF")?.[0]).toContain("ef.csv");
    expect(m.rows.get("EF")?.[0]).toContain("Onbekend type VBM");
    expect(m.rows.get("EF")?.[0]).toContain("1 rij, 1 fout");
    expect(m.rows.get("EF")?.[0]).not.toContain("99");
    // No youth numbers anywhere on the page.
    expect(page).not.toMatch(/[A-Z]{2}\d{4}/);
  });

  it("says 'te laat' for a missing delivery after the deadline", async () => {
    f.clock.at = new Date("2023-11-02T10:00:00Z");
    try {
      const who = await f.signIn("netwerk@example.org");
      const m = matrixOf(await (await f.get(`/overzicht?van=${Q}&tot=${Q}`, who)).text());
      expect(m.rows.get("CD")).toEqual(["te laat"]);
      expect(m.rows.get("AB")?.[0]).toMatch(/^geleverd/);
      const filtered = matrixOf(
        await (await f.get(`/overzicht?van=${Q}&tot=${Q}&status=te+laat`, who)).text(),
      );
      expect([...filtered.rows.keys()]).toEqual(["CD"]);
    } finally {
      f.clock.at = new Date("2023-10-20T10:00:00Z");
    }
  });

  it("shows the last four ended quarters by default and explains a wrong quarter", async () => {
    const m = matrixOf(await (await f.get("/overzicht", facilitator)).text());
    expect(m.quarters).toEqual(["2022-Q4", "2023-Q1", "2023-Q2", "2023-Q3"]);
    const wrong = await (await f.get("/overzicht?van=kwartaal3", facilitator)).text();
    expect(wrong).toContain("JJJJ-Qn");
  });

  it("opens on the four quarters up to the newest delivery when every recent quarter is empty", async () => {
    f.clock.at = new Date("2026-11-27T10:00:00Z");
    try {
      const later = await f.signIn("netwerk@example.org"); // the 2023 session has long expired
      const m = matrixOf(await (await f.get("/overzicht", later)).text());
      expect(m.quarters).toEqual(["2022-Q4", "2023-Q1", "2023-Q2", "2023-Q3"]);
      expect(m.rows.get("AB")?.at(-1)).toMatch(/^geleverd/);
    } finally {
      f.clock.at = new Date("2023-10-20T10:00:00Z");
    }
  });

  it("exports the same rows as CSV for Dutch Excel", async () => {
    const res = await f.get(`/overzicht.csv?van=${Q}&tot=${Q}&status=afgewezen`, facilitator);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="leveringen-2023-Q3_2023-Q3.csv"$/,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^EF;Locatie EF;2023-Q3;afgewezen;2023-10-30;nee;;1;.+/);
    const all = new TextDecoder().decode(
      await (await f.get(`/overzicht.csv?van=${Q}&tot=${Q}`, facilitator)).arrayBuffer(),
    );
    const statuses = all
      .trimEnd()
      .split("\r\n")
      .slice(1)
      .map((l) => l.split(";").slice(0, 4).join(";"));
    expect(statuses).toEqual([
      "AB;Locatie AB;2023-Q3;geleverd",
      "CD;Locatie CD;2023-Q3;ontbreekt",
      "EF;Locatie EF;2023-Q3;afgewezen",
      "GH;Locatie GH;2023-Q3;nullevering",
      "IJ;Locatie IJ;2023-Q3;alleen afzonderen",
    ]);
  });
});

describe("verdict mails in the overview", () => {
  it("names the attempts whose verdict mail could not be sent, and why", async () => {
    // As the ingest on AWS does (mailVerdict): a verdict mail request for AB's delivery.
    const logKeys = await f.runtime.store.list("curated", `delivery-log/AB/${Q}/`);
    const entry = (await readLogLines(f.runtime.store, logKeys)).entries[0];
    if (!entry) throw new Error("AB has no delivery");
    const ab = entry.attempt_id;
    await f.runtime.store.put(
      "mail",
      verdictMailRequestKey(ab),
      new TextEncoder().encode(JSON.stringify(verdictMailRequest(entry))),
    );
    const failing = async () => ({
      send: async () => {
        throw new Error("MessageRejected: Email address is not verified: registratie@ab.example");
      },
    });
    await expect(
      sendVerdictMail(
        {
          store: f.runtime.store,
          mailer: failing,
          locations,
          clock: { now: () => f.clock.at },
          logger: { info: () => {}, warn: () => {}, error: () => {} },
        },
        ab,
      ),
    ).rejects.toThrow(/not verified/);
    const page = await (await f.get(`/overzicht?van=${Q}&tot=${Q}`, facilitator)).text();
    expect(page).toContain("Eén ontvangstbevestiging kon niet per e-mail worden verstuurd");
    expect(page).toContain(`AB ${Q}, ab.csv`);
    expect(page).toContain("Email address is not verified: registratie@ab.example");
    const cells = matrixOf(page).rows;
    expect(cells.get("AB")?.[0]).toContain("ontvangstbevestiging niet verstuurd");
    expect(cells.get("EF")?.[0]).not.toContain("ontvangstbevestiging");
  });
});

describe("access", () => {
  it("refuses other roles (403) and sends a visitor to the sign-in page", async () => {
    const location = await f.signIn("ab@example.org");
    const igj = await f.signIn("igj@example.org");
    for (const path of ["/overzicht", "/overzicht.csv", "/acties"]) {
      expect((await f.get(path, location)).status).toBe(403);
      expect((await f.get(path, igj)).status).toBe(403);
      expect((await f.app.request(path)).status).toBe(303);
    }
    expect((await f.post("/acties/herinneringen", location, { kwartaal: Q })).status).toBe(403);
  });

  it("refuses a form without the CSRF token", async () => {
    const res = await f.post("/acties/herinneringen", facilitator, { kwartaal: Q }, false);
    expect(res.status).toBe(403);
    expect(outbox()).toHaveLength(0);
  });
});

describe("Acties", () => {
  it("shows the four forms, each with the CSRF token", async () => {
    const page = await (await f.get("/acties", facilitator)).text();
    for (const action of ["herinneringen", "bezetting", "rapport", "factsheet"])
      expect(page).toContain(`action="/acties/${action}"`);
    expect(page.match(/name="_csrf"/g)?.length).toBeGreaterThanOrEqual(4);
  });

  it("sends reminders only to locations without an accepted delivery, once", async () => {
    const res = await f.post("/acties/herinneringen", facilitator, { kwartaal: Q });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("CD: herinnering verstuurd");
    expect(page).toContain("EF: herinnering verstuurd");
    const mails = outbox();
    expect(mails).toHaveLength(2);
    const to = mails.map((m) => /^To: (.*)$/m.exec(m)?.[1]?.trim()).sort();
    expect(to).toEqual(["registratie@cd.example", "registratie@ef.example"]);
    for (const m of mails) expect(m).not.toMatch(/application\/pdf/);
    const again = await (await f.post("/acties/herinneringen", facilitator, { kwartaal: Q })).text();
    expect(again).toContain("had al een herinnering gekregen");
    expect(outbox()).toHaveLength(2);
  });

  it("loads an occupancy file", async () => {
    const form = new FormData();
    form.set("_csrf", facilitator.csrf);
    form.set(
      "bestand",
      new File(
        ["Locatie;Maand;Gemiddelde bezetting\nAB;2023-07;10,5\nAB;2023-08;10\nAB;2023-09;9,5\n"],
        "bezetting q3.csv",
      ),
    );
    const res = await f.app.request("/acties/bezetting", {
      method: "POST",
      headers: { cookie: facilitator.cookie },
      body: form,
    });
    // Post, then redirect to the verdict of this load.
    expect(res.status).toBe(303);
    const verdictPath = res.headers.get("location") as string;
    expect(verdictPath).toMatch(/^\/acties\/bezetting\/[0-9a-f]{20}$/);
    const verdict = await f.get(verdictPath, facilitator);
    expect(verdict.status).toBe(200);
    const text = await verdict.text();
    expect(text).toContain("Geaccepteerd");
    expect(text).toContain("Bezetting ingelezen uit bezetting q3.csv: 3 regels");
    expect((await resolveSnapshot(f.runtime.store)).occupancy).toHaveLength(1);

    const bad = new FormData();
    bad.set("_csrf", facilitator.csrf);
    bad.set("bestand", new File(["Locatie;Maand;Gemiddelde bezetting\nZZ;2023-13;x\n"], "fout.csv"));
    const refused = await f.app.request("/acties/bezetting", {
      method: "POST",
      headers: { cookie: facilitator.cookie },
      body: bad,
    });
    expect(refused.status).toBe(303);
    const refusedPage = await (await f.get(refused.headers.get("location") as string, facilitator)).text();
    expect(refusedPage).toContain("Afgewezen");
    // The findings name the row and column of the facilitator's own file.
    expect(refusedPage).toMatch(/Rij 2, kolom Maand/);
    expect((await resolveSnapshot(f.runtime.store)).occupancy).toHaveLength(1);
    // Unknown or malformed attempt ids are simply not found.
    expect((await f.get("/acties/bezetting/0123456789abcdef0123", facilitator)).status).toBe(404);
    expect((await f.get("/acties/bezetting/..%2F..%2Fx", facilitator)).status).toBe(404);
  });

  it("makes the national report and sends it as a PDF download", async () => {
    const res = await f.post("/acties/rapport", facilitator, { van: Q, tot: Q });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toContain("landelijke-rapportage-2023-Q3_2023-Q3.pdf");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe("%PDF");
    const empty = await f.post("/acties/rapport", facilitator, { van: "2020-Q1", tot: "2020-Q2" });
    expect(empty.status).toBe(404);
    expect(await empty.text()).toContain("nog geen goedgekeurde leveringen");
  }, 60_000);

  it("(re)sends a location's factsheet, and explains when there is none", async () => {
    const before = outbox().length;
    const res = await f.post("/acties/factsheet", facilitator, { locatie: "AB", kwartaal: Q });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("De factsheet van AB");
    const mails = outbox();
    expect(mails).toHaveLength(before + 1);
    const sent = mails.find((m) => /^To: registratie@ab\.example/m.test(m));
    expect(sent).toMatch(/application\/pdf/);
    const none = await f.post("/acties/factsheet", facilitator, { locatie: "CD", kwartaal: Q });
    expect(none.status).toBe(409);
    expect(await none.text()).toContain("geen goedgekeurde levering");
    expect(outbox()).toHaveLength(before + 1);
  }, 60_000);
});

describe("actions in the AWS mode", () => {
  it("start the pipeline's functions, upload occupancy straight to the drop zone, and say where results appear", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "vbm-portal-aws-"));
    try {
      const calls: unknown[][] = [];
      const actions: FacilitatorActions = {
        reminders: async (quarter) => {
          calls.push(["reminders", quarter]);
          return { status: "done", value: [{ location: "AB", quarter, status: "reminded" }] };
        },
        nationalReport: async (from, to) => {
          calls.push(["nationalReport", from, to]);
          return { status: "started" };
        },
        resendFactsheet: async (location, quarter) => {
          calls.push(["resendFactsheet", location, quarter]);
          return { status: "started" };
        },
      };
      const g = portalFixture(
        dir,
        [
          { code: "AB", name: "De Eik", emails: ["a@example.org"] },
          { code: "CD", name: "De Linde", emails: ["c@example.org"] },
        ],
        () => ({
          actions,
          upload: {
            kind: "presigned-post",
            presign: async () => {
              throw new Error("not used");
            },
            presignOccupancy: async (fileName) => ({
              url: "https://vbm-dropzone.s3.eu-west-1.amazonaws.com/",
              fields: { key: `occupancy/${fileName}` },
              key: `occupancy/${fileName}`,
            }),
          },
        }),
      );
      Object.assign(g.runtime, { mode: "aws" });
      await g.user("netwerk@example.org", "facilitator");
      await g.user("ab@example.org", "location", "AB");
      const who = await g.signIn("netwerk@example.org");
      const ab = await g.signIn("ab@example.org");
      await g.deliver("AB", "2023-Q3", "all", "ab.csv", csvBytes([row("AB0001", 1, "3")]));

      const reminders = await g.post("/acties/herinneringen", who, { kwartaal: "2023-Q3" });
      expect(reminders.status).toBe(200);
      expect(await reminders.text()).toContain("AB: herinnering verstuurd");

      const report = await g.post("/acties/rapport", who, { van: "2023-Q3", tot: "2023-Q3" });
      expect(report.status).toBe(202);
      expect(await report.text()).toContain("wordt gemaakt");

      const factsheet = await g.post("/acties/factsheet", who, { locatie: "AB", kwartaal: "2023-Q3" });
      expect(factsheet.status).toBe(200);
      expect(await factsheet.text()).toContain("wordt gemaakt en binnen een paar minuten verstuurd");
      // CD has no accepted delivery: refused before anything starts.
      expect((await g.post("/acties/factsheet", who, { locatie: "CD", kwartaal: "2023-Q3" })).status).toBe(
        409,
      );
      expect(calls).toEqual([
        ["reminders", "2023-Q3"],
        ["nationalReport", "2023-Q3", "2023-Q3"],
        ["resendFactsheet", "AB", "2023-Q3"],
      ]);

      // Occupancy: the page's form goes through the browser script, the server never takes the file.
      const page = await (await g.get("/acties", who)).text();
      expect(page).toContain('data-upload="presigned-post"');
      expect(page).toContain('src="/static/occupancy.js"');
      const form = new FormData();
      form.set("_csrf", who.csrf);
      form.set("bestand", new File(["Locatie;Maand;Gemiddelde bezetting\nAB;2023-07;10\n"], "b.csv"));
      const direct = await g.app.request("/acties/bezetting", {
        method: "POST",
        headers: { cookie: who.cookie },
        body: form,
      });
      expect(direct.status).toBe(400);
      expect(await direct.text()).toContain("JavaScript");
      expect((await resolveSnapshot(g.runtime.store)).occupancy).toHaveLength(0);

      const policy = (await (
        await g.get("/api/bezetting/upload-policy?bestand=bezetting%202023.csv", who)
      ).json()) as {
        key: string;
        since: string;
      };
      expect(policy.key).toBe("occupancy/bezetting 2023.csv");
      const verdictUrl = `/api/bezetting/oordeel?${new URLSearchParams({ key: policy.key, sinds: policy.since })}`;
      expect(await (await g.get(verdictUrl, who)).json()).toEqual({ status: "pending" });
      // The ingest processes the upload (here: the local ingest on the same key).
      const { deliverFile } = await import("../../../functions/cli/actions.ts");
      const loaded = await deliverFile(g.runtime, {
        key: policy.key,
        load: async () => new TextEncoder().encode("Locatie;Maand;Gemiddelde bezetting\nAB;2023-07;10\n"),
      });
      const verdict = (await (await g.get(verdictUrl, who)).json()) as { status: string; attempt: string };
      expect(verdict).toEqual({ status: "accepted", attempt: loaded.entry.attempt_id });
      expect(await (await g.get(`/acties/bezetting/${verdict.attempt}`, who)).text()).toContain(
        "Bezetting ingelezen uit bezetting 2023.csv: 1 regel.",
      );

      // None of this is for a location.
      for (const path of [
        "/api/bezetting/upload-policy?bestand=x.csv",
        verdictUrl,
        `/acties/bezetting/${verdict.attempt}`,
      ])
        expect((await g.get(path, ab)).status, path).toBe(403);
      expect((await g.post("/acties/rapport", ab, { van: "2023-Q3", tot: "2023-Q3" })).status).toBe(403);
      expect(calls).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
