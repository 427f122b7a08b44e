import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import {
  deliveryKey,
  locationCode,
  occupancyKey,
  quarterId,
  scope as scopeSchema,
} from "../../schemas/delivery.ts";
import type { FiguresModel } from "../../schemas/figures.ts";
import { createRuntime, createRuntimeFromEnv, localConfigFromEnv, type Runtime } from "../compose.ts";
import { ConfigError } from "../config.ts";
import { defaultReadLimits, type ReadLimits } from "../core/read/types.ts";
import { validateDelivery } from "../core/validate/delivery.ts";
import { NoDataError, SystemError, UserError } from "../errors.ts";
import {
  COMMANDS,
  type CommandSpec,
  commandSpec,
  commandUsage,
  GLOBAL_OPTIONS,
  OPTION_EXAMPLES,
  OPTIONS,
  type OptionName,
  USAGE,
} from "./commands.ts";
import { formatFigures, formatReport } from "./format.ts";
import { rangeOptions } from "./range.ts";

/** The document commands load charts, PDF and AWS clients: only when one of them runs. */
const documents = () => import("./documents.ts");
/**
 * Delivering (Arrow, Parquet) and the figures (SQL) load only for the commands that use them,
 * so `validate` and `--help` start without them.
 */
const actions = () => import("./actions.ts");

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** stderr is a terminal: long runs may show their progress there, line by line. */
  terminal?: boolean;
}

type Args = {
  from?: string | undefined;
  periods?: string | undefined;
  "per-location"?: boolean | undefined;
  half?: string | undefined;
  send?: boolean | undefined;
  retry?: boolean | undefined;
  port?: string | undefined;
  host?: string | undefined;
  email?: string | undefined;
  role?: string | undefined;
  "password-stdin"?: boolean | undefined;
  location?: string | undefined;
  quarter?: string | undefined;
  to?: string | undefined;
  scope?: string | undefined;
  json?: boolean | undefined;
  "data-dir"?: string | undefined;
  help?: boolean | undefined;
};

function parse(argv: string[]): { command: string | undefined; positionals: string[]; values: Args } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
    const [command, ...rest] = positionals;
    return { command, positionals: rest, values };
  } catch (e) {
    // The command is the first word that is not an option (good enough for a message).
    const command = argv.find((a) => !a.startsWith("-"));
    if (argv.includes("--help") || argv.includes("-h"))
      return { command, positionals: [], values: { help: true } };
    throw new UserError(parseProblem(e as Error & { code?: string }, commandSpec(command)));
  }
}

/** Node's parser error (English) as one Dutch line. */
function parseProblem(e: Error & { code?: string }, spec: CommandSpec | undefined): string {
  const option = /'(-[^' ]+)/.exec(e.message)?.[1] ?? "";
  const help = spec ? `vbm-monitor ${spec.name} --help` : "vbm-monitor --help";
  if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION")
    return `Onbekende optie ${option}${spec ? ` bij ${spec.name}` : ""}. De opties staan in: ${help}.`;
  if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const name = option.replace(/^-+/, "") as OptionName;
    const example = OPTION_EXAMPLES[name];
    return OPTIONS[name]?.type === "string"
      ? `Bij ${option} hoort een waarde${example ? `, bijv. ${option} ${example}` : ""}.`
      : `${option} heeft geen waarde: schrijf alleen ${option}.`;
  }
  return `De opdrachtregel klopt niet. Zie ${help}.`;
}

/** Refuses an option the command does not use and an argument it does not expect: never ignored. */
function checkArguments(spec: CommandSpec, positionals: string[], values: Args): void {
  for (const [name, value] of Object.entries(values) as [OptionName, unknown][]) {
    if (value === undefined || GLOBAL_OPTIONS.includes(name) || spec.options.includes(name)) continue;
    throw new UserError(
      spec.refuse?.[name] ??
        `De optie --${name} hoort niet bij ${spec.name}. De opties staan in: vbm-monitor ${spec.name} --help.`,
    );
  }
  const stray = positionals[spec.positionals];
  if (stray !== undefined)
    throw new UserError(
      `Onverwacht argument "${stray}" bij ${spec.name}${spec.positionals === 0 ? "" : ` (er hoort ${spec.positionals === 1 ? "één" : spec.positionals} bij)`}. Zie vbm-monitor ${spec.name} --help.`,
    );
}

