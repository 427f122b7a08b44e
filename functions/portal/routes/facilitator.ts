import { html } from "hono/html";
import { DateTime } from "luxon";
import { occupancyKey, quarterId } from "../../../schemas/delivery.ts";
import { previousQuarter, quarterRange } from "../../../schemas/quarter.ts";
import { deliverFile } from "../../cli/actions.ts";
import { documentDeps } from "../../cli/documents.ts";
import { currentDeliveryOf, resolveSnapshot } from "../../core/current.ts";
import {
  type CellStatus,
  cellStatuses,
  type DeliveryMatrix,
  filterMatrix,
  loadDeliveryMatrix,
  type MatrixCell,
  matrixCsv,
} from "../../core/delivery-matrix.ts";
import {
  type FactsheetOutcome,
  makeFactsheet,
  makeNationalReport,
  sendReminders,
} from "../../core/documents.ts";
import { verdictText } from "../../core/receipt.ts";
import { ZONE } from "../../core/time.ts";
import { type PortalApp, type PortalContext, render, requireRole } from "../app.ts";
import { safeFileName } from "../file-name.ts";
import { alert, type Html } from "../layout.ts";
import type { PortalDeps } from "../types.ts";

/**
 * The facilitator's pages: the delivery overview (matrix, CSV) and the actions (reminders,
 * occupancy, national report, factsheet). Only counts, statuses, file names and finding titles:
 * never a youth number, a reason text or a finding's value of a location's file.
 */

const MAX_QUARTERS = 40;
const MAX_OCCUPANCY_BYTES = 5 * 1024 * 1024;

/** A quarter from a form or query (`2023-q3` is fine), or null. */
export function quarterParam(value: unknown): string | null {
  const q = typeof value === "string" ? value.trim().toUpperCase() : "";
  return quarterId.safeParse(q).success ? q : null;
}

/** The quarter of a moment (Amsterdam). */
function quarterOf(now: Date): string {
  const d = DateTime.fromJSDate(now, { zone: ZONE });
  return `${d.year}-Q${Math.floor((d.month - 1) / 3) + 1}`;
}

/**
 * Default range: the last four quarters that have ended. When the newest delivery is older than
 * that (a monitor that stopped receiving, or the demo data), the four quarters up to the newest
 * delivery instead, so the page never opens on a window without any data.
 */
function defaultRange(now: Date, newestDelivered: string | null = null): { from: string; to: string } {
  const lastEnded = previousQuarter(quarterOf(now));
  const window = (to: string) => ({ from: previousQuarter(previousQuarter(previousQuarter(to))), to });
  const recent = window(lastEnded);
  return newestDelivered && newestDelivered < recent.from ? window(newestDelivered) : recent;
}

/** The newest quarter in the delivery log (from the keys `delivery-log/<LOC>/<Q>/…`), or null. */
async function newestLoggedQuarter(store: PortalDeps["runtime"]["store"]): Promise<string | null> {
  let newest: string | null = null;
  for (const key of await store.list("curated", "delivery-log/")) {
    const quarter = key.split("/")[2] ?? "";
    if (/^\d{4}-Q[1-4]$/.test(quarter) && (newest === null || quarter > newest)) newest = quarter;
  }
  return newest;
}

const when = (logTime: string) =>
  DateTime.fromMillis(Date.parse(`${logTime.replace(" ", "T")}Z`), { zone: ZONE }).toFormat(
    "dd-MM-yyyy HH:mm",
  );
const dutchDate = (iso: string) => DateTime.fromISO(iso).toFormat("dd-MM-yyyy");

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const scopeText = { all: "alle typen", seclusion: "alleen afzonderen" } as const;

