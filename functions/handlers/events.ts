import { z } from "zod";

/** An S3 "Object Created" event as EventBridge delivers it (only the fields we use). */
export const s3ObjectCreatedEvent = z.object({
  source: z.literal("aws.s3"),
  "detail-type": z.literal("Object Created"),
  time: z.iso.datetime({ offset: true }),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      etag: z.string().optional(),
      "version-id": z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
export type S3ObjectCreatedEvent = z.infer<typeof s3ObjectCreatedEvent>;

/** A request to materialise the aggregates of one quarter; without it, the quarter just ended. */
export const materialiseEvent = z
  .object({
    quarter: z
      .string()
      .regex(/^\d{4}-Q[1-4]$/)
      .optional(),
  })
  .loose();

export class InvalidEventError extends Error {
  override readonly name = "InvalidEventError";
}

/** Parses an S3 "Object Created" event; anything else is an `InvalidEventError`. */
export function parseObjectCreated(event: unknown): S3ObjectCreatedEvent {
  const parsed = s3ObjectCreatedEvent.safeParse(event);
  if (!parsed.success)
    throw new InvalidEventError(
      `not an S3 Object Created event: ${parsed.error.issues[0]?.message ?? "invalid"}`,
    );
  return parsed.data;
}

/** middy middleware: a failure is logged (name and message only, never event data) before Lambda retries. */
export function logFailure(
  getLogger: () => Promise<{ error(message: string, fields?: Record<string, unknown>): void }>,
  message: string,
) {
  return {
    onError: async (request: { error: unknown }) => {
      const error = request.error as Error | null;
      (await getLogger()).error(message, { error: error?.name, reason: error?.message });
    },
  };
}
