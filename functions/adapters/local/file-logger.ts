import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "../../ports.ts";

/** JSON-lines logger appending to a file (local mode keeps the terminal for the user). */
export function createFileLogger(path: string, service = "vbm-monitor"): Logger {
  mkdirSync(dirname(path), { recursive: true });
  const write = (level: string, message: string, fields?: Record<string, unknown>) =>
    appendFileSync(
      path,
      `${JSON.stringify({ time: new Date().toISOString(), level, service, message, ...fields })}\n`,
    );
  return {
    info: (m, f) => write("INFO", m, f),
    warn: (m, f) => write("WARN", m, f),
    error: (m, f) => write("ERROR", m, f),
  };
}