function cellHtml(cell: MatrixCell): Html {
  const attempts = cell.attempts;
  return html`<td class="status status--${cell.status.replace(/ /g, "-")}">
    <span class="status__text">${cell.status}</span>${cell.rows !== null && cell.rows > 0 ? html` (${count(cell.rows, "rij", "rijen")})` : ""}
    ${cell.deliveredLate ? html`<br /><small>na de uiterste datum (${dutchDate(cell.deadline)})</small>` : ""}
    ${
      cell.errorTitles.length > 0
        ? html`<ul class="status__errors">${cell.errorTitles.map((t) => html`<li>${t}</li>`)}</ul>`
        : ""
    }
    ${
      attempts.length > 0
        ? html`<details>
            <summary>${attempts.length} ${attempts.length === 1 ? "poging" : "pogingen"}</summary>
            <ul>
              ${attempts.map(
                (a) =>
                  html`<li>${when(a.receivedAt)}: ${a.fileName} — ${a.status === "accepted" ? "geaccepteerd" : "afgewezen"}${a.scope ? `, ${scopeText[a.scope]}` : ""}, ${count(a.rows, "rij", "rijen")}${a.errors > 0 ? `, ${count(a.errors, "fout", "fouten")}` : ""}${a.warnings > 0 ? `, ${count(a.warnings, "opmerking", "opmerkingen")}` : ""}${a.current ? " (telt)" : ""}</li>`,
              )}
            </ul>
          </details>`
        : ""
    }
  </td>`;
}

function matrixTable(matrix: DeliveryMatrix): Html {
  return html`<div class="portal-table-wrap" role="region" aria-label="Leveringen per locatie en kwartaal" tabindex="0"><table class="utrecht-table portal-matrix">
    <caption class="utrecht-table__caption">Leveringen</caption>
    <thead class="utrecht-table__header">
      <tr>
        <th scope="col">Locatie</th>
        ${matrix.quarters.map((q) => html`<th scope="col">${q}</th>`)}
      </tr>
    </thead>
    <tbody class="utrecht-table__body">
      ${matrix.rows.map(
        (r) => html`<tr>
          <th scope="row">${r.location}</th>
          ${r.cells.map(cellHtml)}
        </tr>`,
      )}
    </tbody>
  </table></div>`;
}

interface OverviewQuery {
  from: string;
  to: string;
  status: CellStatus | null;
  problem: string | null;
}

function overviewQuery(c: PortalContext, now: Date, newestDelivered: string | null): OverviewQuery {
  const fallback = defaultRange(now, newestDelivered);
  const rawFrom = c.req.query("van");
  const rawTo = c.req.query("tot");
  const rawStatus = c.req.query("status") ?? "";
  const from = rawFrom ? quarterParam(rawFrom) : fallback.from;
  const to = rawTo ? quarterParam(rawTo) : rawFrom ? from : fallback.to;
  const status = (cellStatuses as readonly string[]).includes(rawStatus) ? (rawStatus as CellStatus) : null;
  if (!from || !to)
    return {
      ...fallback,
      status,
      problem: "Schrijf een kwartaal als JJJJ-Qn, bijvoorbeeld 2024-Q1. U ziet nu de laatste vier kwartalen.",
    };
  if (to < from)
    return { ...fallback, status, problem: `Het kwartaal 'tot' (${to}) ligt vóór 'van' (${from}).` };
  if (quarterRange(from, to).length > MAX_QUARTERS)
    return { ...fallback, status, problem: `Kies hoogstens ${MAX_QUARTERS} kwartalen tegelijk.` };
  return { from, to, status, problem: null };
}

