/**
 * Where the documents live in the reports area. Its own module, so the portal can find and serve
 * documents without loading the PDF and chart renderers of functions/core/documents.ts.
 */
export const documentKeys = {
  factsheetPdf: (quarter: string, location: string) => `factsheets/${quarter}/${location}.pdf`,
  factsheetHtml: (quarter: string, location: string) => `factsheets/${quarter}/${location}.html`,
  nationalPdf: (from: string, to: string) => `national/${from}_${to}.pdf`,
  /** The national reports' keys, `national/<from>_<to>.pdf`, as a pattern with the two quarters. */
  nationalPdfPattern: /^national\/(\d{4}-Q[1-4])_(\d{4}-Q[1-4])\.pdf$/,
  igj: (half: string, name: string) => `igj/${half}/${name}`,
  sent: (quarter: string, location: string, kind: "factsheet" | "reminder") =>
    `sent/${quarter}/${location}/${kind}.json`,
};
