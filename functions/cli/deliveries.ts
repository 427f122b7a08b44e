import { quarterRange } from "../../schemas/quarter.ts";
import type { Runtime } from "../compose.ts";
import { deadlineDaysFromEnv, loadDeliveryMatrix } from "../core/delivery-matrix.ts";
import { UserError } from "../errors.ts";
import type { Io } from "./main.ts";
import { rangeOptions } from "./range.ts";

/**
 * `vbm-monitor deliveries --from Q --to Q | --quarter Q [--json]`: who delivered what, per location and
 * quarter — the same matrix as the facilitator's overview in the portal.
 */
export async function commandDeliveries(
  runtime: Runtime,
  args: {
    quarter?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    json?: boolean | undefined;
  },
  io: Io,
): Promise<number> {
  const { from, to } = rangeOptions(args);
  if (quarterRange(from, to).length > 40) throw new UserError("Kies hoogstens 40 kwartalen tegelijk.");
  const deadlineDays = deadlineDaysFromEnv(io.env);
  const matrix = await loadDeliveryMatrix(runtime.store, {
    from,
    to,
    locations: await runtime.loadLocations(),
    deadlineDays,
    now: runtime.ports.clock.now(),
  });
  if (args.json) {
    io.out(JSON.stringify(matrix, null, 2));
    return 0;
  }
  const header = ["Locatie", ...matrix.quarters];
  const rows = matrix.rows.map((r) => [
    r.location,
    ...r.cells.map((c) => `${c.status}${c.deliveredLate ? " (na termijn)" : ""}`),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  io.out(
    `Leveringen ${from === to ? from : `${from} t/m ${to}`} (op tijd: tot ${deadlineDays} dagen na het kwartaal)`,
  );
  io.out("");
  io.out(line(header));
  for (const r of rows) io.out(line(r));
  if (matrix.rows.length === 0) io.out("(geen locaties: zet ze in config/locations.json)");
  // Per quarter, by name: who has no accepted delivery (a quarter still running is not due yet).
  const without = matrix.rows.flatMap((r) =>
    r.cells.filter((c) => c.status === "afgewezen" || c.status === "ontbreekt" || c.status === "te laat"),
  );
  if (without.length > 0) io.out("");
  for (const q of matrix.quarters) {
    const cells = without.filter((c) => c.quarter === q);
    if (cells.length > 0)
      io.out(
        `Geen geaccepteerde levering ${q}: ${cells.map((c) => `${c.location}${c.status === "afgewezen" ? " (afgewezen)" : ""}`).join(", ")}`,
      );
  }
  const rejected = matrix.rows.flatMap((r) =>
    r.cells.filter((c) => c.status === "afgewezen" && c.errorTitles.length > 0),
  );
  if (rejected.length > 0) {
    io.out("");
    io.out("Afgewezen (fouten in de laatste poging):");
    for (const c of rejected) io.out(`  ${c.location} ${c.quarter}: ${c.errorTitles.join("; ")}`);
  }
  if (matrix.broken.length > 0) {
    io.out("");
    io.out(
      `Let op: ${matrix.broken.length} beschadigde regel(s) in het leveringslogboek tellen niet mee: ${matrix.broken
        .slice(0, 5)
        .map((b) => b.key)
        .join(", ")}.`,
    );
  }
  return 0;
}
