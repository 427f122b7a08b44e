import { locationCode, quarterId } from "../../schemas/delivery.ts";
import type { LocationConfig } from "../../schemas/locations.ts";
import type { Runtime } from "../compose.ts";
import {
  type DocumentDeps,
  type FactsheetOutcome,
  makeFactsheet,
  makeFactsheets,
  makeIgjExport,
  makeNationalReport,
} from "../core/documents.ts";
import { parsePeriods } from "../core/trend.ts";
import { NoDataError, UserError } from "../errors.ts";
import { locationsConfigPlace, loggedLocations, requireKnownLocation } from "./checks.ts";
import type { Io } from "./main.ts";
import { rangeOptions } from "./range.ts";

/** The document commands: factsheet, factsheets, report and igj-export. */

export interface DocumentArgs {
  location?: string | undefined;
  quarter?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  half?: string | undefined;
  send?: boolean | undefined;
  json?: boolean | undefined;
  /** `report --periods A..B,C..D,…`: the periods of "Verloop in de tijd", as `trend --periods`. */
  periods?: string | undefined;
}

function quarterArg(value: string | undefined, option: string): string {
  const q = (value ?? "").toUpperCase();
  if (!quarterId.safeParse(q).success)
    throw new UserError(
      value
        ? `"${value}" is geen kwartaal: schrijf JJJJ-Qn, bijv. 2023-Q1.`
        : `De optie --${option} ontbreekt, bijv. --${option} 2023-Q1.`,
    );
  return q;
}

/**
 * The locations the documents are for: the locations config, or — without one — the locations
 * of the delivery log, with a note that names the missing config. Sending needs the config (it
 * holds the e-mail addresses): without it, refused.
 */
async function documentLocations(runtime: Runtime, send: boolean, io: Io): Promise<LocationConfig[]> {
  const config = await runtime.loadLocations();
  if (config.length > 0) return config;
  const place = locationsConfigPlace(runtime);
  if (send)
    throw new UserError(
      `Er is geen lijst van locaties (${place}). Daarin staan de e-mailadressen; zonder die lijst kan er niets worden verstuurd. Maak de lijst (zie de README) en probeer het opnieuw. Er is niets verstuurd.`,
    );
  const codes = await loggedLocations(runtime);
  if (codes.length === 0)
    throw new NoDataError(
      `Er is geen lijst van locaties (${place}) en er is nog nooit een bestand geleverd: er is niets om te maken.`,
    );
  io.err(
    `Let op: er is geen lijst van locaties (${place}). De locaties komen daarom uit het leveringslogboek: ${codes.join(", ")}. Een locatie die nog nooit iets leverde, ontbreekt zo.`,
  );
  return codes.map((code) => ({ code, name: code, emails: [] }));
}

/** Everything the document functions need, from the runtime (whatever its mode). */
export async function documentDeps(
  runtime: Runtime,
  withMailer: boolean,
  locations?: readonly LocationConfig[],
): Promise<DocumentDeps> {
  return {
    engine: await runtime.openQueryEngine(),
    store: runtime.store,
    clock: runtime.ports.clock,
    logger: runtime.ports.logger,
    locations: locations ?? (await runtime.loadLocations()),
    ...(withMailer ? { mailer: await runtime.mailer() } : {}),
    portalUrl: runtime.portalUrl,
  };
}

const statusText: Record<FactsheetOutcome["status"], string> = {
  created: "gemaakt",
  sent: "gemaakt en verstuurd",
  "resent-corrected": "gemaakt en opnieuw verstuurd als gecorrigeerde factsheet (de cijfers zijn veranderd)",
  "already-sent": "gemaakt; was al verstuurd, niet opnieuw verstuurd",
  reminded: "geen levering: herinnering verstuurd",
  "already-reminded": "geen levering: herinnering was al verstuurd",
  "no-delivery": "geen geaccepteerde levering: geen factsheet",
  "no-recipients": "geen e-mailadres bekend in de lijst van locaties: niets verstuurd",
};

/** A duration in seconds, Dutch: `12,3 s`. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1).replace(".", ",")} s`;

/**
 * Progress of a run of factsheets on stderr: on a terminal a line when the run starts and one
 * per location as soon as it is done; elsewhere (a log, a pipe) only the closing line, so a log
 * gets one line per run.
 */
export function factsheetProgress(io: Io, quarter: string, total: number) {
  const started = performance.now();
  let done = 0;
  if (io.terminal)
    io.err(`Factsheets ${quarter} maken voor ${total} ${total === 1 ? "locatie" : "locaties"}…`);
  return {
    done(o: FactsheetOutcome) {
      done++;
      if (io.terminal) io.err(`  ${done}/${total} ${o.location}: ${statusText[o.status]}`);
    },
    end(outcomes: readonly FactsheetOutcome[]) {
      const made = outcomes.filter((o) => o.pdfKey !== null).length;
      io.err(
        `Factsheets ${quarter}: ${made} ${made === 1 ? "factsheet" : "factsheets"} voor ${total} ${total === 1 ? "locatie" : "locaties"} in ${seconds(performance.now() - started)}.`,
      );
    },
  };
}

