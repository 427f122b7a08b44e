import { z } from "zod";
import vbm2023 from "./codebooks/vbm-2023.json" with { type: "json" };

/** The fields of one delivery row, as the codebook names them. */
export const columnIds = [
  "youthNumber",
  "startDate",
  "startTime",
  "endDate",
  "endTime",
  "reason",
  "type",
  "carePlan",
] as const;
export type ColumnId = (typeof columnIds)[number];

export const codebookSchema = z
  .object({
    version: z.string().min(1),
    validFrom: z.iso.date(),
    description: z.string(),
    columns: z
      .array(
        z.object({
          id: z.enum(columnIds),
          header: z.string().min(1),
          aliases: z.array(z.string().min(1)),
          required: z.boolean(),
        }),
      )
      .min(1),
    categories: z.array(z.object({ id: z.string().min(1), label: z.string().min(1) })).min(1),
    rooms: z.array(z.object({ id: z.string().min(1), label: z.string().min(1) })),
    types: z
      .array(
        z.object({
          code: z.number().int().positive(),
          label: z.string().min(1),
          category: z.string().min(1),
          pointInTime: z.boolean(),
          seclusion: z.object({ room: z.string().min(1), locked: z.boolean() }).optional(),
        }),
      )
      .min(1),
  })
  .superRefine((cb, ctx) => {
    const categories = new Set(cb.categories.map((c) => c.id));
    const rooms = new Set(cb.rooms.map((r) => r.id));
    const codes = new Set<number>();
    for (const t of cb.types) {
      if (codes.has(t.code)) ctx.addIssue({ code: "custom", message: `duplicate type code ${t.code}` });
      codes.add(t.code);
      if (!categories.has(t.category))
        ctx.addIssue({ code: "custom", message: `type ${t.code}: unknown category ${t.category}` });
      if (t.seclusion && !rooms.has(t.seclusion.room))
        ctx.addIssue({ code: "custom", message: `type ${t.code}: unknown room ${t.seclusion.room}` });
    }
    const ids = new Set(cb.columns.map((c) => c.id));
    for (const id of columnIds)
      if (!ids.has(id)) ctx.addIssue({ code: "custom", message: `missing column ${id}` });
  });

export type Codebook = z.infer<typeof codebookSchema>;
export type CodebookType = Codebook["types"][number];

/**
 * Registered codebook versions. Adding a version = adding a JSON file next to the
 * others and listing it here; nothing else in the product changes.
 */
const registered: unknown[] = [vbm2023];

export const codebooks: readonly Codebook[] = registered
  .map((c) => codebookSchema.parse(c))
  .sort((a, b) => a.validFrom.localeCompare(b.validFrom));

/** The codebook in force on a given date (ISO `YYYY-MM-DD`): the latest whose validFrom is on or before it. */
export function codebookFor(isoDate: string): Codebook {
  let found: Codebook | undefined;
  for (const cb of codebooks) if (cb.validFrom <= isoDate) found = cb;
  return found ?? (codebooks[0] as Codebook);
}

export function codebookByVersion(version: string): Codebook | undefined {
  return codebooks.find((c) => c.version === version);
}

/** Fast lookup structures derived once per codebook. */
export interface CodebookIndex {
  codebook: Codebook;
  typeByCode: Map<number, CodebookType>;
  seclusionCodes: Set<number>;
  categoryLabel: Map<string, string>;
  roomLabel: Map<string, string>;
}

const indexCache = new WeakMap<Codebook, CodebookIndex>();
export function indexCodebook(codebook: Codebook): CodebookIndex {
  const cached = indexCache.get(codebook);
  if (cached) return cached;
  const index: CodebookIndex = {
    codebook,
    typeByCode: new Map(codebook.types.map((t) => [t.code, t])),
    seclusionCodes: new Set(codebook.types.filter((t) => t.seclusion).map((t) => t.code)),
    categoryLabel: new Map(codebook.categories.map((c) => [c.id, c.label])),
    roomLabel: new Map(codebook.rooms.map((r) => [r.id, r.label])),
  };
  indexCache.set(codebook, index);
  return index;
}
