/**
 * The delivery page ("Aanleveren") in the browser. The chosen (or dropped) file is checked in a
 * Web Worker with the same validator as the ingest; the Dutch report shows at once (summary per
 * finding and a table per row) and can be downloaded as CSV for whoever maintains the EPD export.
 * The "Aanleveren" button is enabled only for a file without errors: until then no byte of the
 * file leaves the browser.
 *
 * Upload: locally ("direct") the form is posted as it is (multipart) and the server answers with
 * the receipt page. On AWS ("presigned-post") the page asks the portal for a presigned POST, sends
 * the file to the drop-zone bucket, and polls /api/verdict until the server's own check is done;
 * then it opens the receipt. The receipt is the authority: the server checks the file again.
 *
 * Without JavaScript the form still works in direct mode: the server checks the file.
 * All data is put on the page with DOM APIs (textContent), never as HTML.
 */
import type { Scope } from "../../../schemas/delivery.ts";
import type { ValidationReport } from "../../../schemas/report.ts";
import { safeFileName } from "../file-name.ts";
import { alertBox, el, progressBlock, uploadAndAwaitVerdict } from "./common.ts";
import type { ValidateRequest, WorkerReply } from "./messages.ts";

function table(label: string, headers: string[], rows: string[][], numeric: number[] = []): HTMLElement {
  const head = el(
    "tr",
    { className: "utrecht-table__row" },
    ...headers.map((h, i) => {
      const th = el("th", {
        className: `utrecht-table__header-cell${numeric.includes(i) ? " utrecht-table__header-cell--numeric" : ""}`,
        text: h,
      });
      th.scope = "col";
      return th;
    }),
  );
  const body = rows.map((r) =>
    el(
      "tr",
      { className: "utrecht-table__row" },
      ...r.map((cell, i) =>
        el("td", {
          className: `utrecht-table__cell${numeric.includes(i) ? " utrecht-table__cell--numeric" : ""}`,
          text: cell,
        }),
      ),
    ),
  );
  const result = el(
    "table",
    { className: "utrecht-table" },
    el("thead", { className: "utrecht-table__header" }, head),
    el("tbody", { className: "utrecht-table__body" }, ...body),
  );
  result.setAttribute("aria-label", label);
  return el("div", { className: "portal-table-wrap" }, result);
}

const severityLabel = (s: "error" | "warning") => (s === "error" ? "Fout" : "Opmerking");
const FINDING_HEADERS = ["Soort", "Rij", "Kolom", "Waarde", "Hoe herstelt u het"];

function findingRows(report: ValidationReport): string[][] {
  return report.findings.map((f) => [
    severityLabel(f.severity),
    f.row === null ? "hele bestand" : `rij ${f.row}`,
    f.column ?? "",
    f.value ?? "",
    f.message,
  ]);
}

/**
 * The findings as CSV for Dutch Excel (`;`, UTF-8 with BOM). A cell that Excel would read as a
 * formula gets a leading apostrophe, so a value from the file can never run as one.
 */
