import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { deliverFile } from "../../../functions/cli/actions.ts";
import { createRuntime } from "../../../functions/compose.ts";
import { createSendFactsheetsHandler } from "../../../functions/handlers/documents.ts";
import type { Logger } from "../../../functions/ports.ts";
import { deliveryKey } from "../../../schemas/delivery.ts";
import { csvBytes, tempDir } from "../../helpers.ts";

let cleanup = () => {};
afterEach(() => cleanup());
const context = {} as Context;
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** AB delivered 2023-Q1, CD did not. */
async function setup() {
  const t = tempDir("vbm-send-factsheets-");
  cleanup = t.cleanup;
  const runtime = createRuntime({ mode: "local", dataDir: t.dir }, { logger: quiet });
  await runtime.store.put(
    "config",
    "locations.json",
    new TextEncoder().encode(
      JSON.stringify([
        { code: "AB", name: "De Eik", emails: ["registratie@eik.example"] },
        { code: "CD", name: "De Linde", emails: ["registratie@linde.example"] },
      ]),
    ),
  );
  await deliverFile(runtime, {
    key: deliveryKey("AB", "2023-Q1", "all", "a.csv"),
    load: async () => csvBytes([["AB0001", "10.01.2023", "14:00", "10.01.2023", "14:30", "", "3", "1"]]),
  });
  const outbox = () => {
    try {
      return readdirSync(join(t.dir, "outbox")).filter((f) => f.endsWith(".eml"));
    } catch {
      return [];
    }
  };
  return { handler: createSendFactsheetsHandler(async () => runtime), outbox };
}

describe("send-factsheets function: the portal's actions", () => {
  it("sends only the reminders with {quarter, only: 'reminders'}", async () => {
    const { handler, outbox } = await setup();
    const outcomes = await handler({ quarter: "2023-Q1", only: "reminders" }, context);
    expect(outcomes.map((o) => [o.location, o.status])).toEqual([["CD", "reminded"]]);
    expect(outbox()).toHaveLength(1);
  });

  it("sends one location's factsheet again with {quarter, location, resend: true}", async () => {
    const { handler, outbox } = await setup();
    const first = await handler({ quarter: "2023-Q1", location: "AB", resend: true }, context);
    expect(first.map((o) => [o.location, o.status])).toEqual([["AB", "sent"]]);
    const again = await handler({ quarter: "2023-Q1", location: "AB", resend: true }, context);
    expect(again.map((o) => o.status)).toEqual(["sent"]);
    // Nothing for CD (no reminder either): only the location asked for.
    expect(outbox()).toHaveLength(2);
  }, 60_000);

  it("refuses an unknown action or location instead of sending everything", async () => {
    const { handler, outbox } = await setup();
    for (const event of [
      { quarter: "2023-Q1", only: "factsheets" },
      { quarter: "2023-Q1", location: "AB" },
      { quarter: "2023-Q1", location: "ZZ", resend: true },
      { quarter: "2023-Q5" },
      { quarter: "2023-Q1", resend: true },
    ])
      await expect(handler(event, context), JSON.stringify(event)).rejects.toThrow(
        /expected|not in the locations/,
      );
    expect(outbox()).toHaveLength(0);
  });
});
