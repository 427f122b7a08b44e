/**
 * The Dutch e-mail texts of the monitor: subject, plain text and a simple HTML version.
 * Pure functions; the caller adds recipients and attachments and hands the result to a Mailer.
 * Subjects name only the location and the quarter, never a youth number.
 */
import { deliveryKey } from "../../schemas/delivery.ts";
import { splitQuarter } from "../../schemas/quarter.ts";

export interface MailText {
  subject: string;
  text: string;
  html: string;
}

/** A paragraph: text runs, where `{ code }` is a path or file content shown literally. */
type Part = string | { code: string };
type Paragraph = readonly Part[];

const FOOTER =
  "Dit bericht is automatisch verstuurd door de VBM-monitor. Vragen? Neem contact op met de netwerkbegeleider.";

/** Same shape as a youth number (`XX0001`): must never appear in a subject. */
const YOUTH_NUMBER = /[A-Z]{2}\d{4}/;

function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** "2023-Q1" → "het 1e kwartaal van 2023 (2023-Q1)"; throws on anything that is not a quarter. */
function quarterLabel(quarter: string): string {
  const { year, q } = splitQuarter(quarter);
  return `het ${q}e kwartaal van ${year} (${quarter})`;
}

/** The body of a full HTML document (with its <style> blocks), or the fragment as it is. */
function embeddable(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html);
  if (!body) return html;
  const styles = html.match(/<style[^>]*>[\s\S]*?<\/style>/gi) ?? [];
  return [...styles, body[1] ?? ""].join("\n");
}

