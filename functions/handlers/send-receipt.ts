/**
 * PLACEHOLDER (branch infra): the CDK app needs this entry to synthesise and bundle the
 * vbm-send-receipt function. The real handler (core) replaces this file on merge.
 */
export async function handler(): Promise<never> {
  throw new Error("vbm-send-receipt: not implemented yet (placeholder of the infra branch)");
}
