import { vi } from "vitest";
import { describeXlsxReading } from "./xlsx-cases.ts";

// The portal's browser bundle reads .xlsx files with xlsx-sheet.browser.ts (package.json `browser`).
vi.mock(
  "../../../functions/core/read/xlsx-sheet.ts",
  () => import("../../../functions/core/read/xlsx-sheet.browser.ts"),
);

describeXlsxReading("readXlsx in the browser bundle");
