import { createHmac, randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  type Stats,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { PSEUDONYM_DOMAIN, pseudonymMessage, toHex } from "../../core/pseudonym.ts";
import { PseudonymKeyError } from "../../errors.ts";
import type { Pseudonymiser } from "../../ports.ts";

const KEY_BYTES = 32;
const FINGERPRINT_LABEL = "vbm-key-fingerprint";
/** Length of the fingerprint inside `keyVersion` (and in messages). */
const SHORT = 12;

/** Where a local data dir keeps its key, and the record of which key belongs to its data. */
export function keyPaths(dataDir: string): { key: string; record: string } {
  return {
    key: join(dataDir, "keys", "pseudonym.key"),
    // Outside keys/: a backup of the data without the key still knows which key it needs.
    record: join(dataDir, "config", "pseudonym-key.json"),
  };
}

/** HMAC of a fixed label with the key (hex): identifies the key without revealing it. */
export function keyFingerprint(key: Uint8Array): string {
  return createHmac("sha256", key).update(FINGERPRINT_LABEL).digest("hex");
}

const localKeyVersion = (fingerprint: string) => `${PSEUDONYM_DOMAIN}local-${fingerprint.slice(0, SHORT)}`;

/** HMAC-SHA256 pseudonymiser with a local key (the same bytes KMS GenerateMac would MAC). */
export function createHmacPseudonymiser(key: Uint8Array): Pseudonymiser {
  return {
    keyVersion: localKeyVersion(keyFingerprint(key)),
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

/**
 * The pseudonymiser of a local data dir. Nothing is read until something is pseudonymised (or
 * `keyVersion` is asked): commands that only read never touch the key.
 */
export function createLocalPseudonymiser(dataDir: string, now: () => Date = () => new Date()): Pseudonymiser {
  let inner: Pseudonymiser | undefined;
  const open = () => {
    inner ??= createHmacPseudonymiser(openDataDirKey(dataDir, now));
    return inner;
  };
  return {
    get keyVersion() {
      return open().keyVersion;
    },
    pseudonymise: async (youthNumbers) => open().pseudonymise(youthNumbers),
  };
}

const keyRecord = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  key_version: z.string(),
  created_at: z.string(),
});
type KeyRecord = z.infer<typeof keyRecord>;

const RESTORE = (keyPath: string) =>
  `Zet pseudonym.key terug uit de back-up naar ${keyPath}, zet de rechten goed (chmod 600 "${keyPath}") en probeer het opnieuw. Er is niets verwerkt.`;

/**
 * The key of a data dir, checked against the data made with it. Only when the data dir holds
 * nothing pseudonymised yet (no key record, no measures, no delivery with a key version) is a
 * missing key created. A missing, unreadable or different key with existing data stops with a
 * Dutch message: a new key would silently give the same young people new pseudonyms.
 */
export function openDataDirKey(dataDir: string, now: () => Date = () => new Date()): Uint8Array {
  const paths = keyPaths(dataDir);
  const record = readKeyRecord(paths.record);
  let stat = statKey(paths.key);
  if (!stat) {
    const evidence = record ? null : pseudonymisedData(dataDir);
    if (record || evidence?.exists) {
      const known = record?.fingerprint ?? evidence?.versions[0]?.replace(/^.*local-/, "");
      throw new PseudonymKeyError(
        `De sleutel voor pseudoniemen ontbreekt (${paths.key}), maar in ${dataDir} staan al gegevens die met een sleutel${known ? ` (vingerafdruk ${known.slice(0, SHORT)})` : ""} zijn gemaakt. Een nieuwe sleutel zou dezelfde jongeren nieuwe pseudoniemen geven, die niet aansluiten bij eerdere kwartalen. ${RESTORE(paths.key)}`,
      );
    }
    createKeyFile(paths.key);
    stat = statKey(paths.key);
    if (!stat)
      throw new PseudonymKeyError(`De sleutel voor pseudoniemen (${paths.key}) is niet aan te maken.`);
  }
  const key = readKeyFile(paths.key, stat);
  const fingerprint = keyFingerprint(key);
  const version = localKeyVersion(fingerprint);
  if (record) {
    if (record.fingerprint !== fingerprint)
      throw differentKey(paths.key, dataDir, [record.fingerprint], fingerprint);
    return key;
  }
  // No record yet: a new data dir, or one made before the record existed. Adopt the key only
  // when every pseudonymised delivery was made with it.
  const { versions } = pseudonymisedData(dataDir);
  const others = versions.filter((v) => v !== version);
  if (others.length > 0)
    throw differentKey(
      paths.key,
      dataDir,
      others.map((v) => v.replace(/^.*local-/, "")),
      fingerprint,
    );
  writeKeyRecord(paths.record, {
    fingerprint,
    key_version: version,
    created_at: (stat.birthtimeMs > 0 ? stat.birthtime : now()).toISOString(),
  });
  return key;
}

function differentKey(
  keyPath: string,
  dataDir: string,
  expected: string[],
  actual: string,
): PseudonymKeyError {
  const exp = [...new Set(expected.map((f) => f.slice(0, SHORT)))].join(", ");
  return new PseudonymKeyError(
    `De sleutel voor pseudoniemen (${keyPath}) hoort niet bij de gegevens in ${dataDir}: die zijn gemaakt met sleutel ${exp}, dit bestand is sleutel ${actual.slice(0, SHORT)}. Met deze sleutel zouden dezelfde jongeren andere pseudoniemen krijgen. ${RESTORE(keyPath)}`,
  );
}

function statKey(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw unreadable(path, e);
  }
}