function compose(subject: string, paragraphs: readonly Paragraph[], embeddedHtml?: string): MailText {
  if (YOUTH_NUMBER.test(subject)) throw new RangeError("a mail subject must not contain a youth number");
  const text = [
    ...paragraphs.map((p) => p.map((part) => (typeof part === "string" ? part : part.code)).join("")),
    `-- \n${FOOTER}`,
  ].join("\n\n");
  const htmlParagraphs = paragraphs.map(
    (p) =>
      `<p>${p
        .map((part) =>
          typeof part === "string" ? escapeHtml(part) : `<code>${escapeHtml(part.code)}</code>`,
        )
        .join("")
        .replaceAll("\n", "<br>")}</p>`,
  );
  const html = [
    "<!DOCTYPE html>",
    '<html lang="nl">',
    `<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #222;">',
    '<div style="max-width: 680px;">',
    ...htmlParagraphs,
    ...(embeddedHtml === undefined ? [] : [`<div>${embeddable(embeddedHtml)}</div>`]),
    `<hr style="border: 0; border-top: 1px solid #ccc;"><p style="font-size: 12px; color: #666;">${escapeHtml(FOOTER)}</p>`,
    "</div>",
    "</body>",
    "</html>",
  ].join("\n");
  return { subject, text, html };
}

/** The quarterly factsheet for one location (the PDF goes along as an attachment). */
export function factsheetMail(args: {
  locationName: string;
  quarter: string;
  /** Key figures in one line, e.g. "412 maatregelen, 38 jongeren". */
  headline: string;
  /** The factsheet's HTML (fragment or full document), shown below the text in the HTML version. */
  bodyHtml?: string;
  /** The figures changed since the factsheet was sent (a corrected delivery): say so. */
  corrected?: boolean;
}): MailText {
  const { locationName, quarter } = args;
  return compose(
    `${args.corrected ? "Gecorrigeerde factsheet" : "Factsheet"} vrijheidsbeperkende maatregelen ${quarter} – ${locationName}`,
    [
      ["Beste collega,"],
      args.corrected
        ? [
            `Hierbij de gecorrigeerde factsheet vrijheidsbeperkende maatregelen van ${locationName} over ${quarterLabel(quarter)}. Na een nieuwe levering zijn de cijfers veranderd; deze factsheet vervangt de vorige.`,
          ]
        : [
            `Hierbij de factsheet vrijheidsbeperkende maatregelen van ${locationName} over ${quarterLabel(quarter)}.`,
          ],
      [`In het kort: ${args.headline.trim().replace(/\.$/, "")}.`],
      ["De volledige factsheet vindt u als pdf in de bijlage. Bespreek de cijfers gerust met uw team."],
    ],
    args.bodyHtml,
  );
}

/** The portal's base URL without a trailing slash, e.g. "https://vbm.example.org". */
function portalBase(url: string): string {
  return url.replace(/\/+$/, "");
}

/** A friendly reminder that no delivery was received yet for a quarter, with how to deliver. */
export function reminderMail(args: {
  locationName: string;
  quarter: string;
  /** Deadline as the reader should see it, e.g. "15 april 2023". */
  dueDate?: string;
  /** The two-letter location code, for the drop-zone path (a placeholder when not given). */
  locationCode?: string;
  /** The portal's base URL: when given, the mail sends the reader to its delivery page, not to a drop-zone path. */
  portalUrl?: string;
}): MailText {
  const { locationName, quarter } = args;
  const loc = args.locationCode ?? "<locatiecode>";
  const when = args.dueDate
    ? `Wilt u het bestand uiterlijk ${args.dueDate} aanleveren?`
    : "Wilt u het bestand zo snel mogelijk aanleveren?";
  return compose(`Herinnering: levering vrijheidsbeperkende maatregelen ${quarter} – ${locationName}`, [
    ["Beste collega,"],
    [
      `Voor ${quarterLabel(quarter)} hebben we van ${locationName} nog geen levering van de vrijheidsbeperkende maatregelen ontvangen. ${when}`,
    ],
    args.portalUrl
      ? [
          "Lever aan via ",
          { code: `${portalBase(args.portalUrl)}/aanleveren` },
          `\nLog in, kies ${quarter} en het exportbestand uit het EPD, en geef aan of het bestand alle maatregelen bevat of alleen gedwongen afzonderen (Type VBM 6 tot en met 11).`,
        ]
      : [
          "Zo levert u aan: zet het exportbestand uit het EPD in de drop zone onder\n",
          { code: deliveryKey(loc, quarter, "all", "<bestand>") },
          "\nLevert u alleen gedwongen afzonderen (Type VBM 6 tot en met 11)? Gebruik dan\n",
          { code: deliveryKey(loc, quarter, "seclusion", "<bestand>") },
        ],
    [
      args.portalUrl
        ? "Uw browser controleert het bestand meteen. Staat er iets niet goed in, dan ziet u per fout de rij, de kolom, de waarde en hoe u het herstelt. Na het aanleveren ziet u direct of het bestand is geaccepteerd."
        : "U krijgt meteen een ontvangstbevestiging. Staat er iets niet goed in het bestand, dan ziet u per fout de rij, de kolom, de waarde en hoe u het herstelt.",
    ],
    [
      "Had u dit kwartaal geen maatregelen? Lever dan een bestand met alleen de kopregel (Nummer jongere;Datum start;…). Dat is een nullevering: zo weten we dat u wel heeft geregistreerd.",
    ],
    ["Heeft u het bestand net geleverd? Dan kunt u deze herinnering negeren."],
  ]);
}

/** The national report over a range of quarters (the PDF goes along as an attachment). */
export function nationalReportMail(args: { from: string; to: string }): MailText {
  const { from, to } = args;
  splitQuarter(from);
  splitQuarter(to);
  if (to < from) throw new RangeError(`quarter range ends before it starts: ${from} – ${to}`);
  const range = from === to ? from : `${from} t/m ${to}`;
  const label = from === to ? quarterLabel(from) : `de kwartalen ${from} tot en met ${to}`;
  return compose(`Landelijke rapportage vrijheidsbeperkende maatregelen ${range}`, [
    ["Beste collega,"],
    [`Hierbij de landelijke rapportage vrijheidsbeperkende maatregelen in de JeugdzorgPlus over ${label}.`],
    ["De rapportage vindt u als pdf in de bijlage."],
  ]);
}

/**
 * The verdict on a delivery, for the location that delivered it: accepted (with its warnings) or
 * rejected (with what to fix). `details` is the validation report as plain text; it may show the
 * location's own values and only ever goes to that location. The subject holds no values.
 */
export function receiptMail(args: {
  locationName: string;
  quarter: string;
  accepted: boolean;
  verdict: string;
  details: string;
  /** The portal's base URL and the attempt: the mail links to the receipt page there. */
  portal?: { url: string; attemptId: string };
}): MailText {
  const { locationName, quarter, accepted, verdict, details } = args;
  const label = quarterLabel(quarter);
  const subject = `Levering ${quarter} ${accepted ? "ontvangen" : "afgewezen"} – ${locationName}`;
  return compose(subject, [
    ["Beste contactpersoon registratie,"],
    [`Uw levering van vrijheidsbeperkende maatregelen over ${label} is verwerkt.`],
    [verdict],
    accepted
      ? ["Het volledige rapport staat hieronder en als bijlage (rapport.json)."]
      : [
          "Hieronder staat per fout wat er mis is en hoe u het verbetert. Lever daarna het hele bestand opnieuw.",
        ],
    [{ code: details }],
    ...(args.portal
      ? [
          [
            "U vindt dit ontvangstbewijs en al uw eerdere leveringen ook in de VBM-monitor:\n",
            { code: `${portalBase(args.portal.url)}/leveringen/${args.portal.attemptId}` },
          ],
        ]
      : []),
  ]);
}
