/**
 * The facilitator's actions ("Acties"): reminders, the occupancy file, the national report and
 * a location's factsheet. The work is done by `deps.actions` (locally the core in this process,
 * on AWS the pipeline's functions) and, for occupancy, by the ingest: locally the form posts the
 * file here; on AWS the browser sends it to the drop zone with a presigned POST pinned to
 * `occupancy/` and follows the ingest's verdict, like a location's delivery.
 */
import { html } from "hono/html";
import { compareUploadOrder, type DeliveryLogEntry } from "../../../schemas/curated.ts";
import { occupancyKey } from "../../../schemas/delivery.ts";
import { quarterRange } from "../../../schemas/quarter.ts";
import type { ValidationReport } from "../../../schemas/report.ts";
import { deliverFile } from "../../cli/actions.ts";
import { currentDeliveryOf, readLogLines, resolveSnapshot } from "../../core/current.ts";
import { documentKeys } from "../../core/document-keys.ts";
import { type PortalApp, type PortalContext, render, requireRole } from "../app.ts";
import { safeFileName } from "../file-name.ts";
import { alert, type Html } from "../layout.ts";
import { MAX_OCCUPANCY_BYTES, type PortalDeps } from "../types.ts";
import { count, defaultRange, MAX_QUARTERS, quarterParam } from "./facilitator.ts";

const ATTEMPT_ID = /^[0-9a-f]{20}$/;

const reminderText: Record<string, string> = {
  reminded: "herinnering verstuurd",
  "already-reminded": "had al een herinnering gekregen; niet opnieuw verstuurd",
  "no-recipients": "geen e-mailadres bekend; niets verstuurd",
};

/** The findings of an occupancy file, for the facilitator who loaded it (its own file). */
function findingsList(report: ValidationReport): Html {
  if (report.findings.length === 0) return html``;
  return html`<ul class="utrecht-unordered-list portal-results">
    ${report.findings.map(
      (f) =>
        html`<li>${f.row ? `Rij ${f.row}` : "Bestand"}${f.column ? `, kolom ${f.column}` : ""}: ${f.message}</li>`,
    )}
  </ul>`;
}

