import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { Area, ObjectStore } from "../../ports.ts";

function safeKey(key: string): string {
  const parts = key.split("/");
  if (key.startsWith("/") || parts.some((p) => p === ".." || p === "." || p === ""))
    throw new RangeError(`unsafe object key: ${key}`);
  return key;
}

/**
 * The object store as a folder: `<root>/<area>/<key>`, the same key layout as the S3 buckets.
 * Writes go to a temporary file in the same folder and are renamed into place, so a crash
 * never leaves a half-written object visible.
 */
export function createFolderStore(root: string): ObjectStore {
  const path = (area: Area, key: string) => join(root, area, ...safeKey(key).split("/"));
  let counter = 0;
  return {
    async put(area, key, body) {
      const target = path(area, key);
      await mkdir(dirname(target), { recursive: true });
      const tmp = `${target}.tmp-${process.pid}-${counter++}`;
      await writeFile(tmp, body);
      await rename(tmp, target);
    },
    async get(area, key) {
      try {
        const buf = await readFile(path(area, key));
        return { body: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
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
    async list(area, prefix) {
      const base = join(root, area);
      let entries: string[];
      try {
        entries = (await readdir(base, { recursive: true, withFileTypes: true }))
          .filter((d) => d.isFile() && !d.name.includes(".tmp-"))
          .map((d) => relative(base, join(d.parentPath, d.name)).split(sep).join("/"));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw e;
      }
      return entries.filter((k) => k.startsWith(prefix)).sort();
    },
    async delete(area, key) {
      await rm(path(area, key), { force: true });
    },
  };
}
