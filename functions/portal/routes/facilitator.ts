import { html } from "hono/html";
import { DateTime } from "luxon";
import { quarterId } from "../../../schemas/delivery.ts";
import { previousQuarter, quarterRange } from "../../../schemas/quarter.ts";
import {
  type CellStatus,
  cellStatuses,
  type DeliveryMatrix,
  filterMatrix,
  loadDeliveryMatrix,
  type MatrixCell,
  matrixCsv,
} from "../../core/delivery-matrix.ts";
import { ZONE } from "../../core/time.ts";
import { type VerdictMailState, verdictMailStates } from "../../core/verdict-mail.ts";
import { type PortalApp, type PortalContext, render, requireRole } from "../app.ts";
import { alert, type Html } from "../layout.ts";
import type { PortalDeps } from "../types.ts";

/**
 * The facilitator's pages: the delivery overview (matrix, CSV) and the actions (reminders,
 * occupancy, national report, factsheet). Only counts, statuses, file names and finding titles:
 * never a youth number, a reason text or a finding's value of a location's file.
 */

export const MAX_QUARTERS = 40;

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
export function defaultRange(now: Date, newestDelivered: string | null = null): { from: string; to: string } {
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

export const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const scopeText = { all: "alle typen", seclusion: "alleen afzonderen" } as const;

const mailText: Partial<Record<VerdictMailState["status"], string>> = {
  failed: "ontvangstbevestiging niet verstuurd",
  "no-recipients": "geen ontvangstbevestiging: geen e-mailadres bekend",
};

function cellHtml(cell: MatrixCell, mail: ReadonlyMap<string, VerdictMailState>): Html {
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
                  html`<li>${when(a.receivedAt)}: ${a.fileName} — ${a.status === "accepted" ? "geaccepteerd" : "afgewezen"}${a.scope ? `, ${scopeText[a.scope]}` : ""}, ${count(a.rows, "rij", "rijen")}${a.errors > 0 ? `, ${count(a.errors, "fout", "fouten")}` : ""}${a.warnings > 0 ? `, ${count(a.warnings, "opmerking", "opmerkingen")}` : ""}${a.current ? " (telt)" : ""}${mailText[mail.get(a.attemptId)?.status ?? "sent"] ? html`<br /><small>${mailText[mail.get(a.attemptId)?.status ?? "sent"]}</small>` : ""}</li>`,
              )}
            </ul>
          </details>`
        : ""
    }
  </td>`;
}

function matrixTable(matrix: DeliveryMatrix, mail: ReadonlyMap<string, VerdictMailState>): Html {
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
          ${r.cells.map((cell) => cellHtml(cell, mail))}
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
    const attemptIds = matrix.rows.flatMap((r) => r.cells.flatMap((c) => c.attempts.map((a) => a.attemptId)));
    const mail = await verdictMailStates(runtime.store, attemptIds);
    return { matrix: filterMatrix(matrix, q.status), broken: matrix.broken, mail };
  };

  /** Attempts whose verdict mail failed: the location may not know its verdict (it can see it in the portal). */
  const failedMails = (matrix: DeliveryMatrix, mail: ReadonlyMap<string, VerdictMailState>) =>
    matrix.rows.flatMap((r) =>
      r.cells.flatMap((c) =>
        c.attempts
          .filter((a) => mail.get(a.attemptId)?.status === "failed")
          .map((a) => ({
            location: r.location,
            quarter: c.quarter,
            attempt: a,
            reason: mail.get(a.attemptId)?.lastError ?? null,
          })),
      ),
    );

  app.get("/overzicht", async (c) => {
    const user = await requireRole(c, "facilitator");
    if (user instanceof Response) return user;
    const q = overviewQuery(c, now(), await newestLoggedQuarter(runtime.store));
    const { matrix, broken, mail } = await matrixFor(q);
    const failed = failedMails(matrix, mail);
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
        ${
          failed.length > 0
            ? html`<div class="utrecht-alert utrecht-alert--warning" role="status"><div class="utrecht-alert__message">
                <p class="utrecht-paragraph">
                  ${failed.length === 1 ? "Eén ontvangstbevestiging kon" : `${failed.length} ontvangstbevestigingen konden`} niet per e-mail worden verstuurd. De locatie ziet de uitslag wel in het portaal bij "Mijn leveringen". Controleer het e-mailadres in de lijst van locaties en verstuur opnieuw met <code>vbm-monitor mail --retry</code>.
                </p>
                <ul class="utrecht-unordered-list">
                  ${failed.map((f) => html`<li>${f.location} ${f.quarter}, ${f.attempt.fileName} (${when(f.attempt.receivedAt)})${f.reason ? `: ${f.reason}` : ""}</li>`)}
                </ul>
              </div></div>`
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
        ${matrix.rows.length === 0 ? alert("info", "Er zijn geen locaties die hierbij passen.") : matrixTable(matrix, mail)}`,
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
}