export function facilitatorActionRoutes(app: PortalApp, deps: PortalDeps): void {
  const now = deps.now ?? (() => new Date());
  const { runtime } = deps;
  const presigned = deps.upload.kind === "presigned-post" && deps.upload.presignOccupancy !== undefined;

  const nationalReports = async () =>
    (await runtime.store.list("reports", "national/"))
      .map((k) => documentKeys.nationalPdfPattern.exec(k))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ from: m[1] as string, to: m[2] as string }))
      .sort((a, b) => (b.to === a.to ? b.from.localeCompare(a.from) : b.to.localeCompare(a.to)));

  const actionsPage = async (c: PortalContext, message?: Html, status = 200) => {
    const [locations, reports] = await Promise.all([runtime.loadLocations(), nationalReports()]);
    const last = defaultRange(now()).to;
    const csrf = html`<input type="hidden" name="_csrf" value="${c.get("csrf")}" />`;
    const quarterField = (id: string, label: string, name = "kwartaal") =>
      html`<div class="utrecht-form-field">
        <label class="utrecht-form-label" for="${id}">${label}</label>
        <input class="utrecht-textbox" id="${id}" name="${name}" value="${last}" required pattern="\\d{4}-[Qq][1-4]" />
      </div>`;
    return render(
      c,
      "Acties",
      html`<div id="actie-resultaat" aria-live="polite">${message ?? ""}</div>
        <section aria-labelledby="kop-herinneringen">
          <h2 class="utrecht-heading-2" id="kop-herinneringen">Herinneringen sturen</h2>
          <p class="utrecht-paragraph">
            Stuurt een vriendelijke herinnering naar elke locatie die voor het kwartaal nog geen goedgekeurd
            bestand heeft. Locaties die al een herinnering kregen, krijgen er geen tweede.
          </p>
          <form method="post" action="/acties/herinneringen" class="portal-form">
            ${csrf} ${quarterField("herinnering-kwartaal", "Kwartaal")}
            <div><button type="submit" class="utrecht-button utrecht-button--primary-action">Stuur herinneringen</button></div>
          </form>
        </section>
        <section aria-labelledby="kop-bezetting">
          <h2 class="utrecht-heading-2" id="kop-bezetting">Bezetting inlezen</h2>
          <p class="utrecht-paragraph">
            Een bestand met de kolommen Locatie, Maand (JJJJ-MM) en Gemiddelde bezetting. Daarmee rekenen de
            rapportages het aantal maatregelen per jongere uit.
          </p>
          <form method="post" action="/acties/bezetting" enctype="multipart/form-data" class="portal-form" id="bezetting-form" data-upload="${presigned ? "presigned-post" : "direct"}">
            ${csrf}
            <div class="utrecht-form-field">
              <label class="utrecht-form-label" for="bestand">Bestand (CSV of Excel)</label>
              <input id="bestand" name="bestand" type="file" accept=".csv,.xlsx" required />
            </div>
            ${presigned ? html`<noscript><p class="utrecht-paragraph">Voor het inlezen is JavaScript nodig: het bestand gaat rechtstreeks naar de beveiligde opslag.</p></noscript>` : ""}
            <div><button type="submit" class="utrecht-button utrecht-button--primary-action">Lees in</button></div>
            <div id="bezetting-voortgang" aria-live="polite"></div>
          </form>
        </section>
        <section aria-labelledby="kop-rapport">
          <h2 class="utrecht-heading-2" id="kop-rapport">Landelijke rapportage maken</h2>
          <form method="post" action="/acties/rapport" class="portal-form">
            ${csrf} ${quarterField("rapport-van", "Van kwartaal", "van")} ${quarterField("rapport-tot", "Tot en met kwartaal", "tot")}
            <div><button type="submit" class="utrecht-button utrecht-button--primary-action">Maak de rapportage (PDF)</button></div>
          </form>
          ${
            reports.length === 0
              ? html`<p class="utrecht-paragraph">Er zijn nog geen landelijke rapportages gemaakt.</p>`
              : html`<h3 class="utrecht-heading-3">Gemaakte rapportages</h3>
                  <ul class="utrecht-unordered-list">
                    ${reports.map(
                      (r) =>
                        html`<li><a class="utrecht-link" href="/rapporten/${r.from}_${r.to}.pdf">${r.from === r.to ? r.from : `${r.from} tot en met ${r.to}`} (pdf)</a></li>`,
                    )}
                  </ul>`
          }
        </section>
        <section aria-labelledby="kop-factsheet">
          <h2 class="utrecht-heading-2" id="kop-factsheet">Factsheet (opnieuw) sturen</h2>
          <p class="utrecht-paragraph">
            Bijvoorbeeld nadat een locatie een verbeterd bestand heeft aangeleverd. De factsheet gaat naar de
            e-mailadressen van de locatie.
          </p>
          <form method="post" action="/acties/factsheet" class="portal-form">
            ${csrf}
            <div class="utrecht-form-field">
              <label class="utrecht-form-label" for="factsheet-locatie">Locatie</label>
              <select class="utrecht-select" id="factsheet-locatie" name="locatie" required>
                ${locations.map((l) => html`<option value="${l.code}">${l.code} – ${l.name}</option>`)}
              </select>
            </div>
            ${quarterField("factsheet-kwartaal", "Kwartaal")}
            <div><button type="submit" class="utrecht-button utrecht-button--primary-action">Stuur factsheet</button></div>
          </form>
        </section>`,
      { current: "/acties", status, ...(presigned ? { scripts: ["/static/occupancy.js"] } : {}) },
    );
  };

  const problem = (c: PortalContext, text: string, status = 400) =>
    actionsPage(c, alert("error", text), status);

  app.get("/acties", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    return actionsPage(c);
  });

  app.post("/acties/herinneringen", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const quarter = quarterParam((await c.req.parseBody()).kwartaal);
    if (!quarter) return problem(c, "Schrijf het kwartaal als JJJJ-Qn, bijvoorbeeld 2024-Q1.");
    const result = await deps.actions.reminders(quarter);
    if (result.status === "started")
      return actionsPage(
        c,
        alert(
          "info",
          `De herinneringen voor ${quarter} worden verstuurd. Dat duurt langer dan gewoonlijk; in het overzicht van de leveringen ziet u wie nog ontbreekt.`,
        ),
      );
    const outcomes = result.value;
    return actionsPage(
      c,
      outcomes.length === 0
        ? alert(
            "ok",
            `Alle locaties hebben voor ${quarter} een goedgekeurde levering. Er is niets verstuurd.`,
          )
        : html`${alert("ok", `Herinneringen voor ${quarter}:`)}
            <ul class="utrecht-unordered-list portal-results">
              ${outcomes.map((o) => html`<li>${o.location}: ${reminderText[o.status] ?? o.status}</li>`)}
            </ul>`,
    );
  });

  // --- Occupancy: locally the file comes here; on AWS it goes to the drop zone (presigned POST).
  app.post("/acties/bezetting", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    if (presigned)
      return problem(
        c,
        "Het bestand gaat rechtstreeks naar de beveiligde opslag; daarvoor is JavaScript nodig. Zet JavaScript aan en probeer het opnieuw.",
      );
    const file = (await c.req.parseBody()).bestand;
    if (!(file instanceof File) || file.size === 0) return problem(c, "Kies een bestand met de bezetting.");
    if (file.size > MAX_OCCUPANCY_BYTES)
      return problem(c, "Dit bestand is te groot voor een bezettingsbestand (meer dan 5 MB).", 413);
    const outcome = await deliverFile(runtime, {
      key: occupancyKey(safeFileName(file.name)),
      load: async () => new Uint8Array(await file.arrayBuffer()),
    });
    if (!outcome.report)
      return actionsPage(
        c,
        alert("info", "Dit bestand is eerder precies zo ingelezen; er is niets veranderd."),
      );
    return c.redirect(`/acties/bezetting/${outcome.entry.attempt_id}`, 303);
  });

  app.get("/api/bezetting/upload-policy", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    if (!presigned || !deps.upload.presignOccupancy) return c.json({ error: "niet beschikbaar" }, 404);
    // S3 event times (the attempt's received_at) have whole seconds: look back a little further.
    const since = new Date(Math.floor(now().getTime() / 1000) * 1000 - 2000)
      .toISOString()
      .replace("T", " ")
      .replace("Z", "");
    const policy = await deps.upload.presignOccupancy(safeFileName(c.req.query("bestand") ?? ""));
    return c.json({ ...policy, since }, 200, { "Cache-Control": "no-store" });
  });

  /** The newest occupancy load of a drop-zone key received since `sinds` (after a presigned upload). */
  app.get("/api/bezetting/oordeel", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const key = c.req.query("key") ?? "";
    const since = c.req.query("sinds") ?? "";
    const headers = { "Cache-Control": "no-store" };
    if (!key.startsWith("occupancy/")) return c.json({ error: "niet gevonden" }, 404, headers);
    const { entries } = await readLogLines(
      runtime.store,
      await runtime.store.list("curated", "occupancy-log/"),
    );
    const newest = entries
      .filter((e) => e.source_key === key && e.received_at >= since)
      .sort((a, b) => compareUploadOrder(b, a))[0];
    if (!newest) return c.json({ status: "pending" }, 200, headers);
    return c.json({ status: newest.status, attempt: newest.attempt_id }, 200, headers);
  });

  app.get("/acties/bezetting/:attempt", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const attempt = c.req.param("attempt");
    const entry = ATTEMPT_ID.test(attempt)
      ? (await readLogLines(runtime.store, [`occupancy-log/${attempt}.json`])).entries[0]
      : undefined;
    if (!entry || entry.attempt_id !== attempt)
      return render(c, "Niet gevonden", alert("warning", "Deze inleespoging bestaat niet."), {
        current: "/acties",
        status: 404,
      });
    const report = await occupancyReport(deps, entry);
    const accepted = entry.status === "accepted";
    const verdict = accepted
      ? `Bezetting ingelezen uit ${entry.file_name}: ${count(entry.rows, "regel", "regels")}. De rapportages rekenen er vanaf nu mee.`
      : `${entry.file_name} is niet ingelezen: ${count(entry.errors, "fout", "fouten")}. Verbeter het bestand en lees het opnieuw in; er is niets veranderd.`;
    return render(
      c,
      accepted ? "Bezetting: Geaccepteerd" : "Bezetting: Afgewezen",
      html`${alert(accepted ? "ok" : "error", verdict)} ${report ? findingsList(report) : ""}
        <p class="utrecht-paragraph"><a class="utrecht-link" href="/acties">Terug naar de acties</a></p>`,
      { current: "/acties" },
    );
  });

  // --- National report: locally made at once and downloaded; on AWS made by the report function.
  app.post("/acties/rapport", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const body = await c.req.parseBody();
    const from = quarterParam(body.van);
    const to = quarterParam(body.tot) ?? from;
    if (!from || !to) return problem(c, "Schrijf de kwartalen als JJJJ-Qn, bijvoorbeeld 2024-Q1.");
    if (to < from) return problem(c, `Het kwartaal 'tot en met' (${to}) ligt vóór 'van' (${from}).`);
    if (quarterRange(from, to).length > MAX_QUARTERS)
      return problem(c, `Kies hoogstens ${MAX_QUARTERS} kwartalen tegelijk.`);
    const snapshot = await resolveSnapshot(runtime.store, { from, to });
    if (snapshot.current.length === 0)
      return problem(
        c,
        `Er zijn nog geen goedgekeurde leveringen van ${from} tot en met ${to}; er valt nog niets te rapporteren.`,
        404,
      );
    const result = await deps.actions.nationalReport(from, to);
    if (result.status === "started")
      return actionsPage(
        c,
        alert(
          "info",
          `De landelijke rapportage ${from} tot en met ${to} wordt gemaakt. Over een paar minuten staat ze hieronder bij "Gemaakte rapportages" (ververs de pagina) en krijgen de netwerkbegeleiders haar per e-mail.`,
        ),
        202,
      );
    const download = await downloadReport(
      c,
      deps,
      result.value.key,
      `landelijke-rapportage-${from}_${to}.pdf`,
    );
    if (!download) throw new Error(`national report ${result.value.key} not found after making it`);
    return download;
  });

  app.get("/rapporten/:file", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const m = /^(\d{4}-Q[1-4])_(\d{4}-Q[1-4])\.pdf$/.exec(c.req.param("file"));
    const notFound = () =>
      render(c, "Niet gevonden", alert("warning", "Deze rapportage bestaat (nog) niet."), {
        current: "/acties",
        status: 404,
      });
    if (!m) return notFound();
    return (
      (await downloadReport(
        c,
        deps,
        documentKeys.nationalPdf(m[1] as string, m[2] as string),
        `landelijke-rapportage-${m[1]}_${m[2]}.pdf`,
      )) ?? notFound()
    );
  });

  // --- A location's factsheet, made again and sent (after a corrected delivery, or a lost mail).
  app.post("/acties/factsheet", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const body = await c.req.parseBody();
    const quarter = quarterParam(body.kwartaal);
    const code = typeof body.locatie === "string" ? body.locatie.trim().toUpperCase() : "";
    const location = (await runtime.loadLocations()).find((l) => l.code === code);
    if (!location) return problem(c, "Kies een locatie uit de lijst.");
    if (!quarter) return problem(c, "Schrijf het kwartaal als JJJJ-Qn, bijvoorbeeld 2024-Q1.");
    if (location.emails.length === 0)
      return problem(c, `Voor ${location.code} staan geen e-mailadressen in de lijst van locaties.`, 409);
    if (!(await currentDeliveryOf(runtime.store, location.code, quarter)).current)
      return problem(
        c,
        `${location.code} heeft voor ${quarter} geen goedgekeurde levering; er is dus geen factsheet. Stuur eventueel een herinnering.`,
        409,
      );
    const addresses = `${location.emails.length} ${location.emails.length === 1 ? "adres" : "adressen"}`;
    const result = await deps.actions.resendFactsheet(location.code, quarter);
    return actionsPage(
      c,
      result.status === "started"
        ? alert(
            "info",
            `De factsheet van ${location.code} (${location.name}) over ${quarter} wordt gemaakt en binnen een paar minuten verstuurd naar ${addresses}.`,
          )
        : alert(
            "ok",
            `De factsheet van ${location.code} (${location.name}) over ${quarter} is verstuurd naar ${addresses}.`,
          ),
    );
  });
}

/** The report of an occupancy load (kept beside the quarantined file), or null. */
async function occupancyReport(deps: PortalDeps, entry: DeliveryLogEntry): Promise<ValidationReport | null> {
  const key = entry.report_key;
  if (!key.startsWith(`_occupancy/_/${entry.attempt_id}/`)) return null;
  const obj = await deps.runtime.store.get("quarantine", key);
  return obj ? (JSON.parse(new TextDecoder().decode(obj.body)) as ValidationReport) : null;
}

async function downloadReport(c: PortalContext, deps: PortalDeps, key: string, fileName: string) {
  const pdf = await deps.runtime.store.get("reports", key);
  if (!pdf) return null;
  return c.body(pdf.body as Uint8Array<ArrayBuffer>, 200, {
    "Content-Type": "application/pdf",
    "Content-Disposition": `attachment; filename="${fileName}"`,
    "Cache-Control": "no-store",
  });
}
