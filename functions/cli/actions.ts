import { randomUUID } from "node:crypto";
import { locationCode } from "../../schemas/delivery.ts";
import type { Runtime } from "../compose.ts";
import { buildFigures } from "../core/figures.ts";
import { type IngestOutcome, ingestDropZoneObject } from "../core/ingest.ts";
import type { ReadLimits } from "../core/read/types.ts";

/**
 * Puts a file in the drop zone and runs the ingest exactly as the Lambda does. The file is
 * loaded through `input.load` so its bytes are not kept alive while the ingest reads them back.
 */
export async function deliverFile(
  runtime: Runtime,
  input: { load: () => Promise<Uint8Array>; key: string; limits?: ReadLimits },
): Promise<IngestOutcome> {
  const locations = (await runtime.loadLocations()).map((l) => l.code);
  const { store, clock } = runtime.ports;
  await store.put("dropzone", input.key, await input.load());
  return ingestDropZoneObject(
    runtime.ports,
    { key: input.key, version: randomUUID(), receivedAt: clock.now() },
    { locations, ...(input.limits ? { limits: input.limits } : {}) },
  );
}

export async function figuresFor(
  runtime: Runtime,
  opts: { from: string; to: string; location: string | null },
) {
  const engine = await runtime.openQueryEngine();
  try {
    let locations = (await runtime.loadLocations()).map((l) => l.code);
    if (locations.length === 0) {
      const rows = await engine.query(
        "SELECT DISTINCT location FROM delivery_log WHERE status = 'accepted' ORDER BY location",
      );
      locations = rows.map((r) => String(r.location)).filter((l) => locationCode.safeParse(l).success);
    }
    return await buildFigures(engine, { ...opts, locations });
  } finally {
    await engine.close();
  }
}
