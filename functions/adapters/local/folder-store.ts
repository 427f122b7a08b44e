import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { StorageError } from "../../errors.ts";
import type { Area, ObjectStore } from "../../ports.ts";

function safeKey(key: string): string {
  const parts = key.split("/");
  if (key.startsWith("/") || parts.some((p) => p === ".." || p === "." || p === "" || p === VERSIONS))
    throw new RangeError(`unsafe object key: ${key}`);
  return key;
}

/** Folder (inside an area) that keeps every version of an object of a versioned area, as hard links. */
const VERSIONS = ".versions";
/** Temporary files: `<target>.tmp-<pid>-<n>`; never listed, removed by `removeLeftovers`. */
const TMP_MARK = ".tmp-";

export interface FolderStoreOptions {
  /** Areas whose objects keep every version (like a versioned S3 bucket); `put` returns the version. */
  versioned?: readonly Area[];
  /** Folders of single areas elsewhere than `<root>/<area>` (e.g. a curated folder on its own). */
  areaDirs?: Partial<Record<Area, string>>;
}

/** Turns an errno error of a write into a Dutch message that says where and what to do. */
export function storageError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const tail = "Wat al opgeslagen was, is niet veranderd.";
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return new StorageError(
        `De schijf is vol: ${path} kon niet worden opgeslagen. ${tail} Maak ruimte vrij en probeer het opnieuw.`,
        { cause: error },
      );
    case "EROFS":
      return new StorageError(
        `De map van ${path} is alleen-lezen: er kan niets worden opgeslagen. ${tail} Geef de map schrijfrechten (of kies een andere map met --data-dir) en probeer het opnieuw.`,
        { cause: error },
      );
    case "EACCES":
    case "EPERM":
      return new StorageError(
        `Geen toestemming om ${path} op te slaan. ${tail} Controleer de rechten van de gegevensmap en probeer het opnieuw.`,
        { cause: error },
      );
    case "EIO":
      return new StorageError(
        `De schijf gaf een leesfout of schrijffout bij ${path}. ${tail} Controleer de schijf en probeer het opnieuw.`,
        { cause: error },
      );
    default:
      return error;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  let handle: import("node:fs/promises").FileHandle | undefined;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Not every platform can fsync a directory (Windows); the rename itself stays atomic.
  } finally {
    await handle?.close();
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The object store as a folder: `<root>/<area>/<key>`, the same key layout as the S3 buckets.
 * A write goes to a temporary file in the same folder, is fsynced, and is renamed into place
 * (then the folder is fsynced), so a crash never leaves a half-written object visible and a
 * visible object survives a power cut. Out-of-space, read-only and permission errors become a
 * Dutch `StorageError`; the temporary file is removed.
 */
export function createFolderStore(
  root: string,
  options: FolderStoreOptions = {},
): ObjectStore & {
  /** Removes temporary files of writes that were killed (their process is gone, or older than `maxAgeMs`). */
  removeLeftovers(maxAgeMs?: number): Promise<number>;
} {
  const areaDir = (area: Area) => options.areaDirs?.[area] ?? join(root, area);
  const path = (area: Area, key: string) => join(areaDir(area), ...safeKey(key).split("/"));
  const versionPath = (area: Area, key: string, version: string) =>
    join(areaDir(area), VERSIONS, ...safeKey(key).split("/"), safeKey(version));
  const versioned = new Set(options.versioned ?? []);
  /** The file of an object, or of one version of it in a versioned area. */
  const fileOf = (area: Area, key: string, version: string | undefined) =>
    version && versioned.has(area) ? versionPath(area, key, version) : path(area, key);
  let counter = 0;

  /** Writes `body` durably to a fresh temporary file next to `target`; returns its path. */
  const writeTemp = async (target: string, body: Uint8Array): Promise<string> => {
    const tmp = `${target}${TMP_MARK}${process.pid}-${counter++}`;
    try {
      await mkdir(dirname(target), { recursive: true });
      const handle = await open(tmp, "wx", 0o600);
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return tmp;
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw storageError(e, target);
    }
  };

  return {
    async put(area, key, body) {
      const target = path(area, key);
      const tmp = await writeTemp(target, body);
      let version: string | undefined;
      try {
        if (versioned.has(area)) {
          version = randomUUID();
          const keep = versionPath(area, key, version);
          await mkdir(dirname(keep), { recursive: true });
          await link(tmp, keep);
        }
        await rename(tmp, target);
      } catch (e) {
        await rm(tmp, { force: true }).catch(() => undefined);
        throw storageError(e, target);
      }
      await fsyncDir(dirname(target));
      return { version };
    },

    async putIfAbsent(area, key, body) {
      const target = path(area, key);
      const tmp = await writeTemp(target, body);
      try {
        // link() fails with EEXIST when the target exists: an atomic "create if absent".
        await link(tmp, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw storageError(e, target);
      } finally {
        await unlink(tmp).catch(() => undefined);
      }
      await fsyncDir(dirname(target));
      return true;
    },

    async get(area, key, opts) {
      const file = fileOf(area, key, opts?.version);
      try {
        const buf = await readFile(file);
        return {
          body: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength),
          version: opts?.version,
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw e;
      }
    },

    async head(area, key, opts) {
      const file = fileOf(area, key, opts?.version);
      try {
        const s = await stat(file);
        if (!s.isFile()) return undefined;
        return { size: s.size, lastModified: s.mtime, version: opts?.version };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw e;
      }
    },

    async exists(area, key) {
      try {
        return (await stat(path(area, key))).isFile();
      } catch {
        return false;
      }
    },

    async copy(from, to) {
      const source = fileOf(from.area, from.key, from.version);
      const target = path(to.area, to.key);
      const tmp = `${target}${TMP_MARK}${process.pid}-${counter++}`;
      try {
        await mkdir(dirname(target), { recursive: true });
        await copyFile(source, tmp);
        const handle = await open(tmp, "r+");
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(tmp, target);
      } catch (e) {
        await rm(tmp, { force: true }).catch(() => undefined);
        throw storageError(e, target);
      }
      await fsyncDir(dirname(target));
    },

    async list(area, prefix) {
      const base = areaDir(area);
      let entries: string[];
      try {
        entries = (await readdir(base, { recursive: true, withFileTypes: true }))
          .filter((d) => d.isFile() && !d.name.includes(TMP_MARK))
          .map((d) => relative(base, join(d.parentPath, d.name)).split(sep).join("/"))
          .filter((k) => !k.startsWith(`${VERSIONS}/`));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw e;
      }
      return entries.filter((k) => k.startsWith(prefix)).sort();
    },

    async delete(area, key) {
      await rm(path(area, key), { force: true });
    },

    async removeLeftovers(maxAgeMs = 60 * 60 * 1000) {
      let removed = 0;
      let entries: import("node:fs").Dirent[];
      try {
        entries = await readdir(root, { recursive: true, withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
        throw e;
      }
      const now = Date.now();
      for (const d of entries) {
        const at = d.name.lastIndexOf(TMP_MARK);
        if (!d.isFile() || at < 0) continue;
        const pid = Number(d.name.slice(at + TMP_MARK.length).split("-")[0]);
        const file = join(d.parentPath, d.name);
        let old = false;
        try {
          old = now - (await stat(file)).mtimeMs > maxAgeMs;
        } catch {
          continue;
        }
        if (old || !Number.isInteger(pid) || !pidAlive(pid)) {
          await rm(file, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}
