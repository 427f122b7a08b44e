import { MessageRejected, SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createSesMailer, MailerError } from "../../../functions/adapters/aws/ses-mailer.ts";
import type { MailMessage } from "../../../functions/ports.ts";
import { reminderMail } from "../../../functions/reports/mail-texts.ts";

const ses = mockClient(SESv2Client);
beforeEach(() => ses.reset());

const PDF = Uint8Array.from([
  ...Buffer.from("%PDF-1.7\n"),
  ...Array.from({ length: 600 }, (_, i) => (i * 13) % 256),
]);

function message(): MailMessage {
  return {
    to: ["registratie@delinde.example"],
    ...reminderMail({ locationName: "De Linde", quarter: "2023-Q2", locationCode: "DL" }),
    attachments: [{ filename: "overzicht.pdf", content: PDF, contentType: "application/pdf" }],
    idempotencyKey: "reminder/2023-Q2/DL",
  };
}

function mailer() {
  return createSesMailer({
    client: new SESv2Client({ region: "eu-west-1" }),
    from: "monitor@vbm.example",
    configurationSet: "vbm-mail",
  });
}

describe("SES mailer", () => {
  it("sends the composed MIME message as raw content and returns SES's MessageId", async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: "0102018f-ses-id" });

    // Act
    const out = await mailer().send(message());

    // Assess
    expect(out).toEqual({ messageId: "0102018f-ses-id" });
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toMatchObject({
      ConfigurationSetName: "vbm-mail",
      FromEmailAddress: "monitor@vbm.example",
      Destination: { ToAddresses: ["registratie@delinde.example"] },
    });
    expect(input?.Content?.Simple).toBeUndefined();
    const raw = Buffer.from(input?.Content?.Raw?.Data ?? new Uint8Array()).toString("latin1");
    expect(raw).toMatch(/(^|\r\n)From: monitor@vbm\.example\r\n/);
    expect(raw).toMatch(/(^|\r\n)To: registratie@delinde\.example\r\n/);
    expect(raw).toMatch(/(^|\r\n)X-VBM-Idempotency-Key: reminder\/2023-Q2\/DL\r\n/);
    expect(raw).toMatch(/\r\nContent-Type: application\/pdf; name=overzicht\.pdf\r\n/);
    expect(raw).toContain("Content-Disposition: attachment; filename=overzicht.pdf");
    // Base64 lines are wrapped; without the line breaks the attachment's bytes appear whole.
    expect(raw.replaceAll("\r\n", "")).toContain(Buffer.from(PDF).toString("base64"));
  });

  it("wraps an SDK error in a MailerError with the SDK error as cause", async () => {
    const rejected = new MessageRejected({ message: "Email address is not verified.", $metadata: {} });
    ses.on(SendEmailCommand).rejects(rejected);

    const error = await mailer()
      .send(message())
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MailerError);
    expect((error as MailerError).cause).toBe(rejected);
    expect((error as MailerError).message).toContain("Email address is not verified.");
  });

  it("fails when SES answers without a MessageId", async () => {
    ses.on(SendEmailCommand).resolves({});

    await expect(mailer().send(message())).rejects.toThrow(MailerError);
  });
});
