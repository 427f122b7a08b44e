/**
 * The commands of the CLI and the options each one takes: the single source of the usage text,
 * of `<command> --help`, of the check that refuses an option a command does not use, and of the
 * README check (test/unit/docs.test.ts). No imports, so `--help` starts without loading anything.
 */

/** Every option the CLI parses, with its type (for node:util parseArgs). */
export const OPTIONS = {
  location: { type: "string" },
  quarter: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  scope: { type: "string" },
  periods: { type: "string" },
  "per-location": { type: "boolean" },
  half: { type: "string" },
  send: { type: "boolean" },
  retry: { type: "boolean" },
  port: { type: "string" },
  host: { type: "string" },
  email: { type: "string" },
  role: { type: "string" },
  "password-stdin": { type: "boolean" },
  json: { type: "boolean" },
  "data-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export type OptionName = keyof typeof OPTIONS;

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionName[] = ["data-dir", "help"];

/** An example value per string option, for messages ("bij --location hoort een waarde, bijv. …"). */
export const OPTION_EXAMPLES: Partial<Record<OptionName, string>> = {
  location: "AB",
  quarter: "2023-Q1",
  from: "2023-Q1",
  to: "2023-Q3",
  scope: "all",
  periods: "2019-10..2020-03,2020-09..2021-08",
  half: "2024-H1",
  port: "8080",
  host: "127.0.0.1",
  email: "registratie@locatie.nl",
  role: "location",
  "data-dir": ".vbm",
};

export interface CommandSpec {
  name: string;
  /** The usage lines (without "vbm-monitor "). */
  synopsis: readonly string[];
  /** What it does, in Dutch (one or two lines). */
  description: readonly string[];
  /** The options it takes, besides the global ones. */
  options: readonly OptionName[];
  /** The most positional arguments (a file, or the users action) it takes. */
  positionals: number;
  /** A friendlier word for an option it does not take, when one is expected by mistake. */
  refuse?: Partial<Record<OptionName, string>>;
}

/** The range of quarters, the same in figures, deliveries and report. */
const RANGE = "--from JJJJ-Qn --to JJJJ-Qn | --quarter JJJJ-Qn";

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "validate",
    synopsis: ["validate <bestand> --location XX --quarter JJJJ-Qn [--scope all|seclusion] [--json]"],
    description: ["Controleer een bestand vóór het leveren. Er wordt niets opgeslagen."],
    options: ["location", "quarter", "scope", "json"],
    positionals: 1,
  },
  {
    name: "deliver",
    synopsis: ["deliver <bestand> --location XX --quarter JJJJ-Qn [--scope all|seclusion] [--json]"],
    description: ["Lever een kwartaalbestand: controleren, pseudonimiseren en opslaan."],
    options: ["location", "quarter", "scope", "json"],
    positionals: 1,
  },
  {
    name: "occupancy",
    synopsis: ["occupancy <bestand> [--json]"],
    description: ["Laad gemiddelde bezetting (Locatie;Maand;Gemiddelde bezetting)."],
    options: ["json"],
    positionals: 1,
  },
  {
    name: "figures",
    synopsis: [`figures ${RANGE} [--location XX] [--json]`],
    description: ["Cijfers voor één kwartaal of een reeks kwartalen, landelijk of per locatie."],
    options: ["from", "to", "quarter", "location", "json"],
    positionals: 0,
  },
  {
    name: "deliveries",
    synopsis: [`deliveries ${RANGE} [--json]`],
    description: ["Wie heeft wat geleverd: per locatie en kwartaal de status (ook: te laat, afgewezen)."],
    options: ["from", "to", "quarter", "json"],
    positionals: 0,
  },
  {
    name: "factsheet",
    synopsis: ["factsheet --location XX --quarter JJJJ-Qn [--send] [--json]"],
    description: ["Maak de factsheet van één locatie (PDF); met --send ook per e-mail versturen."],
    options: ["location", "quarter", "send", "json"],
    positionals: 0,
  },
  {
    name: "factsheets",
    synopsis: ["factsheets --quarter JJJJ-Qn [--send] [--json]"],
    description: [
      "Factsheets voor alle locaties; locaties zonder levering krijgen met --send een herinnering.",
    ],
    options: ["quarter", "send", "json"],
    positionals: 0,
    refuse: {
      location:
        "factsheets maakt de factsheets van alle locaties; voor één locatie: vbm-monitor factsheet --location XX --quarter JJJJ-Qn.",
    },
  },
  {
    name: "report",
    synopsis: [`report ${RANGE} [--periods JJJJ-MM..JJJJ-MM,JJJJ-MM..JJJJ-MM[,…]]`],
    description: [
      "Landelijke rapportage over een reeks kwartalen (met onthullingscontrole).",
      "--periods: de perioden van 'Verloop in de tijd', zoals bij trend (de eerste is de referentie);",
      "zonder --periods één periode per kwartaal.",
    ],
    options: ["from", "to", "quarter", "periods"],
    positionals: 0,
    refuse: {
      location:
        "De landelijke rapportage gaat over alle locaties: --location kan hier niet. Voor één locatie: vbm-monitor factsheet --location XX --quarter JJJJ-Qn.",
    },
  },
  {
    name: "trend",
    synopsis: [
      "trend --from JJJJ-Qn --to JJJJ-Qn --periods JJJJ-MM..JJJJ-MM,JJJJ-MM..JJJJ-MM[,…] [--per-location] [--json]",
    ],
    description: [
      "Trendanalyse van gedwongen afzonderen over perioden (de eerste is de referentie),",
      "gecorrigeerd voor bezetting en locatie; ook met historische leveringen vanaf 2019-Q4.",
      "--per-location: ook per locatie en periode (alleen voor de netwerkbegeleider; <5 en x).",
    ],
    options: ["from", "to", "periods", "per-location", "json"],
    positionals: 0,
    refuse: {
      location:
        "De trendanalyse is landelijk (met de locatie als factor): --location kan hier niet. Laat --location weg.",
    },
  },
  {
    name: "igj-export",
    synopsis: ["igj-export --half JJJJ-H1|H2"],
    description: ["Halfjaarlijkse aanlevering voor de IGJ: CSV-bestanden met een manifest."],
    options: ["half"],
    positionals: 0,
  },
  {
    name: "serve",
    synopsis: ["serve [--port 8080] [--host 127.0.0.1]"],
    description: ["Start het webportaal op deze computer (aanleveren, overzicht, IGJ)."],
    options: ["port", "host"],
    positionals: 0,
  },
  {
    name: "users",
    synopsis: [
      "users add --email E --role location|facilitator|igj [--location XX] --password-stdin",
      "users list | users remove --email E",
    ],
    description: ["Gebruikers van het portaal beheren (wachtwoord via de standaardinvoer)."],
    options: ["email", "role", "location", "password-stdin"],
    positionals: 1,
  },
  {
    name: "mail",
    synopsis: ["mail [--retry] [--json]"],
    description: [
      "Bevestigingsmails van leveringen die (nog) niet verstuurd zijn; met --retry opnieuw versturen.",
    ],
    options: ["retry", "json"],
    positionals: 0,
  },
  {
    name: "demo",
    synopsis: ["demo"],
    description: ["Maak een voorbeeldmonitor met 16 fictieve locaties (2023 Q1–Q3)."],
    options: [],
    positionals: 0,
  },
];