function need<T>(value: T | undefined, option: string, example: string): T {
  if (value === undefined || value === "")
    throw new UserError(`De optie --${option} ontbreekt, bijv. --${option} ${example}.`);
  return value;
}

function deliveryOptions(values: Args) {
  const location = need(values.location, "location", "AB").toUpperCase();
  if (!locationCode.safeParse(location).success)
    throw new UserError(
      `"${values.location}" is geen locatiecode: gebruik twee letters, bijv. --location AB.`,
    );
  const quarter = need(values.quarter, "quarter", "2023-Q1").toUpperCase();
  if (!quarterId.safeParse(quarter).success)
    throw new UserError(`"${values.quarter}" is geen kwartaal: schrijf JJJJ-Qn, bijv. --quarter 2023-Q1.`);
  const s = scopeSchema.safeParse(values.scope ?? "all");
  if (!s.success)
    throw new UserError(
      `"${values.scope}" is geen leveringsomvang: gebruik --scope all (alle typen) of --scope seclusion (alleen afzonderen).`,
    );
  return { location, quarter, scope: s.data };
}

/** Checks the input file exists; `load` reads it (as a view on Node's buffer, no copy). */
async function inputFile(
  path: string | undefined,
): Promise<{ fileName: string; load: () => Promise<Uint8Array> }> {
  if (!path)
    throw new UserError(
      "Geef het bestand op, bijv. vbm-monitor validate export.csv --location AB --quarter 2023-Q1.",
    );
  const unreadable = (e: unknown) =>
    new UserError(`Het bestand "${path}" is niet te openen. Controleer de naam en de map.`, { cause: e });
  try {
    if (!(await stat(path)).isFile()) throw new UserError(`"${path}" is geen bestand.`);
  } catch (e) {
    throw e instanceof UserError ? e : unreadable(e);
  }
  const load = async () => {
    try {
      const buf = await readFile(path);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      throw unreadable(e);
    }
  };
  return { fileName: basename(path), load };
}

/** Read limits; the file size limit can be set with VBM_MAX_FILE_MB (default 50). */
export function readLimits(io: Io): ReadLimits {
  const raw = io.env.VBM_MAX_FILE_MB;
  if (raw === undefined || raw === "") return defaultReadLimits;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb <= 0)
    throw new UserError(
      `VBM_MAX_FILE_MB="${raw}" is geen geldig aantal megabytes; gebruik bijv. VBM_MAX_FILE_MB=50.`,
    );
  return { ...defaultReadLimits, maxBytes: Math.round(mb * 1024 * 1024) };
}

/** The runtime for commands that work in both modes (VBM_MODE=aws selects AWS). */
function runtimeFor(values: Args, io: Io): Promise<Runtime> {
  if (io.env.VBM_MODE === "aws") return createRuntimeFromEnv(io.env);
  return Promise.resolve(createRuntime(localConfigFromEnv(io.env, dataDir(values, io))));
}

function dataDir(values: Args, io: Io): string {
  return values["data-dir"] ?? io.env.VBM_DATA_DIR ?? ".vbm";
}

/**
 * The runtime for commands that only read (figures and documents): locally the data dir must
 * exist, so a mistyped --data-dir is named instead of giving empty figures.
 */
function readRuntimeFor(values: Args, io: Io): Promise<Runtime> {
  if (io.env.VBM_MODE !== "aws") {
    const dir = dataDir(values, io);
    if (!existsSync(dir))
      throw new UserError(
        `De gegevensmap "${dir}" bestaat niet. Controleer --data-dir (of VBM_DATA_DIR); zonder die optie is het ./.vbm.`,
      );
  }
  return runtimeFor(values, io);
}

async function commandValidate(positionals: string[], values: Args, io: Io): Promise<number> {
  const opts = deliveryOptions(values);
  const { fileName, load } = await inputFile(positionals[0]);
  const { report } = await validateDelivery(await load(), { ...opts, fileName, limits: readLimits(io) });
  io.out(values.json ? JSON.stringify(report, null, 2) : formatReport(report, "check"));
  return report.valid ? 0 : 1;
}

