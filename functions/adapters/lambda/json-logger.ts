import type { Logger } from "../../ports.ts";

/** JSON lines on stdout/stderr, as Lambda's JSON log format expects (Powertools style). */
export function createJsonLogger(
  service: string,
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const log = (level: string, message: string, fields?: Record<string, unknown>) =>
    write(`${JSON.stringify({ timestamp: new Date().toISOString(), level, service, message, ...fields })}\n`);
  return {
    info: (m, f) => log("INFO", m, f),
    warn: (m, f) => log("WARN", m, f),
    error: (m, f) => log("ERROR", m, f),
  };
}
