/**
 * Pseudonyms are HMAC-SHA256 over `<domain prefix><normalised youth number>`. The prefix
 * versions the scheme: changing normalisation or purpose means a new prefix, never a silent
 * change. Every adapter (local key file, AWS KMS GenerateMac) MACs exactly these bytes, so the
 * same key material gives the same pseudonym everywhere.
 */
export const PSEUDONYM_DOMAIN = "vbm-v1:";

/** Trim, upper-case, drop inner spaces: `" ab 0001"` → `"AB0001"`. */
export function normaliseYouthNumber(raw: string): string {
  return raw.toUpperCase().replace(/\s+/g, "");
}

export function pseudonymMessage(normalisedYouthNumber: string): Uint8Array {
  return new TextEncoder().encode(PSEUDONYM_DOMAIN + normalisedYouthNumber);
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