async function commandDeliver(positionals: string[], values: Args, io: Io): Promise<number> {
  const opts = deliveryOptions(values);
  const { fileName, load } = await inputFile(positionals[0]);
  const runtime = createRuntime({ mode: "local", dataDir: dataDir(values, io) });
  const { deliverFile } = await actions();
  const { requireConfiguredLocation } = await import("./checks.ts");
  // Checked here, before the drop zone is touched: the ingest would refuse the code too, but
  // only after storing the file (and its receipt and quarantine) under that code.
  await requireConfiguredLocation(runtime, opts.location);
  const outcome = await deliverFile(runtime, {
    load,
    key: deliveryKey(opts.location, opts.quarter, opts.scope, fileName),
    limits: readLimits(io),
  });
  if (values.json) io.out(JSON.stringify(outcome, null, 2));
  else if (outcome.report) {
    io.out(formatReport(outcome.report));
    if (outcome.status === "accepted" && outcome.current === false) {
      const receipt = await runtime.store.get("receipts", outcome.entry.report_key);
      const later = receipt
        ? (JSON.parse(new TextDecoder().decode(receipt.body)).supersededBy as string | null)
        : null;
      io.out(
        `\nLet op: voor ${opts.location} ${opts.quarter} is daarna al een ander bestand aangeleverd${later ? ` (${later})` : ""}. Dat latere bestand telt, niet dit.`,
      );
    }
    io.out(`\nUw ontvangstbewijs: ${runtime.places.receipts}/${outcome.entry.report_key}`);
    if (outcome.entry.quarantine_key)
      io.out(
        `Het bestand is bewaard (niet verwerkt) in: ${runtime.places.quarantine}/${outcome.entry.quarantine_key}`,
      );
  }
  return outcome.status === "rejected" ? 1 : 0;
}

async function commandOccupancy(positionals: string[], values: Args, io: Io): Promise<number> {
  const { fileName, load } = await inputFile(positionals[0]);
  const runtime = createRuntime({ mode: "local", dataDir: dataDir(values, io) });
  const { deliverFile } = await actions();
  const outcome = await deliverFile(runtime, { load, key: occupancyKey(fileName), limits: readLimits(io) });
  const report = outcome.report;
  if (values.json) io.out(JSON.stringify(outcome, null, 2));
  else if (report) {
    io.out(
      report.valid
        ? `Bezetting geladen: ${report.stats.rows} ${report.stats.rows === 1 ? "regel" : "regels"} (locatie × maand).`
        : formatReport(report).replace(/^Afgewezen[^:]*:/, "Bezetting afgewezen:"),
    );
  }
  return outcome.status === "rejected" ? 1 : 0;
}

async function commandFigures(values: Args, io: Io): Promise<number> {
  const { from, to } = rangeOptions(values);
  const location = values.location ? values.location.toUpperCase() : null;
  if (location && !locationCode.safeParse(location).success)
    throw new UserError(
      `"${values.location}" is geen locatiecode: gebruik twee letters, bijv. --location AB.`,
    );
  // In AWS mode (VBM_MODE=aws) the figures come from Athena, never from a local folder.
  const runtime = await readRuntimeFor(values, io);
  const { figuresFor } = await actions();
  const { requireDelivered, requireKnownLocation } = await import("./checks.ts");
  if (location) await requireKnownLocation(runtime, location);
  const model = await figuresFor(runtime, { from, to, location });
  requireDelivered(model);
  if (values.json) io.out(JSON.stringify(model, null, 2));
  else io.out(formatFigures(model, { rejected: await rejectedCells(runtime, model) }));
  return 0;
}

function unknownCommand(command: string): UserError {
  return new UserError(
    `Onbekende opdracht "${command}". De opdrachten zijn: ${COMMANDS.map((c) => c.name).join(", ")}. Uitleg: vbm-monitor --help.`,
  );
}

/**
 * The cells of the figures without an accepted delivery whose latest attempt was rejected, from
 * the delivery log (the same matrix as `deliveries`); only read when something is missing.
 */