export function facilitatorRoutes(app: PortalApp, deps: PortalDeps): void {
  const now = deps.now ?? (() => new Date());
  const deadlineDays = deps.deadlineDays ?? 30;
  const { runtime } = deps;

  const matrixFor = async (q: OverviewQuery) => {
    const locations = await runtime.loadLocations();
    const matrix = await loadDeliveryMatrix(runtime.store, {
      from: q.from,
      to: q.to,
      locations,
      deadlineDays,
      now: now(),
    });
    return { matrix: filterMatrix(matrix, q.status), broken: matrix.broken };
  };

  app.get("/overzicht", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const q = overviewQuery(c, now(), await newestLoggedQuarter(runtime.store));
    const { matrix, broken } = await matrixFor(q);
    const csvLink = `/overzicht.csv?${new URLSearchParams({ van: q.from, tot: q.to, ...(q.status ? { status: q.status } : {}) })}`;
    return render(
      c,
      "Overzicht leveringen",
      html`${q.problem ? alert("warning", q.problem) : ""}
        ${
          broken.length > 0
            ? alert(
                "warning",
                `${broken.length === 1 ? "Eén regel" : `${broken.length} regels`} van het leveringslogboek ${broken.length === 1 ? "is" : "zijn"} beschadigd en ${broken.length === 1 ? "telt" : "tellen"} hier niet mee. Zet ${broken.length === 1 ? "hem" : "ze"} terug uit de back-up.`,
              )
            : ""
        }
        <form method="get" action="/overzicht" class="portal-form portal-filter">
          <div class="utrecht-form-field">
            <label class="utrecht-form-label" for="van">Van kwartaal</label>
            <input class="utrecht-textbox" id="van" name="van" value="${q.from}" pattern="\\d{4}-[Qq][1-4]" />
          </div>
          <div class="utrecht-form-field">
            <label class="utrecht-form-label" for="tot">Tot en met kwartaal</label>
            <input class="utrecht-textbox" id="tot" name="tot" value="${q.to}" pattern="\\d{4}-[Qq][1-4]" />
          </div>
          <div class="utrecht-form-field">
            <label class="utrecht-form-label" for="status">Alleen locaties met status</label>
            <select class="utrecht-select" id="status" name="status">
              <option value="">alle</option>
              ${cellStatuses.map((s) => html`<option value="${s}" ${s === q.status ? "selected" : ""}>${s}</option>`)}
            </select>
          </div>
          <div><button type="submit" class="utrecht-button utrecht-button--secondary-action">Toon</button></div>
        </form>
        <p class="utrecht-paragraph">
          Een levering is op tijd tot ${deadlineDays} dagen na het einde van het kwartaal. Per vakje ziet u
          de pogingen erachter. <a class="utrecht-link" href="${csvLink}">Download als CSV (Excel)</a>
        </p>
        ${matrix.rows.length === 0 ? alert("info", "Er zijn geen locaties die hierbij passen.") : matrixTable(matrix)}`,
      { current: "/overzicht" },
    );
  });

  app.get("/overzicht.csv", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const q = overviewQuery(c, now(), await newestLoggedQuarter(runtime.store));
    const { matrix } = await matrixFor(q);
    return c.body(matrixCsv(matrix), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="leveringen-${q.from}_${q.to}.csv"`,
      "Cache-Control": "no-store",
    });
  });

  /**
   * On AWS the portal function may not write the drop zone, the curated data or the documents,
   * nor send mail: these actions belong to the pipeline's functions and are not wired to the
   * portal yet. Until they are, the page says so instead of failing on a missing permission.
   */
  const notOnAws = (c: PortalContext) =>
    runtime.mode === "aws"
      ? render(
          c,
          "Acties",
          alert(
            "warning",
            "Deze actie werkt in de AWS-omgeving nog niet vanuit het portaal. Maak de landelijke rapportage en verstuur factsheets of herinneringen zolang met de opdrachtregel (VBM_MODE=aws vbm-monitor report of factsheets --send); voor het laden van de bezetting kunt u de beheerder vragen.",
          ),
          { status: 501 },
        )
      : null;

  const actionsPage = async (c: PortalContext, message?: Html, status = 200) => {
    const locations = await runtime.loadLocations();
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
      html`${message ?? ""}
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
          <form method="post" action="/acties/bezetting" enctype="multipart/form-data" class="portal-form">
            ${csrf}
            <div class="utrecht-form-field">
              <label class="utrecht-form-label" for="bestand">Bestand (CSV of Excel)</label>
              <input id="bestand" name="bestand" type="file" accept=".csv,.xlsx" required />
            </div>
            <div><button type="submit" class="utrecht-button utrecht-button--primary-action">Lees in</button></div>
          </form>
        </section>
        <section aria-labelledby="kop-rapport">
          <h2 class="utrecht-heading-2" id="kop-rapport">Landelijke rapportage maken</h2>
          <form method="post" action="/acties/rapport" class="portal-form">
            ${csrf} ${quarterField("rapport-van", "Van kwartaal", "van")} ${quarterField("rapport-tot", "Tot en met kwartaal", "tot")}
            <div><button type="submit" class="utrecht-button utrecht-button--primary-action">Maak en download (PDF)</button></div>
          </form>
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
      { current: "/acties", status },
    );
  };

  const problem = (c: PortalContext, text: string, status = 400) =>
    actionsPage(c, alert("error", text), status);

  app.get("/acties", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    return actionsPage(c);
  });

  const reminderText: Partial<Record<FactsheetOutcome["status"], string>> = {
    reminded: "herinnering verstuurd",
    "already-reminded": "had al een herinnering gekregen; niet opnieuw verstuurd",
    "no-recipients": "geen e-mailadres bekend; niets verstuurd",
  };

  app.post("/acties/herinneringen", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const unavailable = notOnAws(c);
    if (unavailable) return unavailable;
    const quarter = quarterParam((await c.req.parseBody()).kwartaal);
    if (!quarter) return problem(c, "Schrijf het kwartaal als JJJJ-Qn, bijvoorbeeld 2024-Q1.");
    const outcomes = await sendReminders(
      {
        store: runtime.store,
        clock: runtime.ports.clock,
        logger: runtime.ports.logger,
        locations: await runtime.loadLocations(),
        mailer: await runtime.mailer(),
      },
      quarter,
    );
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

  app.post("/acties/bezetting", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const unavailable = notOnAws(c);
    if (unavailable) return unavailable;
    const file = (await c.req.parseBody()).bestand;
    if (!(file instanceof File) || file.size === 0) return problem(c, "Kies een bestand met de bezetting.");
    if (file.size > MAX_OCCUPANCY_BYTES)
      return problem(c, "Dit bestand is te groot voor een bezettingsbestand (meer dan 5 MB).", 413);
    const outcome = await deliverFile(runtime, {
      key: occupancyKey(safeFileName(file.name)),
      load: async () => new Uint8Array(await file.arrayBuffer()),
    });
    const report = outcome.report;
    if (!report)
      return actionsPage(
        c,
        alert("info", "Dit bestand is eerder precies zo ingelezen; er is niets veranderd."),
      );
    const accepted = outcome.status === "accepted";
    const verdict = accepted
      ? `Bezetting ingelezen: ${count(report.stats.rows, "regel", "regels")}. De rapportages rekenen er vanaf nu mee.`
      : verdictText(report);
    return actionsPage(
      c,
      html`${alert(accepted ? "ok" : "error", verdict)}
        ${
          report.findings.length > 0
            ? html`<ul class="utrecht-unordered-list portal-results">
                ${report.findings.map(
                  (f) =>
                    html`<li>${f.row ? `Rij ${f.row}` : "Bestand"}${f.column ? `, kolom ${f.column}` : ""}: ${f.message}</li>`,
                )}
              </ul>`
            : ""
        }`,
    );
  });

  app.post("/acties/rapport", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const unavailable = notOnAws(c);
    if (unavailable) return unavailable;
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
    const docs = await documentDeps(runtime, false);
    let key: string;
    try {
      ({ key } = await makeNationalReport(docs, from, to));
    } finally {
      await docs.engine.close();
    }
    const pdf = await runtime.store.get("reports", key);
    if (!pdf) throw new Error("national report not found after making it");
    return c.body(pdf.body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="landelijke-rapportage-${from}_${to}.pdf"`,
      "Cache-Control": "no-store",
    });
  });

  app.post("/acties/factsheet", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const unavailable = notOnAws(c);
    if (unavailable) return unavailable;
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
    const docs = await documentDeps(runtime, true);
    try {
      await makeFactsheet(docs, location, quarter, { send: true, resend: true });
    } finally {
      await docs.engine.close();
    }
    return actionsPage(
      c,
      alert(
        "ok",
        `De factsheet van ${location.code} (${location.name}) over ${quarter} is verstuurd naar ${location.emails.length} ${location.emails.length === 1 ? "adres" : "adressen"}.`,
      ),
    );
  });
}
