import { readdir, readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOutboxMailer, MailerError } from "../../../functions/adapters/local/outbox-mailer.ts";
import type { MailMessage } from "../../../functions/ports.ts";
import { factsheetMail } from "../../../functions/reports/mail-texts.ts";
import { tempDir } from "../../helpers.ts";

// --- A minimal MIME reader, enough to check what the mailer produced ---

interface MimePart {
  headers: Map<string, string>;
  body: string;
  parts: MimePart[];
}

/** Decodes RFC 2047 encoded words (UTF-8, B or Q); adjacent words are joined before decoding. */
function decodeWords(value: string): string {
  const word = /=\?UTF-8\?([BQ])\?([^?]*)\?=/gi;
  return value.replace(/(?:=\?UTF-8\?[BQ]\?[^?]*\?=\s*)+/gi, (run) => {
    const bytes = [...run.matchAll(word)].map(([, enc, data = ""]) =>
      enc?.toUpperCase() === "B"
        ? Buffer.from(data, "base64")
        : Buffer.from(
            data
              .replaceAll("_", " ")
              .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
            "latin1",
          ),
    );
    return Buffer.concat(bytes).toString("utf8") + (/\s$/.test(run) ? " " : "");
  });
}

function decodeQuotedPrintable(body: string): string {
  const latin1 = body
    .replace(/=\r\n/g, "")
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(latin1, "latin1").toString("utf8");
}

function parseMime(raw: string): MimePart {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const body = raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get("content-type") ?? "")?.[1];
  const parts = boundary
    ? body
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((p) => parseMime(p.replace(/^\r\n/, "").replace(/\r\n$/, "")))
    : [];
  return { headers, body, parts };
}

function leaves(part: MimePart): MimePart[] {
  return part.parts.length === 0 ? [part] : part.parts.flatMap(leaves);
}

// --- An SMTP server on loopback that keeps what it receives ---

interface Received {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
}

