/**
 * The pages of a care location: deliver a quarterly file ("Aanleveren") and see its own
 * attempts, receipts and factsheets ("Mijn leveringen").
 *
 * Every route checks the role, and the location is always the signed-in user's own (from the
 * session, never from the request): an attempt or factsheet of another location is "not found"
 * (404), without any of its data. Receipts may show raw values and youth numbers; only the
 * location itself ever gets them.
 *
 * Upload, two modes (PortalDeps.upload.kind):
 * - "direct" (local): the form POSTs multipart to /aanleveren; the server puts the file into the
 *   drop zone under `<LOC>/<YYYY-Qn>/<all|seclusion>/<safe name>` and runs the ingest at once
 *   (`deliverFile`), then redirects to the receipt.
 * - "presigned-post" (AWS): the browser asks /api/upload-policy for a presigned POST, sends the
 *   file straight to the drop-zone bucket and polls /api/verdict with the drop-zone key and the
 *   moment the policy was issued. The attempt id is a hash of key and S3 version id, which the
 *   browser cannot know before the upload; so the server looks up this location's newest
 *   attempt for that key received since then. The receipt is the authority either way: the
 *   server validates the file again.
 */
import { html } from "hono/html";
import { compareUploadOrder, type DeliveryLogEntry } from "../../../schemas/curated.ts";
import { deliveryKey, quarterId, type Scope, scope as scopeSchema } from "../../../schemas/delivery.ts";
import { previousQuarter, quarterRange } from "../../../schemas/quarter.ts";
import type { ValidationReport } from "../../../schemas/report.ts";
import { deliverFile } from "../../cli/actions.ts";
import { currentDeliveryOf, pickCurrent, readLogLines } from "../../core/current.ts";
import { documentKeys } from "../../core/document-keys.ts";
import type { Receipt } from "../../core/receipt.ts";
import { type PortalApp, type PortalContext, render, requireRole } from "../app.ts";
import { safeFileName } from "../file-name.ts";
import { alert, type Html } from "../layout.ts";
import type { PortalDeps, PortalUser } from "../types.ts";

/** The first quarter the monitor holds (seclusion registration started October 2019). */
export const FIRST_QUARTER = "2019-Q4";
const ATTEMPT_ID = /^[0-9a-f]{20}$/;

export function quarterOf(date: Date): string {
  return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}

/** Quarters a location can deliver for, newest first, and the default: the quarter that just ended. */
export function deliverableQuarters(now: Date): { quarters: string[]; preferred: string } {
  const current = quarterOf(now);
  return { quarters: quarterRange(FIRST_QUARTER, current).reverse(), preferred: previousQuarter(current) };
}

const SCOPE_LABEL: Record<Scope, string> = {
  all: "alle maatregelen",
  seclusion: "alleen gedwongen afzonderen",
};

const outcomeLabel = (status: "accepted" | "rejected") =>
  status === "accepted" ? "Geaccepteerd" : "Afgewezen";

/** `YYYY-MM-DD HH:MM:SS.mmm` (UTC, as in the log) → Dutch local time, e.g. "3-4-2023 10:15". */
function localTime(logTime: string): string {
  const d = new Date(`${logTime.replace(" ", "T")}Z`);
  if (Number.isNaN(d.getTime())) return logTime;
  return d.toLocaleString("nl-NL", {
    timeZone: "Europe/Amsterdam",
    dateStyle: "short",
    timeStyle: "short",
  });
}

/** All committed attempts of one location, newest upload first. */
async function attemptsOf(deps: PortalDeps, location: string): Promise<DeliveryLogEntry[]> {
  const store = deps.runtime.store;
  const { entries } = await readLogLines(store, await store.list("curated", `delivery-log/${location}/`));
  return entries.filter((e) => e.location === location).sort((a, b) => compareUploadOrder(b, a));
}

/** One attempt of this location, or null (unknown id, or another location's). */
async function attemptOf(
  deps: PortalDeps,
  location: string,
  attemptId: string,
): Promise<DeliveryLogEntry | null> {
  if (!ATTEMPT_ID.test(attemptId)) return null;
  const store = deps.runtime.store;
  const key = (await store.list("curated", `delivery-log/${location}/`)).find((k) =>
    k.endsWith(`/${attemptId}.json`),
  );
  if (!key) return null;
  const { entries } = await readLogLines(store, [key]);
  const entry = entries[0];
  return entry && entry.location === location && entry.attempt_id === attemptId ? entry : null;
}

