import { createHmac, randomBytes } from "node:crypto";
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { PSEUDONYM_DOMAIN, pseudonymMessage, toHex } from "../../core/pseudonym.ts";
import { PseudonymKeyError } from "../../errors.ts";
import type { Pseudonymiser } from "../../ports.ts";

const KEY_BYTES = 32;

/**
 * Reads the 32-byte key file, creating it (mode 0600, folder 0700) on first use. Refuses a key
 * file that others can read or write, or one of the wrong size.
 */
export function loadOrCreateKey(path: string): Uint8Array {
  let stat: import("node:fs").Stats | undefined;
  try {
    stat = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      throw new PseudonymKeyError(`De sleutel voor pseudoniemen (${path}) is niet te lezen.`, { cause: e });
  }
  if (!stat) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(path, "wx", 0o600);
    try {
      writeSync(fd, randomBytes(KEY_BYTES));
    } finally {
      closeSync(fd);
    }
    chmodSync(path, 0o600);
    stat = statSync(path);
  }
  if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, "0");
    throw new PseudonymKeyError(
      `De sleutel voor pseudoniemen (${path}) heeft te ruime rechten (${mode}): anderen kunnen hem lezen. Zet de rechten op 0600 (chmod 600 "${path}") en probeer het opnieuw.`,
    );
  }
  const key = readFileSync(path);
  if (key.length !== KEY_BYTES)
    throw new PseudonymKeyError(
      `De sleutel voor pseudoniemen (${path}) is ${key.length} bytes in plaats van ${KEY_BYTES}. Zet de juiste sleutel terug uit de back-up; maak geen nieuwe, anders passen pseudoniemen niet meer bij eerdere kwartalen.`,
    );
  return new Uint8Array(key);
}

/** HMAC-SHA256 pseudonymiser with a local key (the same bytes KMS GenerateMac would MAC). */
export function createHmacPseudonymiser(key: Uint8Array): Pseudonymiser {
  const fingerprint = createHmac("sha256", key).update("vbm-key-fingerprint").digest("hex").slice(0, 12);
  return {
    keyVersion: `${PSEUDONYM_DOMAIN}local-${fingerprint}`,
    async pseudonymise(youthNumbers) {
      const out = new Map<string, string>();
      for (const y of youthNumbers) {
        if (out.has(y)) continue;
        out.set(y, toHex(createHmac("sha256", key).update(pseudonymMessage(y)).digest()));
      }
      return out;
    },
  };
}
