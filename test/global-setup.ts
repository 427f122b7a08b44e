import type { TestProject } from "vitest/node";
import { startSharedSynth } from "./infra/shared-synth.ts";

/**
 * Starts the run's one `npx cdk synth` (test/infra/shared-synth.ts) as the run begins, so that on
 * a 2-core machine it overlaps the other test files instead of starting only when the first infra
 * test file asks for it. Only for runs that include the infra tests: a run of a few unit tests
 * (a file filter without "infra", or a test-name filter) does not pay for it.
 */
let synth: Promise<void> | undefined;

export function setup(project: TestProject): void {
  // `filenamePattern` is the run's file filters (internal to vitest; undefined for a full run).
  const files = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const includesInfra = !files || files.some((f) => f.includes("infra"));
  if (!includesInfra || project.config.testNamePattern) return;
  // Errors surface in the infra tests, which read the synth's result file.
  synth = startSharedSynth(process.pid).catch(() => undefined);
}

/** The synth is not left running after the run. */
export async function teardown(): Promise<void> {
  await synth;
}