const unreadable = (path: string, e: unknown) =>
  new PseudonymKeyError(
    `De sleutel voor pseudoniemen (${path}) is niet te lezen (${(e as NodeJS.ErrnoException).code ?? "onbekende fout"}). Controleer dat het een bestand is van de gebruiker die vbm-monitor draait, met rechten 0600 (chmod 600 "${path}"), of zet het terug uit de back-up. Er is niets verwerkt.`,
    { cause: e },
  );

/** Creates a new random key (mode 0600, folder 0700); an existing file is left alone. */
function createKeyFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return; // made at the same moment elsewhere
    throw new PseudonymKeyError(`De sleutel voor pseudoniemen (${path}) is niet aan te maken.`, { cause: e });
  }
  try {
    writeSync(fd, randomBytes(KEY_BYTES));
  } finally {
    closeSync(fd);
  }
  chmodSync(path, 0o600);
}

/**
 * Reads the 32-byte key file. Refuses a key file that others can read or write, or one of the
 * wrong size.
 */
export function readKeyFile(path: string, stat: Stats | undefined = statKey(path)): Uint8Array {
  if (!stat)
    throw new PseudonymKeyError(`De sleutel voor pseudoniemen ontbreekt (${path}). ${RESTORE(path)}`);
  if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, "0");
    throw new PseudonymKeyError(
      `De sleutel voor pseudoniemen (${path}) heeft te ruime rechten (${mode}): anderen kunnen hem lezen. Zet de rechten op 0600 (chmod 600 "${path}") en probeer het opnieuw.`,
    );
  }
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (e) {
    throw unreadable(path, e);
  }
  if (key.length !== KEY_BYTES)
    throw new PseudonymKeyError(
      `De sleutel voor pseudoniemen (${path}) is ${key.length} bytes in plaats van ${KEY_BYTES}. Zet de juiste sleutel terug uit de back-up; maak geen nieuwe, anders passen pseudoniemen niet meer bij eerdere kwartalen.`,
    );
  return new Uint8Array(key);
}

function readKeyRecord(path: string): KeyRecord | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new PseudonymKeyError(
      `Het bestand ${path} (welke sleutel bij deze gegevens hoort) is niet te lezen.`,
      {
        cause: e,
      },
    );
  }
  try {
    return keyRecord.parse(JSON.parse(text));
  } catch (e) {
    throw new PseudonymKeyError(
      `Het bestand ${path} (welke sleutel bij deze gegevens hoort) is beschadigd. Zet het terug uit de back-up, of verwijder het: dan wordt de sleutel opnieuw vergeleken met de leveringslog. Er is niets verwerkt.`,
      { cause: e },
    );
  }
}

function writeKeyRecord(path: string, record: KeyRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Files under `dir` (recursively, relative paths), none when it does not exist. */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter(
      (f) => !f.includes(".tmp-") && statSync(join(dir, f)).isFile(),
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

/**
 * What in the curated data depends on the key: measures objects, and the key versions of the
 * delivery-log lines. Occupancy and rejected deliveries hold no pseudonyms and do not count.
 */
function pseudonymisedData(dataDir: string): { exists: boolean; versions: string[] } {
  const curated = join(dataDir, "curated");
  const versions = new Set<string>();
  let unknown = false;
  for (const f of filesUnder(join(curated, "delivery-log"))) {
    if (!f.endsWith(".json")) continue;
    try {
      const v = (
        JSON.parse(readFileSync(join(curated, "delivery-log", f), "utf8")) as Record<string, unknown>
      ).pseudonym_key_version;
      if (typeof v === "string") versions.add(v);
    } catch {
      unknown = true; // an unreadable line may well have been pseudonymised
    }
  }
  const measures = filesUnder(join(curated, "measures")).length > 0;
  return { exists: versions.size > 0 || measures || unknown, versions: [...versions].sort() };
}
