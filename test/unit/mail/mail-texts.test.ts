import { describe, expect, it } from "vitest";
import {
  factsheetMail,
  nationalReportMail,
  receiptMail,
  reminderMail,
} from "../../../functions/reports/mail-texts.ts";

const YOUTH_NUMBER = /[A-Z]{2}\d{4}/;

describe("mail texts", () => {
  it("factsheet: quarter and location in subject and text, key figures and footer in the text", () => {
    const mail = factsheetMail({
      locationName: "De Linde",
      quarter: "2023-Q1",
      headline: "412 maatregelen, 38 jongeren",
    });

    expect(mail.subject).toBe("Factsheet vrijheidsbeperkende maatregelen 2023-Q1 – De Linde");
    expect(mail.text).toContain("De Linde");
    expect(mail.text).toContain("2023-Q1");
    expect(mail.text).toContain("412 maatregelen, 38 jongeren.");
    expect(mail.text).toMatch(/automatisch verstuurd.*netwerkbegeleider/);
    expect(mail.html).toContain("netwerkbegeleider");
  });

  it("factsheet: embeds the body of the factsheet's HTML document and escapes the location name", () => {
    const mail = factsheetMail({
      locationName: "Huis & Hof",
      quarter: "2023-Q2",
      headline: "0 maatregelen",
      bodyHtml:
        "<!DOCTYPE html><html><head><style>.kpi{font-weight:bold}</style></head><body><table class='kpi'><tr><td>0</td></tr></table></body></html>",
    });

    expect(mail.html).toContain("Huis &amp; Hof");
    expect(mail.html).toContain("<table class='kpi'><tr><td>0</td></tr></table>");
    expect(mail.html).toContain("<style>.kpi{font-weight:bold}</style>");
    expect(mail.html.match(/<html/g)).toHaveLength(1);
    expect(mail.html.match(/<body/g)).toHaveLength(1);
    expect(mail.text).toContain("Huis & Hof");
  });

  it("reminder: names the quarter, the drop-zone paths, the nullevering and the due date", () => {
    const mail = reminderMail({
      locationName: "De Linde",
      quarter: "2023-Q3",
      dueDate: "15 oktober 2023",
      locationCode: "DL",
    });

    expect(mail.subject).toContain("2023-Q3");
    expect(mail.subject).toContain("De Linde");
    expect(mail.text).toContain("DL/2023-Q3/all/<bestand>");
    expect(mail.text).toContain("DL/2023-Q3/seclusion/<bestand>");
    expect(mail.text).toContain("nullevering");
    expect(mail.text).toContain("alleen de kopregel");
    expect(mail.text).toContain("uiterlijk 15 oktober 2023");
    expect(mail.text).toContain("netwerkbegeleider");
    expect(mail.html).toContain("<code>DL/2023-Q3/all/&lt;bestand&gt;</code>");
  });

  it("reminder: without a location code the path shows a placeholder, without a due date no date", () => {
    const mail = reminderMail({ locationName: "De Linde", quarter: "2023-Q3" });

    expect(mail.text).toContain("<locatiecode>/2023-Q3/all/<bestand>");
    expect(mail.text).toContain("zo snel mogelijk");
    expect(mail.text).not.toContain("uiterlijk");
  });

  it("reminder: with a portal URL it sends the reader to the delivery page, not to a drop-zone path", () => {
    const mail = reminderMail({
      locationName: "De Linde",
      quarter: "2023-Q3",
      locationCode: "DL",
      portalUrl: "https://vbm.example.org/",
    });

    expect(mail.text).toContain("Lever aan via https://vbm.example.org/aanleveren");
    expect(mail.text).not.toContain("DL/2023-Q3/all/");
    expect(mail.text).toContain("alleen gedwongen afzonderen");
    expect(mail.text).toContain("nullevering");
    expect(mail.html).toContain("<code>https://vbm.example.org/aanleveren</code>");
  });

  it("receipt: links to the receipt page in the portal when its URL is known", () => {
    const base = {
      locationName: "De Linde",
      quarter: "2023-Q1",
      accepted: false,
      verdict: "Afgewezen voor DL 2023-Q1: 1 fout gevonden.",
      details: "rij 3: datum klopt niet",
    };
    const linked = receiptMail({
      ...base,
      portal: { url: "http://127.0.0.1:8080", attemptId: "0123456789abcdef0123" },
    });
    expect(linked.subject).toBe("Levering 2023-Q1 afgewezen – De Linde");
    expect(linked.text).toContain("http://127.0.0.1:8080/leveringen/0123456789abcdef0123");
    expect(receiptMail(base).text).not.toContain("/leveringen/");
  });

  it("national report: one quarter or a range in the subject", () => {
    expect(nationalReportMail({ from: "2023-Q1", to: "2023-Q3" }).subject).toBe(
      "Landelijke rapportage vrijheidsbeperkende maatregelen 2023-Q1 t/m 2023-Q3",
    );
    const one = nationalReportMail({ from: "2023-Q2", to: "2023-Q2" });
    expect(one.subject).toBe("Landelijke rapportage vrijheidsbeperkende maatregelen 2023-Q2");
    expect(one.text).toContain("2e kwartaal van 2023");
    expect(one.text).toContain("netwerkbegeleider");
    expect(() => nationalReportMail({ from: "2023-Q3", to: "2023-Q1" })).toThrow(RangeError);
  });

  it("rejects a quarter that is not YYYY-Qn", () => {
    expect(() => factsheetMail({ locationName: "De Linde", quarter: "2023-5", headline: "" })).toThrow(
      RangeError,
    );
    expect(() => reminderMail({ locationName: "De Linde", quarter: "Q1-2023" })).toThrow(RangeError);
  });

  it("never puts a youth number pattern in a subject", () => {
    const subjects = [
      factsheetMail({
        locationName: "De Linde",
        quarter: "2023-Q1",
        headline: "412 maatregelen, 38 jongeren",
      }),
      reminderMail({
        locationName: "De Linde",
        quarter: "2023-Q1",
        locationCode: "DL",
        dueDate: "15 april 2023",
      }),
      nationalReportMail({ from: "2023-Q1", to: "2024-Q4" }),
    ].map((m) => m.subject);
    for (const subject of subjects) expect(subject).not.toMatch(YOUTH_NUMBER);

    // A location name that looks like a youth number is refused rather than mailed.
    expect(() =>
      factsheetMail({ locationName: "DL0001", quarter: "2023-Q1", headline: "1 maatregel" }),
    ).toThrow(/youth number/);
  });
});
