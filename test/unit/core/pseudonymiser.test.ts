import { createHmac } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createHmacPseudonymiser,
  createLocalPseudonymiser,
  keyPaths,
  openDataDirKey,
  readKeyFile,
} from "../../../functions/adapters/local/hmac-pseudonymiser.ts";
import { PseudonymKeyError } from "../../../functions/errors.ts";
import { tempDir } from "../../helpers.ts";

let cleanup = () => {};
afterEach(() => cleanup());

function dataDir(): string {
  const t = tempDir();
  cleanup = t.cleanup;
  return join(t.dir, "data");
}

/** Expected values come from node:crypto directly, not from the code under test. */
const fingerprintOf = (key: Uint8Array) =>
  createHmac("sha256", key).update("vbm-key-fingerprint").digest("hex");
const versionOf = (key: Uint8Array) => `vbm-v1:local-${fingerprintOf(key).slice(0, 12)}`;

function put(path: string, body: string | Uint8Array, mode = 0o644) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
  chmodSync(path, mode);
}
function logLine(dir: string, quarter: string, id: string, version: string | null) {
  put(
    join(dir, "curated", "delivery-log", "AB", quarter, `${id}.json`),
    JSON.stringify({
      attempt_id: id,
      status: version ? "accepted" : "rejected",
      pseudonym_key_version: version,
    }),
  );
}

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
    expect(createHmacPseudonymiser(key).keyVersion).toBe(versionOf(key));
    const other = await createHmacPseudonymiser(new Uint8Array(32).fill(7)).pseudonymise(["AB0001"]);
    expect(other.get("AB0001")).not.toBe(expected);
  });

  it("refuses a key file that others may read, and one of the wrong size", () => {
    const dir = dataDir();
    const path = join(dir, "pseudonym.key");
    put(path, new Uint8Array(32), 0o644);
    expect(() => readKeyFile(path)).toThrow(PseudonymKeyError);
    expect(() => readKeyFile(path)).toThrow(/te ruime rechten \(0644\).*chmod 600/);
    const short = join(dir, "short.key");
    put(short, new Uint8Array(16), 0o600);
    expect(() => readKeyFile(short)).toThrow(/16 bytes in plaats van 32/);
  });
});

