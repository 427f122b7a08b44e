import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
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

  it("shows the two quick-start commands", () => {
    expect(readme).toContain("npm ci && npm run demo");
    expect(readme).toContain("npm test");
  });
});
