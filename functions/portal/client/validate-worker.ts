/**
 * Web Worker of the delivery page: reads the chosen file and checks it with the same validator
 * as the ingest (functions/core/validate/delivery.ts, browser-safe), so a large file does not
 * block the page. It replies with the validation report only; the measures (with the raw youth
 * numbers) never leave the worker.
 */
import { defaultReadLimits } from "../../core/read/types.ts";
import { validateDelivery } from "../../core/validate/delivery.ts";
import type { ValidateRequest, WorkerReply } from "./messages.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<ValidateRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
}
const worker = self as unknown as WorkerScope;

/** Reads the whole file, reporting progress in steps of at least 5%. */
async function readWithProgress(file: File): Promise<Uint8Array> {
  const bytes = new Uint8Array(file.size);
  const reader = file.stream().getReader();
  let offset = 0;
  let reported = -5;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (offset + value.length > bytes.length) throw new Error("Het bestand is veranderd tijdens het lezen.");
    bytes.set(value, offset);
    offset += value.length;
    const percent = file.size === 0 ? 100 : Math.floor((offset / file.size) * 100);
    if (percent - reported >= 5) {
      reported = percent;
      worker.postMessage({ type: "lezen", percent });
    }
  }
  return offset === bytes.length ? bytes : bytes.subarray(0, offset);
}

worker.onmessage = async (event) => {
  const { file, location, quarter, scope, fileName, maxBytes } = event.data;
  const limits = maxBytes ? { ...defaultReadLimits, maxBytes } : defaultReadLimits;
  if (file.size > limits.maxBytes) {
    worker.postMessage({ type: "te-groot", bytes: file.size, maxBytes: limits.maxBytes });
    return;
  }
  try {
    const bytes = await readWithProgress(file);
    worker.postMessage({ type: "bezig" });
    const { report } = await validateDelivery(bytes, { location, quarter, scope, fileName, limits });
    worker.postMessage({ type: "rapport", report });
  } catch (error) {
    worker.postMessage({
      type: "fout",
      message: error instanceof Error ? error.message : "onbekende fout",
    });
  }
};
