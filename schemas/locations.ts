import { z } from "zod";
import { locationCode } from "./delivery.ts";

/** The locations config: who may deliver, and who receives their factsheet. */
export const locationConfig = z.object({
  code: locationCode,
  name: z.string().min(1),
  emails: z.array(z.email()).default([]),
  /** AWS mode: principal (account or role ARN) allowed to upload for this location. */
  principal: z.string().optional(),
  externalId: z.string().optional(),
});
export const locationsConfig = z
  .array(locationConfig)
  .min(1, {
    message:
      "de lijst is leeg; zet er minstens één locatie in (zonder locaties wordt elke levering afgewezen)",
  })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    for (const l of list) {
      if (seen.has(l.code))
        ctx.addIssue({ code: "custom", message: `locatiecode ${l.code} staat er twee keer in` });
      seen.add(l.code);
    }
  });
export type LocationConfig = z.infer<typeof locationConfig>;

/**
 * Checks a parsed locations config and explains the first problems in Dutch, naming the
 * location (position and code) and the field, e.g. `locatie 3 (AB), veld emails[0]: Ongeldig: emailadres`.
 */
export function checkLocationsConfig(
  json: unknown,
): { ok: true; locations: LocationConfig[] } | { ok: false; problems: string[] } {
  const parsed = locationsConfig.safeParse(json, { error: z.locales.nl().localeError });
  if (parsed.success) return { ok: true, locations: parsed.data };
  const problems = parsed.error.issues.slice(0, 5).map((issue) => {
    const [index, ...field] = issue.path;
    if (typeof index !== "number") return issue.message;
    const item = Array.isArray(json) ? (json[index] as { code?: unknown } | undefined) : undefined;
    const code = typeof item?.code === "string" ? ` (${item.code})` : "";
    const fieldName = field
      .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i > 0 ? "." : ""}${String(p)}`))
      .join("");
    return `locatie ${index + 1}${code}${fieldName ? `, veld ${fieldName}` : ""}: ${issue.message}`;
  });
  return { ok: false, problems };
}
