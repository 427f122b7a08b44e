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
export const locationsConfig = z.array(locationConfig).superRefine((list, ctx) => {
  const seen = new Set<string>();
  for (const l of list) {
    if (seen.has(l.code))
      ctx.addIssue({ code: "custom", message: `locatiecode ${l.code} staat er twee keer in` });
    seen.add(l.code);
  }
});
export type LocationConfig = z.infer<typeof locationConfig>;
