import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createFolderStore } from "../../../functions/adapters/local/folder-store.ts";
import { tempDir } from "../../helpers.ts";

let cleanup = () => {};
afterEach(() => cleanup());

describe("folder object store", () => {
  it("puts, replaces, lists, reads and deletes objects with S3-style keys", async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const store = createFolderStore(t.dir);
    const enc = (s: string) => new TextEncoder().encode(s);
    await store.put("curated", "measures/location=AB/quarter=2023-Q1/delivery.parquet", enc("one"));
    await store.put("curated", "measures/location=AB/quarter=2023-Q1/delivery.parquet", enc("two"));
    await store.put("curated", "measures/location=CD/quarter=2023-Q1/delivery.parquet", enc("three"));
    await store.put("receipts", "AB/2023-Q1/x.json", enc("{}"));

    expect(await store.list("curated", "measures/location=AB/")).toEqual([
      "measures/location=AB/quarter=2023-Q1/delivery.parquet",
    ]);
    expect(await store.list("curated", "")).toHaveLength(2);
    const got = await store.get("curated", "measures/location=AB/quarter=2023-Q1/delivery.parquet");
    expect(new TextDecoder().decode(got?.body)).toBe("two");
    // No temporary files are left next to the object.
    expect(readdirSync(join(t.dir, "curated", "measures", "location=AB", "quarter=2023-Q1"))).toEqual([
      "delivery.parquet",
    ]);
    expect(await store.exists("receipts", "AB/2023-Q1/x.json")).toBe(true);
    await store.delete("receipts", "AB/2023-Q1/x.json");
    expect(await store.get("receipts", "AB/2023-Q1/x.json")).toBeUndefined();
    expect(await store.list("quarantine", "")).toEqual([]);
  });

  it("refuses keys that would escape the folder", async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const store = createFolderStore(t.dir);
    await expect(store.put("curated", "../outside", new Uint8Array())).rejects.toThrow(RangeError);
    await expect(store.put("curated", "/abs", new Uint8Array())).rejects.toThrow(RangeError);
  });
});
