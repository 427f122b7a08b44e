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
  const config = await runtime.loadLocations();
  // Without a locations config (a local data dir without config/locations.json) any code goes.
  const locations = config.length > 0 ? config.map((l) => l.code) : undefined;
  const { store, clock } = runtime.ports;
  // What killed writes left behind is removed first, so it cannot fill the disk.
  await runtime.removeLeftovers();
  const { version } = await store.put("dropzone", input.key, await input.load());
  // Upload order: when the file landed in the drop zone, then the machine's monotonic clock
  // (shared by all processes on this machine) for files that landed in the same millisecond.
  const receivedAt = clock.now();
  const sequencer = process.hrtime.bigint().toString().padStart(32, "0");
  return ingestDropZoneObject(
    runtime.ports,
    { key: input.key, version, receivedAt, sequencer },
    { locations, ...(input.limits ? { limits: input.limits } : {}) },
  );
}

export async function figuresFor(
  runtime: Runtime,
  opts: { from: string; to: string; location: string | null },
) {
  const engine = await runtime.openQueryEngine({ from: opts.from, to: opts.to });
  try {
    let locations = (await runtime.loadLocations()).map((l) => l.code);
    if (locations.length === 0) {
      const rows = await engine.query("SELECT DISTINCT location FROM current_delivery ORDER BY location");
      locations = rows.map((r) => String(r.location)).filter((l) => locationCode.safeParse(l).success);
    }
    return await buildFigures(engine, { ...opts, locations });
  } finally {
    await engine.close();
  }
}
