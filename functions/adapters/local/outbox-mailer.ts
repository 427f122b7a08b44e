import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTransport } from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer";
import type { SMTPTransportOptions } from "nodemailer/lib/smtp-transport";
import { SystemError } from "../../errors.ts";
import type { Clock, Mailer, MailMessage } from "../../ports.ts";

/** Sending a message failed (SMTP or SES). `cause` is the transport's or SDK's error. */
export class MailerError extends SystemError {
  override readonly name = "MailerError";
}

export const IDEMPOTENCY_HEADER = "X-VBM-Idempotency-Key";

/** A message as it goes over the wire: the raw RFC 5322 bytes plus its SMTP envelope. */
export interface ComposedMail {
  raw: Buffer;
  /** The Message-ID header, with angle brackets. */
  messageId: string;
  envelope: { from: string; to: string[] };
}

/**
 * Builds the raw MIME message with nodemailer's MailComposer: UTF-8 encoded-word headers,
 * text and html as alternatives, attachments base64-encoded, CRLF line breaks. Shared by the
 * outbox/SMTP mailer and the SES mailer, so both send exactly the same bytes.
 */
export async function composeMail(
  from: string,
  message: MailMessage,
  date: Date = new Date(),
): Promise<ComposedMail> {
  if (message.to.length === 0) throw new RangeError("a mail message needs at least one recipient");
  const key = message.idempotencyKey;
  if (key !== undefined && !/^[\x20-\x7e]{1,200}$/.test(key))
    throw new RangeError(`idempotency key must be 1-200 printable ASCII characters: ${JSON.stringify(key)}`);
  const node = new MailComposer({
    from,
    to: [...message.to],
    subject: message.subject,
    date,
    text: message.text,
    ...(message.html === undefined ? {} : { html: message.html }),
    attachments: (message.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
    })),
    ...(key === undefined ? {} : { headers: { [IDEMPOTENCY_HEADER]: key } }),
    newline: "win",
    // nodemailer would write "X-Vbm-…"; keep the header exactly as documented.
    normalizeHeaderKey: (k) =>
      k.toLowerCase() === IDEMPOTENCY_HEADER.toLowerCase() ? IDEMPOTENCY_HEADER : k,
    // Content only ever comes from memory: never let a value be read as a file path or URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  }).compile();
  const messageId = node.messageId();
  const { from: envelopeFrom, to } = node.getEnvelope();
  if (!envelopeFrom) throw new RangeError(`not a usable sender address: ${from}`);
  return { raw: await node.build(), messageId, envelope: { from: envelopeFrom, to } };
}

export interface OutboxMailerOptions {
  /** Every message is written here as `<timestamp>-<idempotency key or random>.eml`. */
  outboxDir: string;
  from: string;
  /** When set, every message is also sent through this SMTP server (e.g. `{ url: "smtp://host:25" }`). */
  smtp?: SMTPTransportOptions;
  clock?: Clock;
}

/** File-name safe form of an idempotency key: `factsheet/2023-Q1/AB` → `factsheet_2023-Q1_AB`. */
function safeName(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "") || "message";
}

/**
 * The local mailer: writes each message as a `.eml` file to an outbox folder (open it with any
 * mail client) and, when `smtp` is given, also sends the same bytes through SMTP. The file is
 * written before sending, so a failed send still leaves the message to inspect.
 */
export function createOutboxMailer(opts: OutboxMailerOptions): Mailer {
  const clock = opts.clock ?? { now: () => new Date() };
  const transport = opts.smtp ? createTransport(opts.smtp) : undefined;
  let counter = 0;

  return {
    async send(message) {
      const now = clock.now();
      const mail = await composeMail(opts.from, message, now);
      const stamp = now.toISOString().replace(/[:.]/g, "-");
      const name = message.idempotencyKey ? safeName(message.idempotencyKey) : randomBytes(6).toString("hex");
      const target = join(opts.outboxDir, `${stamp}-${name}.eml`);
      const tmp = `${target}.tmp-${process.pid}-${counter++}`;
      await mkdir(opts.outboxDir, { recursive: true });
      try {
        await writeFile(tmp, mail.raw);
        await rename(tmp, target);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      if (transport) {
        try {
          await transport.sendMail({ envelope: mail.envelope, raw: mail.raw });
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw new MailerError(
            `Versturen van de e-mail via SMTP is mislukt (${why}). Het bericht staat in ${target}.`,
            { cause: e },
          );
        }
      }
      return { messageId: mail.messageId };
    },
  };
}