export function findingsCsv(report: ValidationReport): string {
  const cell = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[;"\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const lines = [FINDING_HEADERS, ...findingRows(report)].map((r) => r.map(cell).join(";"));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

let downloadUrl: string | null = null;

function renderReport(target: HTMLElement, report: ValidationReport): void {
  const { errors, warnings } = report.stats;
  const parts: Node[] = [];
  if (report.valid) {
    const rows = report.stats.zeroDelivery
      ? "Het bestand heeft alleen een kopregel: dat is een nullevering (geen maatregelen dit kwartaal)."
      : `Het bestand is goed: ${report.stats.rows} ${report.stats.rows === 1 ? "rij" : "rijen"}${warnings > 0 ? `, met ${warnings} ${warnings === 1 ? "opmerking" : "opmerkingen"} om naar te kijken` : ""}.`;
    parts.push(alertBox("ok", document.createTextNode(`${rows} U kunt het nu aanleveren.`)));
  } else {
    parts.push(
      alertBox(
        "error",
        document.createTextNode(
          `Er ${errors === 1 ? "staat 1 fout" : `staan ${errors} fouten`} in het bestand. Het bestand is niet verstuurd. Verbeter de fouten in het EPD of in de export en kies het bestand daarna opnieuw.`,
        ),
      ),
    );
  }
  if (report.summary.length > 0) {
    parts.push(el("h2", { className: "utrecht-heading-2", text: "Samenvatting" }));
    parts.push(
      table(
        "Aantal per soort fout of opmerking",
        ["Soort", "Wat", "Aantal"],
        report.summary.map((s) => [severityLabel(s.severity), s.title, String(s.count)]),
        [2],
      ),
    );
    parts.push(el("h2", { className: "utrecht-heading-2", text: "Per rij: wat moet anders" }));
    parts.push(table("Fouten en opmerkingen per rij", FINDING_HEADERS, findingRows(report)));
    if (report.truncated)
      parts.push(
        el("p", {
          className: "utrecht-paragraph",
          text: `Per soort fout staan hier de eerste ${report.examplesPerCode}; de aantallen in de samenvatting zijn volledig.`,
        }),
      );
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob([findingsCsv(report)], { type: "text/csv;charset=utf-8" }));
    const link = el("a", { className: "utrecht-link", text: "Download deze lijst als CSV-bestand" });
    link.href = downloadUrl;
    link.download = `controle-${report.location ?? ""}-${report.quarter ?? ""}.csv`;
    parts.push(
      el(
        "p",
        { className: "utrecht-paragraph" },
        link,
        document.createTextNode(" (bijvoorbeeld voor wie de export uit het EPD maakt)."),
      ),
    );
  }
  target.replaceChildren(...parts);
}

function start(): void {
  const form = document.getElementById("aanleveren");
  if (!(form instanceof HTMLFormElement)) return;
  const input = form.querySelector<HTMLInputElement>("#bestand");
  const quarter = form.querySelector<HTMLSelectElement>("#kwartaal");
  const button = form.querySelector<HTMLButtonElement>("#aanleveren-knop");
  const output = document.getElementById("controle");
  const dropArea = document.getElementById("sleepvak");
  if (!input || !quarter || !button || !output) return;
  const location = form.dataset.locatie ?? "";
  const mode = form.dataset.upload === "presigned-post" ? "presigned-post" : "direct";

  let worker: Worker | null = null;
  let validFor: File | null = null;
  const scope = (): Scope =>
    form.querySelector<HTMLInputElement>('input[name="omvang"]:checked')?.value === "seclusion"
      ? "seclusion"
      : "all";

  button.disabled = true;

  const validate = () => {
    validFor = null;
    button.disabled = true;
    worker?.terminate();
    worker = null;
    const file = input.files?.[0];
    if (!file) {
      output.replaceChildren();
      return;
    }
    const current = new Worker("/static/validate-worker.js", { type: "module" });
    worker = current;
    output.replaceChildren(progressBlock("Bestand lezen…", 0));
    output.setAttribute("aria-busy", "true");
    const onReply = (msg: WorkerReply) => {
      if (worker !== current) return;
      if (msg.type === "lezen") {
        const bar = output.querySelector("progress");
        if (bar) bar.value = msg.percent;
      } else if (msg.type === "bezig") {
        output.replaceChildren(
          progressBlock("Bestand controleren… U kunt intussen gewoon verder werken.", null),
        );
      } else {
        output.removeAttribute("aria-busy");
        current.terminate();
        worker = null;
        if (msg.type === "te-groot") {
          const mb = (n: number) => `${Math.ceil(n / 1024 / 1024)} MB`;
          output.replaceChildren(
            alertBox(
              "error",
              document.createTextNode(
                `Het bestand is te groot (${mb(msg.bytes)}); het mag hoogstens ${mb(msg.maxBytes)} zijn. Staat er meer dan één kwartaal in, of kolommen die niet in het codeboek staan? Maak de export dan opnieuw.`,
              ),
            ),
          );
          return;
        }
        if (msg.type === "fout") {
          output.replaceChildren(
            alertBox(
              "error",
              document.createTextNode(
                `Uw browser kon het bestand niet controleren (${msg.message}). Probeer het opnieuw, of lever het bestand toch aan: de server controleert het ook.`,
              ),
            ),
          );
          // The server checks every file anyway; a browser failure must not block delivery.
          validFor = file;
          button.disabled = false;
          return;
        }
        renderReport(output, msg.report);
        if (msg.report.valid) {
          validFor = file;
          button.disabled = false;
        }
      }
    };
    current.onmessage = (event: MessageEvent<WorkerReply>) => onReply(event.data);
    current.onerror = () => onReply({ type: "fout", message: "de controle stopte" });
    const request: ValidateRequest = {
      file,
      location,
      quarter: quarter.value,
      scope: scope(),
      fileName: safeFileName(file.name),
      ...(Number(form.dataset.maxBytes) > 0 ? { maxBytes: Number(form.dataset.maxBytes) } : {}),
    };
    current.postMessage(request);
  };

  input.addEventListener("change", validate);
  quarter.addEventListener("change", validate);
  form.querySelectorAll<HTMLInputElement>('input[name="omvang"]').forEach((radio) => {
    radio.addEventListener("change", validate);
  });

  if (dropArea) {
    dropArea.addEventListener("dragover", (e) => {
      e.preventDefault();
      dropArea.classList.add("portal-drop--over");
    });
    dropArea.addEventListener("dragleave", () => dropArea.classList.remove("portal-drop--over"));
    dropArea.addEventListener("drop", (e) => {
      e.preventDefault();
      dropArea.classList.remove("portal-drop--over");
      const files = e.dataTransfer?.files;
      if (!files || files.length === 0) return;
      input.files = files;
      validate();
    });
  }

  form.addEventListener("submit", (e) => {
    const file = input.files?.[0];
    if (!file || validFor !== file) {
      e.preventDefault();
      return;
    }
    button.disabled = true;
    button.textContent = "Bezig met aanleveren…";
    if (mode === "direct") return; // the form posts the file; the server answers with the receipt
    e.preventDefault();
    void uploadPresigned(form, file, quarter.value, scope(), output).catch(() => {
      output.replaceChildren(
        alertBox(
          "error",
          document.createTextNode(
            "Het versturen is niet gelukt. Controleer uw internetverbinding en probeer het opnieuw.",
          ),
        ),
      );
      button.disabled = false;
      button.textContent = "Aanleveren";
    });
  });
}

async function uploadPresigned(
  form: HTMLFormElement,
  file: File,
  quarter: string,
  scope: Scope,
  output: HTMLElement,
): Promise<void> {
  const csrf = form.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? "";
  const query = new URLSearchParams({ kwartaal: quarter, omvang: scope, bestand: safeFileName(file.name) });
  const verdict = await uploadAndAwaitVerdict({
    file,
    csrf,
    policyUrl: `/api/upload-policy?${query}`,
    verdictUrl: "/api/verdict",
    output,
    checkingText: "Verstuurd. De server controleert het bestand nog een keer…",
  });
  if (verdict?.attempt) {
    output.replaceChildren(
      alertBox(
        verdict.status === "accepted" ? "ok" : "error",
        document.createTextNode(verdict.verdict ?? ""),
      ),
    );
    window.location.assign(`/leveringen/${verdict.attempt}`);
    return;
  }
  output.replaceChildren(
    alertBox(
      "warning",
      document.createTextNode(
        "Het bestand is ontvangen, maar de controle duurt langer dan gewoonlijk. Kijk over een paar minuten bij Mijn leveringen.",
      ),
    ),
  );
}

start();
