import { describe, expect, it } from "vitest";
import { factsheetMail, nationalReportMail, reminderMail } from "../../../functions/reports/mail-texts.ts";

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