async function startSmtp(): Promise<{ port: number; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

// --- Fixtures ---

const FROM = "VBM-monitor <monitor@vbm.example>";
const TO = ["registratie@delinde.example", "teamleider@delinde.example"];
/** A PDF-like attachment with every byte value, so a wrong transfer encoding shows. */
const PDF = Uint8Array.from([
  ...Buffer.from("%PDF-1.7\n"),
  ...Array.from({ length: 1000 }, (_, i) => (i * 7) % 256),
]);
const LOCATION = "De Linde – Zoë-paviljoen";

function factsheetMessage(): MailMessage {
  const texts = factsheetMail({
    locationName: LOCATION,
    quarter: "2023-Q1",
    headline: "412 maatregelen, 38 jongeren",
  });
  return {
    to: TO,
    ...texts,
    attachments: [{ filename: "factsheet-DL-2023-Q1.pdf", content: PDF, contentType: "application/pdf" }],
    idempotencyKey: "factsheet/2023-Q1/DL",
  };
}

const clock = { now: () => new Date("2023-04-03T08:00:00.000Z") };

let outbox: ReturnType<typeof tempDir>;
beforeEach(() => {
  outbox = tempDir("vbm-outbox-");
});
afterEach(() => outbox.cleanup());

describe("outbox mailer", () => {
  it("sends a factsheet through SMTP and keeps the identical message in the outbox", async () => {
    // Prepare
    const smtp = await startSmtp();
    try {
      const mailer = createOutboxMailer({
        outboxDir: outbox.dir,
        from: FROM,
        smtp: { url: `smtp://127.0.0.1:${smtp.port}` },
        clock,
      });
      const message = factsheetMessage();

      // Act
      const { messageId } = await mailer.send(message);

      // Assess: the envelope
      expect(smtp.received).toHaveLength(1);
      const got = smtp.received[0] as Received;
      expect(got.mailFrom).toBe("monitor@vbm.example");
      expect(got.rcptTo).toEqual(TO);

      // Assess: the headers
      const mime = parseMime(got.raw.toString("latin1"));
      const subjectHeader = mime.headers.get("subject") ?? "";
      expect(subjectHeader).toMatch(/^[\x20-\x7e]+$/); // non-ASCII only as encoded words
      expect(decodeWords(subjectHeader)).toBe(
        "Factsheet vrijheidsbeperkende maatregelen 2023-Q1 – De Linde – Zoë-paviljoen",
      );
      expect(mime.headers.get("message-id")).toBe(messageId);
      expect(messageId).toMatch(/^<[^<>@\s]+@[^<>\s]+>$/);
      expect(mime.headers.get("x-vbm-idempotency-key")).toBe("factsheet/2023-Q1/DL");
      expect(mime.headers.get("to")).toBe(TO.join(", "));
      expect(mime.headers.get("date")).toBe("Mon, 03 Apr 2023 08:00:00 +0000");
      expect(got.raw.toString("latin1")).toMatch(/(^|\r\n)X-VBM-Idempotency-Key: factsheet\/2023-Q1\/DL\r\n/);
      expect(mime.headers.get("content-type")).toMatch(/^multipart\/mixed;/);

      // Assess: text and html alternatives, with the Dutch characters intact
      const parts = leaves(mime);
      const text = parts.find((p) => p.headers.get("content-type")?.startsWith("text/plain"));
      const html = parts.find((p) => p.headers.get("content-type")?.startsWith("text/html"));
      expect(text?.headers.get("content-type")).toMatch(/charset=utf-8/i);
      expect(text?.headers.get("content-transfer-encoding")).toBe("quoted-printable");
      expect(decodeQuotedPrintable(text?.body ?? "")).toBe(message.text.replaceAll("\n", "\r\n"));
      expect(decodeQuotedPrintable(html?.body ?? "")).toContain("Zoë-paviljoen");

      // Assess: the PDF attachment, byte for byte
      const pdf = parts.find((p) => p.headers.get("content-type")?.startsWith("application/pdf"));
      expect(pdf?.headers.get("content-disposition")).toBe("attachment; filename=factsheet-DL-2023-Q1.pdf");
      expect(pdf?.headers.get("content-transfer-encoding")).toBe("base64");
      expect(new Uint8Array(Buffer.from(pdf?.body ?? "", "base64"))).toEqual(PDF);

      // Assess: the outbox holds exactly the message that went over SMTP
      expect(await readdir(outbox.dir)).toEqual(["2023-04-03T08-00-00-000Z-factsheet_2023-Q1_DL.eml"]);
      const eml = await readFile(join(outbox.dir, "2023-04-03T08-00-00-000Z-factsheet_2023-Q1_DL.eml"));
      expect(eml.equals(got.raw)).toBe(true);
    } finally {
      await smtp.close();
    }
  });

  it("without smtp only writes the outbox, one file per message, a random name without a key", async () => {
    const mailer = createOutboxMailer({ outboxDir: join(outbox.dir, "new"), from: FROM, clock });
    const { idempotencyKey: _, ...withoutKey } = factsheetMessage();

    const first = await mailer.send(withoutKey);
    const second = await mailer.send(withoutKey);

    const files = (await readdir(join(outbox.dir, "new"))).sort();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^2023-04-03T08-00-00-000Z-[0-9a-f]{12}\.eml$/);
    expect(first.messageId).not.toBe(second.messageId);
    const raw = (await readFile(join(outbox.dir, "new", files[0] as string))).toString("latin1");
    expect(raw).not.toMatch(/X-VBM-Idempotency-Key/i);
  });

  it("keeps an idempotency key from escaping the outbox folder", async () => {
    const mailer = createOutboxMailer({ outboxDir: outbox.dir, from: FROM, clock });

    await mailer.send({ ...factsheetMessage(), idempotencyKey: "../../etc/passwd" });

    expect(await readdir(outbox.dir)).toEqual(["2023-04-03T08-00-00-000Z-etc_passwd.eml"]);
  });

  it("rejects a message without recipients", async () => {
    const mailer = createOutboxMailer({ outboxDir: outbox.dir, from: FROM, clock });

    await expect(mailer.send({ ...factsheetMessage(), to: [] })).rejects.toThrow(RangeError);
    expect(await readdir(outbox.dir)).toEqual([]);
  });

  it("wraps an SMTP failure in a MailerError and still leaves the message in the outbox", async () => {
    // A port that was just free: nothing listens there any more, so the connection is refused.
    const gone = await startSmtp();
    await gone.close();
    const mailer = createOutboxMailer({
      outboxDir: outbox.dir,
      from: FROM,
      smtp: { url: `smtp://127.0.0.1:${gone.port}` },
      clock,
    });

    const error = await mailer.send(factsheetMessage()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MailerError);
    expect((error as MailerError).message).toContain("SMTP");
    expect((error as MailerError).cause).toBeInstanceOf(Error);
    expect(await readdir(outbox.dir)).toEqual(["2023-04-03T08-00-00-000Z-factsheet_2023-Q1_DL.eml"]);
  });
});
