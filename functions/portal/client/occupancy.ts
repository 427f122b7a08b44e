/**
 * "Bezetting inlezen" on AWS: the occupancy file goes from the browser straight to the drop zone
 * with a presigned POST pinned to `occupancy/` (the portal function never holds the file), then
 * the page follows the ingest's verdict and opens it. Locally the form is posted as it is.
 */
import { safeFileName } from "../file-name.ts";
import { alertBox, uploadAndAwaitVerdict } from "./common.ts";

const MAX_BYTES = 5 * 1024 * 1024;

function start(): void {
  const form = document.getElementById("bezetting-form");
  if (!(form instanceof HTMLFormElement) || form.dataset.upload !== "presigned-post") return;
  const input = form.querySelector<HTMLInputElement>("#bestand");
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  const output = document.getElementById("bezetting-voortgang");
  if (!input || !button || !output) return;
  const say = (kind: "error" | "warning", text: string) =>
    output.replaceChildren(alertBox(kind, document.createTextNode(text)));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const file = input.files?.[0];
    if (!file || file.size === 0) return say("error", "Kies een bestand met de bezetting.");
    if (file.size > MAX_BYTES)
      return say("error", "Dit bestand is te groot voor een bezettingsbestand (meer dan 5 MB).");
    button.disabled = true;
    const csrf = form.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? "";
    void upload(file, csrf, output)
      .catch(() =>
        say(
          "error",
          "Het versturen is niet gelukt. Controleer uw internetverbinding en probeer het opnieuw.",
        ),
      )
      .finally(() => {
        button.disabled = false;
      });
  });
}

async function upload(file: File, csrf: string, output: HTMLElement): Promise<void> {
  const verdict = await uploadAndAwaitVerdict({
    file,
    csrf,
    policyUrl: `/api/bezetting/upload-policy?${new URLSearchParams({ bestand: safeFileName(file.name) })}`,
    verdictUrl: "/api/bezetting/oordeel",
    output,
    checkingText: "Verstuurd. De server controleert en leest het bestand…",
  });
  if (verdict?.attempt) {
    window.location.assign(`/acties/bezetting/${verdict.attempt}`);
    return;
  }
  output.replaceChildren(
    alertBox(
      "warning",
      document.createTextNode(
        "Het bestand is ontvangen, maar het inlezen duurt langer dan gewoonlijk. Kijk over een paar minuten opnieuw.",
      ),
    ),
  );
}

start();