async function rejectedCells(runtime: Runtime, model: FiguresModel): Promise<Set<string>> {
  if (!model.deliveries.some((d) => d.status === "missing")) return new Set();
  const { DEFAULT_DEADLINE_DAYS, loadDeliveryMatrix } = await import("../core/delivery-matrix.ts");
  const matrix = await loadDeliveryMatrix(runtime.store, {
    from: model.from,
    to: model.to,
    locations: await runtime.loadLocations(),
    deadlineDays: DEFAULT_DEADLINE_DAYS,
    now: runtime.ports.clock.now(),
  });
  return new Set(
    matrix.rows.flatMap((r) =>
      r.cells.filter((c) => c.status === "afgewezen").map((c) => `${c.location} ${c.quarter}`),
    ),
  );
}

/** Runs the CLI. Never throws: user mistakes become one Dutch line and exit code 2. */
export async function run(argv: string[], io: Io): Promise<number> {
  try {
    const { command, positionals, values } = parse(argv);
    if (values.help || command === "help" || command === undefined) {
      const about = command === "help" ? positionals[0] : command;
      const spec = commandSpec(about);
      if (about !== undefined && !spec) throw unknownCommand(about);
      io.out(spec ? commandUsage(spec) : USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    const spec = commandSpec(command);
    if (!spec) throw unknownCommand(command);
    checkArguments(spec, positionals, values);
    switch (command) {
      case "validate":
        return await commandValidate(positionals, values, io);
      case "deliver":
        return await commandDeliver(positionals, values, io);
      case "occupancy":
        return await commandOccupancy(positionals, values, io);
      case "figures":
        return await commandFigures(values, io);
      case "deliveries":
        return await (await import("./deliveries.ts")).commandDeliveries(
          await runtimeFor(values, io),
          values,
          io,
        );
      case "factsheet":
      case "factsheets":
        return await (await documents()).commandFactsheet(
          await readRuntimeFor(values, io),
          values,
          io,
          command === "factsheets",
        );
      case "report":
        return await (await documents()).commandReport(await readRuntimeFor(values, io), values, io);
      case "trend":
        return await (await import("./trend.ts")).commandTrend(await readRuntimeFor(values, io), values, io);
      case "igj-export":
        return await (await documents()).commandIgjExport(await readRuntimeFor(values, io), values, io);
      case "serve":
        return await (await import("./portal.ts")).commandServe(dataDir(values, io), values, io);
      case "users":
        return await (await import("./portal.ts")).commandUsers(dataDir(values, io), positionals, values, io);
      case "mail":
        return await (await import("./mail.ts")).commandMail(await runtimeFor(values, io), values, io);
      case "demo":
        return await (await import("./demo.ts")).runDemo(dataDir(values, io), io);
      default:
        throw unknownCommand(command);
    }
  } catch (e) {
    if (e instanceof ConfigError && (e.dutch || e.variables.length === 0)) {
      io.err(
        `vbm-monitor: ${e.dutch ?? "VBM_MODE=aws werkt met AWS (S3, Athena), maar de instellingen kloppen niet."} Er is niets veranderd.`,
      );
      return 2;
    }
    if (e instanceof ConfigError) {
      io.err(
        `vbm-monitor: VBM_MODE=aws werkt met AWS (S3, Athena), maar deze instellingen ontbreken of kloppen niet: ${[...new Set(e.variables)].join(", ")}. Zet ze (zie de README, onder Deploy) of laat VBM_MODE weg om met de lokale gegevensmap te werken. Er is niets gelezen of veranderd.`,
      );
      return 2;
    }
    if (e instanceof NoDataError) {
      io.err(`vbm-monitor: ${e.message}`);
      return 1;
    }
    if (e instanceof UserError || e instanceof SystemError) {
      io.err(`vbm-monitor: ${e.message}`);
      return 2;
    }
    io.err(
      `vbm-monitor: er ging iets onverwachts mis: ${(e as Error)?.message ?? String(e)}. Er is niets half opgeslagen; probeer het opnieuw of meld dit bij de beheerder${io.env.VBM_DEBUG ? "" : " (met VBM_DEBUG=1 ziet u technische details)"}.`,
    );
    if (io.env.VBM_DEBUG) io.err(String((e as Error)?.stack ?? e));
    return 2;
  }
}
