import { GenerateMacCommand, type KMSClient } from "@aws-sdk/client-kms";
import { PSEUDONYM_DOMAIN, pseudonymMessage, toHex } from "../../core/pseudonym.ts";
import type { Pseudonymiser } from "../../ports.ts";
import { describeError } from "./describe-error.ts";

/** A KMS GenerateMac call failed; the whole batch fails with it. `cause` is the SDK error. */
export class PseudonymiserError extends Error {
  override readonly name = "PseudonymiserError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface KmsPseudonymiserOptions {
  client: KMSClient;
  /** Key id, key ARN, alias or alias ARN of the HMAC_256 key. */
  keyId: string;
  /** Most GenerateMac requests in flight at once (default 8). */
  concurrency?: number;
}

/**
 * HMAC-SHA256 pseudonyms from a KMS HMAC_256 key (GenerateMac). It MACs exactly the bytes the
 * local adapter MACs, so the same key material yields the same pseudonyms.
 */
export function createKmsPseudonymiser(opts: KmsPseudonymiserOptions): Pseudonymiser {
  const concurrency = opts.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const keyName = opts.keyId.split("/").at(-1) ?? opts.keyId;

  const mac = async (youthNumber: string): Promise<string> => {
    const out = await opts.client.send(
      new GenerateMacCommand({
        KeyId: opts.keyId,
        MacAlgorithm: "HMAC_SHA_256",
        Message: pseudonymMessage(youthNumber),
      }),
    );
    if (!out.Mac) throw new Error("GenerateMac returned no Mac");
    return toHex(out.Mac);
  };

  return {
    keyVersion: `${PSEUDONYM_DOMAIN}kms-${keyName}`,
    async pseudonymise(youthNumbers) {
      const unique = [...new Set(youthNumbers)];
      const macs: string[] = [];
      let next = 0;
      let failed = false;
      // A pool of `concurrency` workers, each taking the next youth number until none are left.
      const worker = async () => {
        while (!failed && next < unique.length) {
          const i = next++;
          try {
            macs[i] = await mac(unique[i] as string);
          } catch (e) {
            failed = true;
            throw new PseudonymiserError(
              `KMS GenerateMac with key ${opts.keyId} failed: ${describeError(e)}`,
              { cause: e },
            );
          }
        }
      };
      const workers = Array.from({ length: Math.min(concurrency, unique.length) }, worker);
      await Promise.all(workers);
      // In input order, like the local adapter, whatever order the calls finished in.
      return new Map(unique.map((youthNumber, i) => [youthNumber, macs[i] as string]));
    },
  };
}
