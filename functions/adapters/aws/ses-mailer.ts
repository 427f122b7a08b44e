import { type SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { Mailer } from "../../ports.ts";
import { composeMail, MailerError } from "../local/outbox-mailer.ts";
import { describeError } from "./describe-error.ts";

export { MailerError };

export interface SesMailerOptions {
  client: SESv2Client;
  /** Verified sender address (identity) in SES. */
  from: string;
  /** Configuration set that records delivery, bounce and complaint events. */
  configurationSet: string;
}

/**
 * Sends through SES v2 as a raw MIME message (built by the same MailComposer code as the local
 * mailer), so attachments and UTF-8 headers come out identical. Returns SES's MessageId.
 */
export function createSesMailer(opts: SesMailerOptions): Mailer {
  return {
    async send(message) {
      const mail = await composeMail(opts.from, message);
      let messageId: string | undefined;
      try {
        const out = await opts.client.send(
          new SendEmailCommand({
            FromEmailAddress: opts.from,
            Destination: { ToAddresses: [...message.to] },
            Content: { Raw: { Data: mail.raw } },
            ConfigurationSetName: opts.configurationSet,
          }),
        );
        messageId = out.MessageId;
      } catch (e) {
        throw new MailerError(`Versturen van de e-mail via SES is mislukt: ${describeError(e)}`, {
          cause: e,
        });
      }
      if (!messageId) throw new MailerError("SES gaf geen MessageId terug na SendEmail");
      return { messageId };
    },
  };
}
