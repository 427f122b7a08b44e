import { readdir, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { deliveryKey, occupancyKey } from "../../schemas/delivery.ts";
import { createRuntime, localConfigFromEnv } from "../compose.ts";
import { makeFactsheets, makeNationalReport } from "../core/documents.ts";
import { generateDemo } from "../demo/generate.ts";
import { UserError } from "../errors.ts";
import { deliverFile, figuresFor } from "./actions.ts";
import { documentDeps, factsheetProgress, seconds } from "./documents.ts";
import { formatFigures } from "./format.ts";
import type { Io } from "./main.ts";

const MARKER = ".vbm-demo";

/** Makes sure the demo only ever wipes a folder it made itself. */
async function prepareDir(dir: string): Promise<void> {
  let entries: string[] = [];
  try {
    if (!(await stat(dir)).isDirectory()) throw new UserError(`"${dir}" bestaat al en is geen map.`);
    entries = await readdir(dir);
  } catch (e) {
    if (e instanceof UserError) throw e;
  }
  if (entries.length > 0 && !entries.includes(MARKER))
    throw new UserError(
      `De map "${dir}" bevat al gegevens die niet van de demo zijn. Kies een lege map met --data-dir, bijv. --data-dir .vbm-demo.`,
    );
  await rm(dir, { recursive: true, force: true });
}

/** `vbm-monitor demo`: 16 fictional locations, 2023 Q1–Q3, everything through `deliver`. */
export async function runDemo(dataDirArg: string, io: Io): Promise<number> {
  const dir = resolve(dataDirArg);
  await prepareDir(dir);
  const runtime = createRuntime(localConfigFromEnv(io.env, dir));
  const started = performance.now();
  const demo = await generateDemo();
  await runtime.store.put(
    "config",
    "locations.json",
    new TextEncoder().encode(JSON.stringify(demo.locations, null, 2)),
  );
  await writeFile(
    join(dir, MARKER),
    "Deze map is gemaakt door 'vbm-monitor demo' en mag door de demo worden gewist.\n",
  );

  io.out(`Voorbeeldmonitor: ${demo.locations.length} fictieve locaties, 2023 Q1 t/m Q3.\n`);
  const occ = await deliverFile(runtime, {
    load: async () => demo.occupancy.bytes,
    key: occupancyKey(demo.occupancy.fileName),
  });
  io.out(
    `Bezetting: ${occ.status === "accepted" ? "geladen" : "AFGEWEZEN"} (${occ.entry.rows} ${occ.entry.rows === 1 ? "regel" : "regels"})`,
  );

  let rejectedReport: string | null = null;
  let unexpected = 0;
  for (const d of demo.deliveries) {
    const outcome = await deliverFile(runtime, {
      load: async () => d.bytes,
      key: deliveryKey(d.location, d.quarter, d.scope, d.fileName),
    });
    const r = outcome.report;
    const verdict =
      outcome.status === "accepted"
        ? r?.stats.zeroDelivery
          ? "nullevering ontvangen"
          : `geaccepteerd, ${outcome.entry.rows} rijen${outcome.entry.warnings ? `, ${outcome.entry.warnings} opmerking(en)` : ""}`
        : `AFGEWEZEN, ${outcome.entry.errors} fout(en)`;
    if (outcome.status !== d.expected) unexpected++;
    if (outcome.status === "rejected" && outcome.entry.quarantine_key)
      rejectedReport = join(
        runtime.places.quarantine,
        outcome.entry.quarantine_key.replace(/[^/]+$/, "report.json"),
      );
    io.out(
      `  ${d.location} ${d.quarter} ${d.scope.padEnd(9)} ${d.fileName.padEnd(22)} ${verdict}  [${d.note}]`,
    );
  }
  const delivered = new Set(demo.deliveries.map((d) => `${d.location}|${d.quarter}`));
  for (const l of demo.locations)
    for (const q of ["2023-Q1", "2023-Q2", "2023-Q3"])
      if (!delivered.has(`${l.code}|${q}`)) io.out(`  ${l.code} ${q} —         (geen bestand geleverd)`);

  const figures = await figuresFor(runtime, { from: "2023-Q1", to: "2023-Q3", location: null });
  io.out(`\n${formatFigures(figures)}\n`);

  // The documents: factsheets for the last quarter (mailed into the outbox, reminders for
  // locations without a delivery) and the national report over all three quarters.
  const deps = await documentDeps(runtime, true);
  let factsheets = 0;
  let reminders = 0;
  const documentsStarted = performance.now();
  try {
    // On a terminal a line per location as it is done; the summary below says the rest.
    const progress = factsheetProgress(io, "2023-Q3", deps.locations.length);
    for (const o of await makeFactsheets(deps, "2023-Q3", { send: true, onDone: progress.done })) {
      if (o.status === "sent") factsheets++;
      if (o.status === "reminded") reminders++;
    }
    if (io.terminal) io.err("Landelijke rapportage 2023-Q1 t/m 2023-Q3 maken…");
    await makeNationalReport(deps, "2023-Q1", "2023-Q3");
  } finally {
    await deps.engine.close();
  }
  io.out(
    `Factsheets 2023-Q3: ${factsheets} gemaakt en verstuurd, ${reminders} herinnering(en) voor een ontbrekende levering; met de landelijke rapportage in ${seconds(performance.now() - documentsStarted)}.`,
  );
  // One portal user per role (fictional, for the demo only; the passwords are printed below).
  const demoLocation = demo.locations[0]?.code ?? "AA";
  const demoUsers = [
    {
      email: "locatie@demo.example",
      role: "location" as const,
      location: demoLocation,
      password: "demo-locatie-2023",
    },
    {
      email: "netwerk@demo.example",
      role: "facilitator" as const,
      location: null,
      password: "demo-netwerk-2023",
    },
    { email: "igj@demo.example", role: "igj" as const, location: null, password: "demo-inspectie-2023" },
  ];
  const { addUser } = await import("../portal/users.ts");
  for (const u of demoUsers) await addUser(runtime.store, u);
  io.out(`Klaar in ${seconds(performance.now() - started)}. Waar alles staat:`);
  io.out(`  gegevens (Parquet, gepseudonimiseerd): ${runtime.places.curated}/measures`);
  io.out(`  leveringslogboek:                      ${runtime.places.curated}/delivery-log`);
  io.out(`  ontvangstbewijzen per locatie:         ${runtime.places.receipts}`);
  io.out(`  afgewezen bestanden met rapport:       ${runtime.places.quarantine}`);
  if (rejectedReport) io.out(`    bijvoorbeeld: ${rejectedReport}`);
  io.out(`  factsheets (PDF en HTML):               ${runtime.places.dataDir}/reports/factsheets/2023-Q3`);
  io.out(
    `  landelijke rapportage:                  ${runtime.places.dataDir}/reports/national/2023-Q1_2023-Q3.pdf`,
  );
  io.out(`  verstuurde e-mails (.eml):              ${runtime.places.dataDir}/outbox`);
  io.out(`  logboek van het programma:             ${runtime.places.logFile}`);
  io.out("\nHet webportaal: npx vbm-monitor serve  en open dan http://127.0.0.1:8080");
  for (const u of demoUsers)
    io.out(
      `  ${u.role === "location" ? `locatie ${u.location}` : u.role === "facilitator" ? "netwerkbegeleider" : "IGJ"}: ${u.email}  wachtwoord ${u.password}`,
    );
  io.out("\nProbeer ook:");
  io.out(
    `  npx vbm-monitor figures --from 2023-Q1 --to 2023-Q3 --location ${demo.locations[0]?.code ?? "AA"}`,
  );
  io.out("  npx vbm-monitor figures --quarter 2023-Q2 --json");
  io.out("  npx vbm-monitor report --from 2023-Q2 --to 2023-Q3");
  io.out("  npx vbm-monitor igj-export --half 2023-H1");
  if (unexpected > 0) {
    io.err(`vbm-monitor: ${unexpected} demolevering(en) kregen een andere uitkomst dan verwacht.`);
    return 1;
  }
  return 0;
}
