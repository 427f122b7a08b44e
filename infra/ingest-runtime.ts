/**
 * How the ingest Lambda runs, shared by the stack (infra/stacks/pipeline-stack.ts), the memory tests
 * (test/integration/memory*.test.ts) and `npm run bench`, so that what is measured is what runs.
 * The figures behind both settings are in the README, "Memory of the ingest".
 */

/**
 * V8's old generation is capped at 256 MiB. The live heap of an ingest stays under 60 MiB for any
 * file (the file, the validated columns and the shared strings of a workbook are outside the heap),
 * but with V8's default limit, sized from the machine's memory, garbage is collected late: the
 * largest .xlsx (835,000 rows, 52 MB) peaked at 338-368 MiB, with the cap at 244-274 MiB. (A smaller
 * young generation would save another 30 MiB but made V8 move short-lived rows into the old
 * generation early, which took 2-3 s of garbage collection per million rows.)
 */
export const INGEST_V8_FLAGS: readonly string[] = ["--max-old-space-size=256"];

/**
 * The ingest Lambda's memory in MB, from the largest allowed inputs: the bundled ingest peaked at
 * 274 MiB (the 52 MB .xlsx above; the 1,000,000-row CSV, over the limit, at about 270 MiB); the AWS
 * handler bundle takes 50 MiB more once loaded than the measured one (134 against 84 MiB), so about
 * 325 MiB. 512 MB leaves a third for what was not measured. Lambda's CPU share grows with memory
 * (one vCPU at 1,769 MB): at 512 MB that largest .xlsx, 24-41 s on one core here, takes up to about
 * 140 s, within the 5-minute timeout.
 */
export const INGEST_MEMORY_MB = 512;