describe("the key of a local data dir", () => {
  it("is created (0600, folder 0700) with a fingerprint record only in an empty data dir, then reused", () => {
    // Prepare
    const dir = dataDir();
    const paths = keyPaths(dir);
    // Act
    const first = openDataDirKey(dir, () => new Date("2024-01-02T03:04:05Z"));
    const again = openDataDirKey(dir);
    // Assess
    expect(first).toHaveLength(32);
    expect(again).toEqual(first);
    expect(statSync(paths.key).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(paths.key)).mode & 0o077).toBe(0);
    const record = JSON.parse(readFileSync(paths.record, "utf8"));
    expect(record.fingerprint).toBe(fingerprintOf(first));
    expect(record.key_version).toBe(versionOf(first));
    expect(record.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(JSON.stringify(record)).not.toContain(Buffer.from(first).toString("hex"));
  });

  it("does not read or create anything until something is pseudonymised", async () => {
    const dir = dataDir();
    const p = createLocalPseudonymiser(dir);
    expect(existsSync(dir)).toBe(false);
    const out = await p.pseudonymise(["AB0001"]);
    expect(out.size).toBe(1);
    expect(p.keyVersion).toBe(versionOf(readFileSync(keyPaths(dir).key)));
  });

  it("refuses to create a key when the fingerprint record exists", () => {
    // Prepare: a data dir whose key was lost
    const dir = dataDir();
    const key = openDataDirKey(dir);
    rmSync(keyPaths(dir).key);
    // Act / Assess
    expect(() => openDataDirKey(dir)).toThrow(PseudonymKeyError);
    expect(() => openDataDirKey(dir)).toThrow(
      new RegExp(
        `ontbreekt.*vingerafdruk ${fingerprintOf(key).slice(0, 12)}.*back-up.*chmod 600.*niets verwerkt`,
      ),
    );
    expect(existsSync(keyPaths(dir).key)).toBe(false);
  });

  it("refuses to create a key in an older data dir with pseudonymised deliveries but no record", () => {
    const dir = dataDir();
    logLine(dir, "2023-Q1", "a1", "vbm-v1:local-0123456789ab");
    expect(() => openDataDirKey(dir)).toThrow(/ontbreekt.*vingerafdruk 0123456789ab/);
    expect(existsSync(keyPaths(dir).key)).toBe(false);
    expect(existsSync(keyPaths(dir).record)).toBe(false);
  });

  it("refuses to create a key when measures exist, even without a delivery-log line", () => {
    const dir = dataDir();
    put(join(dir, "curated", "measures", "location=AB", "quarter=2023-Q1", "delivery.parquet"), "x");
    expect(() => openDataDirKey(dir)).toThrow(/ontbreekt/);
    expect(existsSync(keyPaths(dir).key)).toBe(false);
  });

  it("does create a key when only occupancy and rejected deliveries exist (no pseudonyms yet)", () => {
    const dir = dataDir();
    logLine(dir, "2023-Q1", "r1", null);
    put(join(dir, "curated", "occupancy-log", "o1.json"), "{}");
    put(join(dir, "curated", "occupancy", "o1.parquet"), "x");
    expect(openDataDirKey(dir)).toHaveLength(32);
    expect(existsSync(keyPaths(dir).record)).toBe(true);
  });

  it("refuses a different key of the right length, naming both fingerprints", () => {
    // Prepare: the record belongs to the first key; a random 32-byte file replaces it
    const dir = dataDir();
    const key = openDataDirKey(dir);
    const random = new Uint8Array(32).fill(9);
    put(keyPaths(dir).key, random, 0o600);
    // Act / Assess
    expect(() => openDataDirKey(dir)).toThrow(
      new RegExp(
        `hoort niet bij.*${fingerprintOf(key).slice(0, 12)}.*${fingerprintOf(random).slice(0, 12)}.*back-up`,
      ),
    );
  });

  it("adopts the key of an older data dir when the delivery log agrees, and writes the record", () => {
    const dir = dataDir();
    const key = new Uint8Array(32).fill(3);
    put(keyPaths(dir).key, key, 0o600);
    logLine(dir, "2023-Q1", "a1", versionOf(key));
    logLine(dir, "2023-Q2", "r2", null);
    expect(openDataDirKey(dir)).toEqual(key);
    expect(JSON.parse(readFileSync(keyPaths(dir).record, "utf8")).fingerprint).toBe(fingerprintOf(key));
  });

  it("refuses the key of an older data dir when the delivery log names another key", () => {
    const dir = dataDir();
    const key = new Uint8Array(32).fill(3);
    put(keyPaths(dir).key, key, 0o600);
    logLine(dir, "2023-Q1", "a1", "vbm-v1:local-0123456789ab");
    expect(() => openDataDirKey(dir)).toThrow(/hoort niet bij.*0123456789ab/);
    expect(existsSync(keyPaths(dir).record)).toBe(false);
  });

  it("explains an unreadable key and a damaged record", () => {
    const dir = dataDir();
    mkdirSync(keyPaths(dir).key, { recursive: true, mode: 0o700 }); // a folder where the key belongs
    expect(() => openDataDirKey(dir)).toThrow(/niet te lezen \(EISDIR\).*back-up/);
    rmSync(keyPaths(dir).key, { recursive: true });
    put(keyPaths(dir).record, "{niet json");
    expect(() => openDataDirKey(dir)).toThrow(/is beschadigd.*Zet het terug uit de back-up/);
    expect(existsSync(keyPaths(dir).key)).toBe(false);
  });
});
