/**
 * The facilitator's actions in this process (local mode): the core with the runtime's own
 * ports, the result at once. On AWS the pipeline's functions do the same work
 * (`createPipelineActions` in ./aws.ts).
 */
import type { Runtime } from "../compose.ts";
import type { FacilitatorActions } from "./types.ts";

export function createLocalActions(runtime: Runtime): FacilitatorActions {
  // The document modules pull in the PDF and chart renderers: load them only when an action runs.
  const documents = () => Promise.all([import("../cli/documents.ts"), import("../core/documents.ts")]);
  return {
    async reminders(quarter) {
      const [, core] = await documents();
      const outcomes = await core.sendReminders(
        {
          store: runtime.store,
          clock: runtime.ports.clock,
          logger: runtime.ports.logger,
          locations: await runtime.loadLocations(),
          mailer: await runtime.mailer(),
          portalUrl: runtime.portalUrl,
        },
        quarter,
      );
      return { status: "done", value: outcomes };
    },
    async nationalReport(from, to) {
      const [cli, core] = await documents();
      const deps = await cli.documentDeps(runtime, false);
      try {
        const { key } = await core.makeNationalReport(deps, from, to);
        return { status: "done", value: { key } };
      } finally {
        await deps.engine.close();
      }
    },
    async resendFactsheet(code, quarter) {
      const [cli, core] = await documents();
      const location = (await runtime.loadLocations()).find((l) => l.code === code);
      if (!location) throw new RangeError(`unknown location ${code}`);
      const deps = await cli.documentDeps(runtime, true);
      try {
        const outcome = await core.makeFactsheet(deps, location, quarter, { send: true, resend: true });
        return { status: "done", value: outcome };
      } finally {
        await deps.engine.close();
      }
    },
  };
}