function describe(runtime: Runtime, o: FactsheetOutcome): string {
  const where = o.pdfKey ? ` → ${runtime.places.dataDir}/reports/${o.pdfKey}` : "";
  return `${o.location} ${o.quarter}: ${statusText[o.status]}${runtime.mode === "local" ? where : ""}`;
}

export async function commandFactsheet(
  runtime: Runtime,
  args: DocumentArgs,
  io: Io,
  all: boolean,
): Promise<number> {
  const quarter = quarterArg(args.quarter, "quarter");
  const code = (args.location ?? "").toUpperCase();
  if (!all) {
    if (!locationCode.safeParse(code).success)
      throw new UserError("Geef de locatie op met --location, bijv. --location AB.");
    await requireKnownLocation(runtime, code);
  }
  const locations = all ? await documentLocations(runtime, args.send === true, io) : undefined;
  const deps = await documentDeps(runtime, args.send === true, locations);
  try {
    let outcomes: FactsheetOutcome[];
    if (all) {
      const progress = factsheetProgress(io, quarter, deps.locations.length);
      outcomes = await makeFactsheets(deps, quarter, { send: args.send === true, onDone: progress.done });
      if (outcomes.every((o) => o.status === "no-delivery"))
        throw new NoDataError(
          `Over ${quarter} is er van geen enkele locatie een levering geaccepteerd; er zijn geen factsheets gemaakt.`,
        );
      progress.end(outcomes);
    } else {
      const location = deps.locations.find((l) => l.code === code) ?? { code, name: code, emails: [] };
      if (args.send && location.emails.length === 0)
        throw new UserError(`Voor locatie ${code} staan geen e-mailadressen in de lijst van locaties.`);
      outcomes = [await makeFactsheet(deps, location, quarter, { send: args.send === true })];
      if (outcomes[0]?.status === "no-delivery")
        throw new NoDataError(
          `Locatie ${code} heeft over ${quarter} geen geaccepteerde levering; er is geen factsheet gemaakt.`,
        );
    }
    io.out(
      args.json ? JSON.stringify(outcomes, null, 2) : outcomes.map((o) => describe(runtime, o)).join("\n"),
    );
    if (runtime.mode === "local" && args.send)
      io.out(`De e-mails staan ook in ${runtime.places.dataDir}/outbox.`);
    return 0;
  } finally {
    await deps.engine.close();
  }
}

export async function commandReport(runtime: Runtime, args: DocumentArgs, io: Io): Promise<number> {
  const { from, to } = rangeOptions(args);
  // Checked here, in Dutch, also when the AWS function makes the report (it checks them again).
  const periods = args.periods === undefined ? undefined : parsePeriods(args.periods, { from, to });
  if (runtime.mode === "aws" && io.env.VBM_REPORT_FUNCTION) {
    // In AWS the report function does the work; the facilitator only triggers it. (The Lambda
    // client loads only here: the local commands do not need it.)
    const { InvokeCommand, LambdaClient } = await import("@aws-sdk/client-lambda");
    const client = new LambdaClient({});
    const res = await client.send(
      new InvokeCommand({
        FunctionName: io.env.VBM_REPORT_FUNCTION,
        Payload: new TextEncoder().encode(
          JSON.stringify({ from, to, ...(args.periods === undefined ? {} : { periods: args.periods }) }),
        ),
      }),
    );
    if (res.FunctionError) throw new Error(`de rapportagefunctie gaf een fout: ${res.FunctionError}`);
    io.out(`Landelijke rapportage ${from} t/m ${to} wordt gemaakt door ${io.env.VBM_REPORT_FUNCTION}.`);
    return 0;
  }
  const deps = await documentDeps(runtime, false);
  try {
    if (io.terminal) io.err(`Landelijke rapportage ${from} t/m ${to} maken…`);
    const { key } = await makeNationalReport(deps, from, to, periods ? { periods } : {});
    io.out(`Landelijke rapportage ${from} t/m ${to}: ${runtime.places.dataDir}/reports/${key}`);
    return 0;
  } finally {
    await deps.engine.close();
  }
}

export async function commandIgjExport(runtime: Runtime, args: DocumentArgs, io: Io): Promise<number> {
  const half = (args.half ?? "").toUpperCase();
  if (!/^\d{4}-H[12]$/.test(half))
    throw new UserError(
      "Geef het halfjaar op met --half, bijv. --half 2024-H1 (januari t/m juni) of 2024-H2.",
    );
  const deps = await documentDeps(runtime, false, await documentLocations(runtime, false, io));
  try {
    // The key versions come from the deliveries in the half year: the export never reads the key.
    const { keys } = await makeIgjExport(deps, half, []);
    io.out(`IGJ-aanlevering ${half}:`);
    for (const k of keys) io.out(`  ${runtime.places.dataDir}/reports/${k}`);
    return 0;
  } finally {
    await deps.engine.close();
  }
}
