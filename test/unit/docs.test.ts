import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMMANDS, GLOBAL_OPTIONS, OPTIONS, USAGE } from "../../functions/cli/commands.ts";
import { TREND_MODELS } from "../../functions/core/trend.ts";
import { deliveryLogEntry, measureColumns, occupancyColumns } from "../../schemas/curated.ts";
import { figuresModel } from "../../schemas/figures.ts";
import { findingCodes } from "../../schemas/report.ts";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("README stays in step with the contracts", () => {
  it("documents every curated column, log field, figures field and finding code", () => {
    for (const c of [...measureColumns, ...occupancyColumns]) expect(readme).toContain(`\`${c.name}\``);
    for (const f of Object.keys(deliveryLogEntry.shape)) expect(readme).toContain(`\`${f}\``);
    for (const f of Object.keys(figuresModel.shape)) expect(readme).toContain(`\`${f}\``);
    for (const code of findingCodes) expect(readme).toContain(`\`${code}\``);
  });

  it("documents the trend command and every trend model", () => {
    expect(readme).toContain("| `trend --from YYYY-Qn --to YYYY-Qn --periods");
    for (const m of TREND_MODELS) expect(readme).toContain(`\`${m.id}\``);
  });

  it("lists every CLI command in its table, and only those, with every option it takes", () => {
    const section = readme.slice(
      readme.indexOf("## CLI"),
      readme.indexOf("\n## ", readme.indexOf("## CLI") + 1),
    );
    const rows = section
      .split("\n")
      .filter((l) => l.startsWith("| `"))
      .map((l) => ({ name: l.slice(3).split(/[\s`]/)[0] ?? "", cell: l.split(" | ")[0] ?? "" }));
    expect([...new Set(rows.map((r) => r.name))].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    for (const c of COMMANDS) {
      const cells = rows
        .filter((r) => r.name === c.name)
        .map((r) => r.cell)
        .join(" ");
      for (const o of c.options) expect(cells, `${c.name} --${o}`).toContain(`--${o}`);
    }
    for (const o of GLOBAL_OPTIONS) expect(section).toContain(`--${o}`);
    // Every option the parser accepts belongs to a command or is global.
    const used = new Set([...GLOBAL_OPTIONS, ...COMMANDS.flatMap((c) => c.options)]);
    expect(Object.keys(OPTIONS).filter((o) => !used.has(o as keyof typeof OPTIONS))).toEqual([]);
  });

  it("the usage text names every command with every option it takes", () => {
    for (const c of COMMANDS) {
      expect(USAGE).toContain(`  ${c.name}`);
      for (const o of c.options) expect(c.synopsis.join(" "), `${c.name} --${o}`).toContain(`--${o}`);
    }
  });

  it("shows the two quick-start commands", () => {
    expect(readme).toContain("npm ci && npm run demo");
    expect(readme).toContain("npm test");
  });
});
