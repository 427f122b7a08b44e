import { createHmac } from "node:crypto";
import { chmodSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createHmacPseudonymiser,
  loadOrCreateKey,
} from "../../../functions/adapters/local/hmac-pseudonymiser.ts";
import { PseudonymKeyError } from "../../../functions/errors.ts";
import { tempDir } from "../../helpers.ts";

let cleanup = () => {};
afterEach(() => cleanup());

describe("HMAC pseudonymiser", () => {
  it("is HMAC-SHA256 over 'vbm-v1:' + the youth number, stable for the same key", async () => {
    // Prepare: a known key; the expected value comes from node:crypto directly.
    const key = new Uint8Array(32).map((_, i) => i);
    const expected = createHmac("sha256", key).update("vbm-v1:AB0001").digest("hex");
    // Act
    const a = await createHmacPseudonymiser(key).pseudonymise(["AB0001", "AB0002", "AB0001"]);
    const b = await createHmacPseudonymiser(key).pseudonymise(["AB0001"]);
    // Assess
    expect(a.get("AB0001")).toBe(expected);
    expect(b.get("AB0001")).toBe(expected);
    expect(a.size).toBe(2);
    expect(a.get("AB0002")).not.toBe(expected);
    const other = await createHmacPseudonymiser(new Uint8Array(32).fill(7)).pseudonymise(["AB0001"]);
    expect(other.get("AB0001")).not.toBe(expected);
  });

  it("creates a 32-byte key file with mode 0600 once and reuses it", () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, "keys", "pseudonym.key");
    const first = loadOrCreateKey(path);
    expect(first).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateKey(path)).toEqual(first);
  });

  it("refuses a key file that others may read, and one of the wrong size", () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, "pseudonym.key");
    writeFileSync(path, new Uint8Array(32));
    chmodSync(path, 0o644);
    expect(() => loadOrCreateKey(path)).toThrow(PseudonymKeyError);
    expect(() => loadOrCreateKey(path)).toThrow(/te ruime rechten \(0644\).*chmod 600/);
    const short = join(t.dir, "short.key");
    writeFileSync(short, new Uint8Array(16));
    chmodSync(short, 0o600);
    expect(() => loadOrCreateKey(short)).toThrow(/16 bytes in plaats van 32/);
  });
});
