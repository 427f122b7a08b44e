import type { ValidationReport } from "../../schemas/report.ts";
import { verdictText } from "../core/receipt.ts";

/**
 * A validation report as plain Dutch text (terminal, e-mail). `check`: the report of `validate`,
 * a check before delivering (see {@link verdictText}).
 */
export function formatReport(report: ValidationReport, mode: "delivery" | "check" = "delivery"): string {
  const lines: string[] = [];
  lines.push(verdictText(report, mode));
  const f = report.file;
  // Only what was recognised: no "?" for an encoding or delimiter that could not be read.
  const kind =
    f.format === "csv"
      ? ["csv", f.encoding, f.delimiter ? `scheidingsteken "${f.delimiter}"` : null]
      : f.format === "xlsx"
        ? ["xlsx"]
        : ["geen CSV of Excel"];
  const rows = report.stats.rows;
  lines.push(
    `Bestand: ${f.name} (${kind.filter(Boolean).join(", ")}), ${rows} ${rows === 1 ? "rij" : "rijen"} gelezen${report.codebookVersion ? `, gecontroleerd met codeboek ${report.codebookVersion}` : ""}.`,
  );
  if (report.summary.length > 0) {
    lines.push("");
    lines.push("Samenvatting:");
    for (const s of report.summary)
      lines.push(
        `  ${s.severity === "error" ? "FOUT     " : "OPMERKING"} ${s.title}: ${s.count}× (${s.code})`,
      );
    lines.push("");
    lines.push("Details:");
    for (const x of report.findings) {
      const where = [x.row ? `rij ${x.row}` : null, x.column ? `kolom "${x.column}"` : null]
        .filter(Boolean)
        .join(", ");
      lines.push(
        `  - ${x.severity === "error" ? "FOUT" : "opmerking"}${where ? ` (${where})` : ""}: ${x.message}`,
      );
    }
    if (report.truncated)
      lines.push(
        `  … per soort fout tonen we de eerste ${report.examplesPerCode}; de aantallen in de samenvatting zijn volledig.`,
      );
  }
  return lines.join("\n");
}