export function commandSpec(name: string | undefined): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

const FOOTER = `Algemene opties: --data-dir MAP (standaard ./.vbm of VBM_DATA_DIR), --help (uitleg bij een opdracht).
Exitcodes: 0 goed/geaccepteerd, 1 afgekeurd of geen gegevens om te tonen, 2 gebruiksfout of systeemfout.`;

function block(c: CommandSpec): string {
  return [...c.synopsis.map((s) => `  ${s}`), ...c.description.map((d) => `      ${d}`)].join("\n");
}

/** The usage text of all commands. */
export const USAGE = `Gebruik: vbm-monitor <opdracht> [opties]

Opdrachten:
${COMMANDS.map(block).join("\n")}

${FOOTER}
Meer over één opdracht: vbm-monitor <opdracht> --help.`;

/** The usage text of one command (`vbm-monitor <command> --help`). */
export function commandUsage(c: CommandSpec): string {
  const range = c.options.includes("from") && c.options.includes("quarter");
  return `Gebruik: vbm-monitor ${c.synopsis[0]}${c.synopsis
    .slice(1)
    .map((s) => `\n        vbm-monitor ${s}`)
    .join("")}

${c.description.join("\n")}${
  range ? "\nEen reeks kwartalen: --from en --to (beide tellen mee); één kwartaal: --quarter JJJJ-Qn." : ""
}

${FOOTER}`;
}
