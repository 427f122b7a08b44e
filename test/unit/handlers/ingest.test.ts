import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../../functions/compose.ts";
import { createIngestHandler } from "../../../functions/handlers/ingest.ts";
import { csvBytes, tempDir } from "../../helpers.ts";

let cleanup = () => {};
afterEach(() => cleanup());

const event = (key: string, versionId = "v-1") => ({
  version: "0",
  id: "17793124-05d4-b198-2fde-7ededc63b103",
  "detail-type": "Object Created",
  source: "aws.s3",
  account: "123456789012",
  time: "2023-04-03T08:15:00Z",
  region: "eu-west-1",
  resources: ["arn:aws:s3:::vbm-dropzone"],
  detail: {
    version: "0",
    bucket: { name: "vbm-dropzone" },
    object: {
      key,
      size: 120,
      etag: "0123456789abcdef",
      "version-id": versionId,
      sequencer: "0062E99A88DC407460",
    },
    "request-id": "N4N7GDK58NMKJ12R",
    requester: "123456789012",
    reason: "PutObject",
  },
});
const context = {} as Context;
const rows = [
  ["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "Ruzie", "3", "1"],
  ["AB0002", "12.02.2023", "09:00", "", "", "", "16", ""],
];

function setup() {
  const t = tempDir("vbm-handler-");
  cleanup = t.cleanup;
  const runtime = createRuntime({ mode: "local", dataDir: t.dir });
  return { runtime, handler: createIngestHandler(async () => runtime) };
}

describe("ingest handler (EventBridge → core, local adapters)", () => {
  it("processes an Object Created event into curated data, receipt and delivery log", async () => {
    const { runtime, handler } = setup();
    const { version } = await runtime.store.put("dropzone", "AB/2023-Q1/all/export VBM.csv", csvBytes(rows));
    // EventBridge hands the key URL-encoded (space as +).
    const result = await handler(event("AB/2023-Q1/all/export+VBM.csv", version), context);
    expect(result).toMatchObject({ status: "accepted", location: "AB", quarter: "2023-Q1" });
    expect(await runtime.store.list("curated", "measures/")).toEqual([
      `measures/location=AB/quarter=2023-Q1/${result.attemptId}.parquet`,
    ]);
    const log = await runtime.store.list("curated", "delivery-log/AB/2023-Q1/");
    expect(log).toEqual([`delivery-log/AB/2023-Q1/${result.attemptId}.json`]);
    const entry = JSON.parse(
      new TextDecoder().decode((await runtime.store.get("curated", log[0] as string))?.body),
    );
    expect(entry).toMatchObject({
      status: "accepted",
      rows: 2,
      received_at: "2023-04-03 08:15:00.000",
      // The S3 sequencer, right-padded so that text order is upload order.
      sequencer: "0062E99A88DC40746000000000000000",
      source_key: "AB/2023-Q1/all/export VBM.csv",
    });
    expect(await runtime.store.exists("receipts", entry.report_key)).toBe(true);
  });

  it("delivering the same event twice changes nothing and logs once", async () => {
    const { runtime, handler } = setup();
    const v1 = (await runtime.store.put("dropzone", "AB/2023-Q1/all/a.csv", csvBytes(rows))).version;
    const first = await handler(event("AB/2023-Q1/all/a.csv", v1), context);
    const parquetKey = `measures/location=AB/quarter=2023-Q1/${first.attemptId}.parquet`;
    const parquet = await runtime.store.get("curated", parquetKey);
    const second = await handler(event("AB/2023-Q1/all/a.csv", v1), context);
    expect(first.status).toBe("accepted");
    expect(second).toEqual({ ...first, status: "duplicate" });
    expect(await runtime.store.list("curated", "delivery-log/")).toHaveLength(1);
    expect((await runtime.store.get("curated", parquetKey))?.body).toEqual(parquet?.body);
    // A new version of the same key is a new delivery.
    const v2 = (await runtime.store.put("dropzone", "AB/2023-Q1/all/a.csv", csvBytes(rows))).version;
    const third = await handler(event("AB/2023-Q1/all/a.csv", v2), context);
    expect(third.status).toBe("accepted");
    expect(await runtime.store.list("curated", "delivery-log/")).toHaveLength(2);
  });

  it("rejects an event that is not an S3 Object Created event, with a named error", async () => {
    const { handler } = setup();
    await expect(handler({ source: "aws.s3", "detail-type": "Object Deleted" }, context)).rejects.toThrow(
      /not an S3 Object Created event/,
    );
  });

  it("leaves the verdict mail as a request for its own step, and never mails itself", async () => {
    const { runtime, handler } = setup();
    await runtime.store.put(
      "config",
      "locations.json",
      new TextEncoder().encode(
        JSON.stringify([{ code: "AB", name: "De Eik", emails: ["registratie@eik.example"] }]),
      ),
    );
    const { version } = await runtime.store.put("dropzone", "AB/2023-Q1/all/good.csv", csvBytes(rows));
    const result = await handler(event("AB/2023-Q1/all/good.csv", version), context);
    expect(await runtime.store.list("mail", "requests/")).toEqual([`requests/${result.attemptId}.json`]);
    expect(existsSync(join(runtime.places.dataDir, "outbox"))).toBe(false);
  });

  it("refuses a file over the size limit from the event's size, without downloading it", async () => {
    const { runtime } = setup();
    const { version } = await runtime.store.put("dropzone", "AB/2023-Q1/all/big.csv", csvBytes(rows));
    const gets: string[] = [];
    const store = runtime.store;
    const spy = {
      ...store,
      get: (...a: Parameters<typeof store.get>) => {
        gets.push(`${a[0]}/${a[1]}`);
        return store.get(...a);
      },
    };
    const spied = createIngestHandler(async () => ({
      ...runtime,
      store: spy,
      ports: { ...runtime.ports, store: spy },
    }));
    const big = event("AB/2023-Q1/all/big.csv", version);
    big.detail.object.size = 60 * 1024 * 1024;
    const out = await spied(big, context);
    expect(out.status).toBe("rejected");
    expect(gets.filter((g) => g.startsWith("dropzone/"))).toEqual([]);
    const quarantined = await runtime.store.list("quarantine", "AB/2023-Q1/");
    expect(quarantined).toEqual([
      `AB/2023-Q1/${out.attemptId}/big.csv`,
      `AB/2023-Q1/${out.attemptId}/report.json`,
    ]);
    const report = JSON.parse(
      new TextDecoder().decode(
        (await runtime.store.get("quarantine", `AB/2023-Q1/${out.attemptId}/report.json`))?.body,
      ),
    );
    expect(report.summary).toEqual([expect.objectContaining({ code: "file-too-large", count: 1 })]);
    // The copy in quarantine is the file itself (copied by the store, not re-uploaded).
    expect((await runtime.store.get("quarantine", `AB/2023-Q1/${out.attemptId}/big.csv`))?.body).toEqual(
      csvBytes(rows),
    );
  });
});