async function receiptOf(deps: PortalDeps, entry: DeliveryLogEntry): Promise<Receipt | null> {
  // The receipt lives in the location's own folder of the receipts area; never follow a key elsewhere.
  if (!entry.report_key.startsWith(`${entry.location}/`)) return null;
  const obj = await deps.runtime.store.get("receipts", entry.report_key);
  return obj ? (JSON.parse(new TextDecoder().decode(obj.body)) as Receipt) : null;
}

function locationUser(c: PortalContext): Promise<PortalUser | Response> {
  return requireRole(c, "location").then((user) => {
    if (user instanceof Response) return user;
    if (!user.location)
      return render(c, "Geen toegang", alert("error", "Uw account hoort niet bij een locatie."), {
        status: 403,
      });
    return user;
  });
}

const notFound = (c: PortalContext) =>
  render(
    c,
    "Niet gevonden",
    alert("warning", "Deze levering of dit bestand bestaat niet, of hoort niet bij uw locatie."),
    {
      status: 404,
    },
  );

/** The Dutch validation report: a summary per finding code and a table of the findings. */
export function reportHtml(report: ValidationReport): Html {
  if (report.summary.length === 0)
    return html`<p class="utrecht-paragraph">Er zijn geen fouten of opmerkingen gevonden.</p>`;
  return html`<h2 class="utrecht-heading-2">Samenvatting</h2>
    <div class="portal-table-wrap">
      <table class="utrecht-table">
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row">
            <th class="utrecht-table__header-cell" scope="col">Soort</th>
            <th class="utrecht-table__header-cell" scope="col">Wat</th>
            <th class="utrecht-table__header-cell utrecht-table__header-cell--numeric" scope="col">Aantal</th>
          </tr>
        </thead>
        <tbody class="utrecht-table__body">
          ${report.summary.map(
            (s) => html`<tr class="utrecht-table__row">
              <td class="utrecht-table__cell">${s.severity === "error" ? "Fout" : "Opmerking"}</td>
              <td class="utrecht-table__cell">${s.title}</td>
              <td class="utrecht-table__cell utrecht-table__cell--numeric">${s.count}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <h2 class="utrecht-heading-2">Per rij: wat moet anders</h2>
    <div class="portal-table-wrap">
      <table class="utrecht-table">
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row">
            <th class="utrecht-table__header-cell" scope="col">Soort</th>
            <th class="utrecht-table__header-cell" scope="col">Rij</th>
            <th class="utrecht-table__header-cell" scope="col">Kolom</th>
            <th class="utrecht-table__header-cell" scope="col">Waarde</th>
            <th class="utrecht-table__header-cell" scope="col">Hoe herstelt u het</th>
          </tr>
        </thead>
        <tbody class="utrecht-table__body">
          ${report.findings.map(
            (f) => html`<tr class="utrecht-table__row">
              <td class="utrecht-table__cell">${f.severity === "error" ? "Fout" : "Opmerking"}</td>
              <td class="utrecht-table__cell">${f.row === null ? "hele bestand" : `rij ${f.row}`}</td>
              <td class="utrecht-table__cell">${f.column ?? ""}</td>
              <td class="utrecht-table__cell">${f.value ?? ""}</td>
              <td class="utrecht-table__cell">${f.message}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${
      report.truncated
        ? html`<p class="utrecht-paragraph">Per soort fout staan hier de eerste ${report.examplesPerCode}; de aantallen in de samenvatting zijn volledig.</p>`
        : ""
    }`;
}

function receiptHtml(entry: DeliveryLogEntry, receipt: Receipt | null, current: boolean): Html {
  const status = entry.status;
  const s = receipt?.summary ?? null;
  const rises = receipt?.signals?.rises ?? [];
  return html`${alert(
    status === "accepted" ? "ok" : "error",
    receipt?.verdict.startsWith(outcomeLabel(status))
      ? receipt.verdict
      : html`<strong>${outcomeLabel(status)}</strong>. ${receipt?.verdict ?? ""}`,
  )}
    ${
      status === "accepted" && !current
        ? alert("warning", "Dit bestand telt niet: voor dit kwartaal is later een ander bestand aangeleverd.")
        : ""
    }
    <dl class="portal-facts">
      <dt>Kwartaal</dt><dd>${entry.quarter}</dd>
      <dt>Inhoud</dt><dd>${entry.scope ? SCOPE_LABEL[entry.scope] : "onbekend"}</dd>
      <dt>Bestand</dt><dd>${entry.file_name}</dd>
      <dt>Ontvangen</dt><dd>${localTime(entry.received_at)}</dd>
      <dt>Rijen</dt><dd>${entry.rows}</dd>
    </dl>
    ${
      s
        ? html`<h2 class="utrecht-heading-2">In het kort</h2>
          <ul class="utrecht-unordered-list">
            <li>${s.measures} ${s.measures === 1 ? "maatregel" : "maatregelen"} bij ${s.youth} ${s.youth === 1 ? "jongere" : "jongeren"}${s.firstStart ? ` (eerste start ${s.firstStart}, laatste start ${s.lastStart})` : ""}</li>
            ${s.byCategory.filter((b) => b.count > 0).map((b) => html`<li>${b.label}: ${b.count}</li>`)}
            <li>Hulpverleningsplan niet ingevuld: ${s.carePlanUnknown}</li>
            <li>Eindtijd ontbreekt: ${s.missingEnd}</li>
          </ul>`
        : ""
    }
    ${
      rises.length > 0
        ? html`<h2 class="utrecht-heading-2">Signalen: jongeren met veel meer maatregelen</h2>
          <p class="utrecht-paragraph">Deze jongeren hadden dit kwartaal veel meer maatregelen dan in ${receipt?.signals?.comparedWith ?? "het vorige kwartaal"}. Alleen uw locatie ziet dit. Het is geen fout, maar iets om te bespreken.</p>
          <div class="portal-table-wrap"><table class="utrecht-table">
            <thead class="utrecht-table__header"><tr class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="col">Nummer jongere</th>
              <th class="utrecht-table__header-cell utrecht-table__header-cell--numeric" scope="col">Vorig kwartaal</th>
              <th class="utrecht-table__header-cell utrecht-table__header-cell--numeric" scope="col">Dit kwartaal</th>
            </tr></thead>
            <tbody class="utrecht-table__body">
              ${rises.map(
                (r) => html`<tr class="utrecht-table__row">
                  <td class="utrecht-table__cell">${r.youthNumber}</td>
                  <td class="utrecht-table__cell utrecht-table__cell--numeric">${r.previous}</td>
                  <td class="utrecht-table__cell utrecht-table__cell--numeric">${r.current}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>`
        : ""
    }
    ${receipt ? reportHtml(receipt.report) : alert("warning", "Het ontvangstbewijs is (nog) niet te lezen.")}
    <p class="utrecht-paragraph"><a class="utrecht-link" href="/leveringen">Terug naar mijn leveringen</a></p>`;
}

function deliverForm(c: PortalContext, deps: PortalDeps, user: PortalUser, problem?: string): Html {
  const now = (deps.now ?? (() => new Date()))();
  const { quarters, preferred } = deliverableQuarters(now);
  return html`${problem ? alert("error", problem) : ""}
    <p class="utrecht-paragraph">Kies het kwartaal en het exportbestand uit het EPD (.csv of .xlsx). Uw browser controleert het bestand meteen. Zolang er fouten in staan, verlaat het bestand uw computer niet.</p>
    <form id="aanleveren" method="post" action="/aanleveren" enctype="multipart/form-data" class="portal-form portal-form--deliver"
      data-upload="${deps.upload.kind}" data-locatie="${user.location ?? ""}" data-max-bytes="${deps.limits?.maxBytes ?? ""}">
      <input type="hidden" name="_csrf" value="${c.get("csrf")}" />
      <div class="utrecht-form-field">
        <label class="utrecht-form-label" for="kwartaal">Kwartaal</label>
        <select class="utrecht-select" id="kwartaal" name="kwartaal" required>
          ${quarters.map((q) => html`<option value="${q}" ${q === preferred ? html`selected` : ""}>${q}</option>`)}
        </select>
      </div>
      <fieldset class="utrecht-form-fieldset">
        <legend class="utrecht-form-fieldset__legend">Wat staat er in het bestand?</legend>
        <div class="utrecht-form-field utrecht-form-field--radio">
          <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" id="omvang-all" name="omvang" value="all" checked />
          <label class="utrecht-form-label" for="omvang-all">Alle maatregelen</label>
        </div>
        <div class="utrecht-form-field utrecht-form-field--radio">
          <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" id="omvang-seclusion" name="omvang" value="seclusion" />
          <label class="utrecht-form-label" for="omvang-seclusion">Alleen gedwongen afzonderen (Type VBM 6 tot en met 11)</label>
        </div>
      </fieldset>
      <div class="utrecht-form-field portal-drop" id="sleepvak">
        <label class="utrecht-form-label" for="bestand">Bestand</label>
        <p class="utrecht-form-field-description" id="bestand-uitleg">Kies een bestand of sleep het hierheen.</p>
        <input class="utrecht-textbox" id="bestand" name="bestand" type="file" accept=".csv,.xlsx" required aria-describedby="bestand-uitleg" />
      </div>
      <div id="controle" aria-live="polite"></div>
      <div><button id="aanleveren-knop" type="submit" class="utrecht-button utrecht-button--primary-action">Aanleveren</button></div>
    </form>`;
}

export function locationRoutes(app: PortalApp, deps: PortalDeps): void {
  const scripts = ["/static/deliver.js"];

  app.get("/aanleveren", async (c) => {
    const user = await locationUser(c);
    if (user instanceof Response) return user;
    return render(c, "Aanleveren", deliverForm(c, deps, user), { current: "/aanleveren", scripts });
  });

  app.post("/aanleveren", async (c) => {
    const user = await locationUser(c);
    if (user instanceof Response) return user;
    const location = user.location as string;
    const again = (problem: string) =>
      render(c, "Aanleveren", deliverForm(c, deps, user, problem), {
        status: 400,
        current: "/aanleveren",
        scripts,
      });
    if (deps.upload.kind !== "direct")
      return again(
        "Aanleveren kan hier alleen met JavaScript aan: uw browser controleert het bestand en stuurt het daarna veilig door. Zet JavaScript aan of gebruik een andere browser.",
      );
    const body = await c.req.parseBody();
    const quarter = String(body.kwartaal ?? "");
    const { quarters } = deliverableQuarters((deps.now ?? (() => new Date()))());
    if (!quarterId.safeParse(quarter).success || !quarters.includes(quarter))
      return again("Kies een kwartaal uit de lijst.");
    const scope = scopeSchema.safeParse(body.omvang);
    if (!scope.success)
      return again("Kies of het bestand alle maatregelen bevat of alleen gedwongen afzonderen.");
    const file = body.bestand;
    if (!(file instanceof File) || file.name === "") return again("Kies een bestand (.csv of .xlsx).");
    const key = deliveryKey(location, quarter, scope.data, safeFileName(file.name));
    const outcome = await deliverFile(deps.runtime, {
      key,
      load: async () => new Uint8Array(await file.arrayBuffer()),
      ...(deps.limits ? { limits: deps.limits } : {}),
    });
    return c.redirect(`/leveringen/${outcome.entry.attempt_id}`, 303);
  });

  app.get("/api/upload-policy", async (c) => {
    const user = await locationUser(c);
    if (user instanceof Response) return user;
    if (deps.upload.kind !== "presigned-post" || !deps.upload.presign)
      return c.json({ error: "niet beschikbaar" }, 404);
    const quarter = c.req.query("kwartaal") ?? "";
    const scope = scopeSchema.safeParse(c.req.query("omvang"));
    const { quarters } = deliverableQuarters((deps.now ?? (() => new Date()))());
    if (!quarters.includes(quarter) || !scope.success)
      return c.json({ error: "Kies een kwartaal uit de lijst en wat er in het bestand staat." }, 400);
    const fileName = safeFileName(c.req.query("bestand") ?? "");
    // S3 event times (the attempt's received_at) have whole seconds: look back a little further.
    const since = new Date(Math.floor(Date.now() / 1000) * 1000 - 2000)
      .toISOString()
      .replace("T", " ")
      .replace("Z", "");
    const policy = await deps.upload.presign({
      location: user.location as string,
      quarter,
      scope: scope.data,
      fileName,
    });
    return c.json({ ...policy, since }, 200, { "Cache-Control": "no-store" });
  });

  /** This location's newest attempt for a drop-zone key, received since `sinds` (after a presigned upload). */
  app.get("/api/verdict", async (c) => {
    const user = await locationUser(c);
    if (user instanceof Response) return user;
    const key = c.req.query("key") ?? "";
    const since = c.req.query("sinds") ?? "";
    if (!key.startsWith(`${user.location}/`)) return c.json({ error: "niet gevonden" }, 404);
    const quarter = key.split("/")[1] ?? "";
    if (!quarterId.safeParse(quarter).success) return c.json({ error: "niet gevonden" }, 404);
    const store = deps.runtime.store;
    const { entries } = await readLogLines(
      store,
      await store.list("curated", `delivery-log/${user.location}/${quarter}/`),
    );
    const newest = entries
      .filter((e) => e.location === user.location && e.source_key === key && e.received_at >= since)
      .sort((a, b) => compareUploadOrder(b, a))[0];
    const headers = { "Cache-Control": "no-store" };
    if (!newest) return c.json({ status: "pending" }, 200, headers);
    return c.json(
      { status: newest.status, verdict: outcomeLabel(newest.status), attempt: newest.attempt_id },
      200,
      headers,
    );
  });

  app.get("/leveringen", async (c) => {
    const user = await locationUser(c);
    if (user instanceof Response) return user;
    const location = user.location as string;
    const attempts = await attemptsOf(deps, location);
    const current = new Set([...pickCurrent(attempts).values()].map((e) => e.attempt_id));
    const factsheets = (await deps.runtime.store.list("reports", "factsheets/"))
      .map((k) => /^factsheets\/(\d{4}-Q[1-4])\/([A-Z]{2})\.pdf$/.exec(k))
      .filter((m): m is RegExpExecArray => m !== null && m[2] === location)
      .map((m) => m[1] as string)
      .sort()
      .reverse();
    return render(
      c,
      "Mijn leveringen",
      html`${
        attempts.length === 0
          ? html`<p class="utrecht-paragraph">Uw locatie heeft nog niets aangeleverd. <a class="utrecht-link" href="/aanleveren">Lever een bestand aan</a>.</p>`
          : html`<div class="portal-table-wrap"><table class="utrecht-table">
              <caption class="utrecht-table__caption">Alle leveringen van ${location}, de nieuwste bovenaan</caption>
              <thead class="utrecht-table__header"><tr class="utrecht-table__row">
                <th class="utrecht-table__header-cell" scope="col">Kwartaal</th>
                <th class="utrecht-table__header-cell" scope="col">Bestand</th>
                <th class="utrecht-table__header-cell" scope="col">Ontvangen</th>
                <th class="utrecht-table__header-cell" scope="col">Oordeel</th>
                <th class="utrecht-table__header-cell utrecht-table__header-cell--numeric" scope="col">Rijen</th>
              </tr></thead>
              <tbody class="utrecht-table__body">
                ${attempts.map(
                  (e) => html`<tr class="utrecht-table__row">
                    <td class="utrecht-table__cell">${e.quarter}</td>
                    <td class="utrecht-table__cell"><a class="utrecht-link" href="/leveringen/${e.attempt_id}">${e.file_name}</a></td>
                    <td class="utrecht-table__cell">${localTime(e.received_at)}</td>
                    <td class="utrecht-table__cell">${outcomeLabel(e.status)}${e.status === "accepted" && !current.has(e.attempt_id) ? " (telt niet: later bestand)" : ""}</td>
                    <td class="utrecht-table__cell utrecht-table__cell--numeric">${e.rows}</td>
                  </tr>`,
                )}
              </tbody>
            </table></div>`
      }
      <h2 class="utrecht-heading-2">Factsheets</h2>
      ${
        factsheets.length === 0
          ? html`<p class="utrecht-paragraph">Er zijn nog geen factsheets voor uw locatie.</p>`
          : html`<ul class="utrecht-unordered-list">
              ${factsheets.map((q) => html`<li><a class="utrecht-link" href="/factsheets/${q}">Factsheet ${q} (pdf)</a></li>`)}
            </ul>`
      }`,
      { current: "/leveringen" },
    );
  });

  app.get("/leveringen/:attempt", async (c) => {
    const user = await locationUser(c);
    if (user instanceof Response) return user;
    const location = user.location as string;
    const entry = await attemptOf(deps, location, c.req.param("attempt"));
    if (!entry) return notFound(c);
    const receipt = await receiptOf(deps, entry);
    const { current } = await currentDeliveryOf(deps.runtime.store, location, entry.quarter);
    return render(
      c,
      `Levering ${entry.quarter}: ${outcomeLabel(entry.status)}`,
      receiptHtml(entry, receipt, current?.attempt_id === entry.attempt_id),
      { current: "/leveringen" },
    );
  });

  app.get("/leveringen/:attempt/status", async (c) => {
    const user = await locationUser(c);
    if (user instanceof Response) return user;
    const entry = await attemptOf(deps, user.location as string, c.req.param("attempt"));
    const headers = { "Cache-Control": "no-store" };
    if (!entry) return c.json({ status: "pending", verdict: null }, 200, headers);
    return c.json({ status: entry.status, verdict: outcomeLabel(entry.status) }, 200, headers);
  });

  app.get("/factsheets/:quarter", async (c) => {
    const user = await locationUser(c);
    if (user instanceof Response) return user;
    const quarter = c.req.param("quarter");
    if (!quarterId.safeParse(quarter).success) return notFound(c);
    const obj = await deps.runtime.store.get(
      "reports",
      documentKeys.factsheetPdf(quarter, user.location as string),
    );
    if (!obj) return notFound(c);
    return c.body(obj.body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="factsheet-${user.location}-${quarter}.pdf"`,
      "Cache-Control": "private, no-store",
    });
  });
}
