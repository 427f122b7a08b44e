/**
 * The name a delivered file gets in the drop zone. Browser-safe (the delivery page uses it too,
 * to show the name the file will be stored under). Uploaded names are never used as paths as
 * they come: only the last path segment is kept, and of that only letters, digits, `.`, `-`,
 * `_` and spaces, at most 100 characters, never starting with a dot or a space.
 */
const MAX = 100;

export function safeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  let safe = base
    .normalize("NFC")
    .replace(/[^\p{L}\p{N}._\- ]/gu, "_")
    .replace(/\s+/g, " ")
    .replace(/^[. ]+/, "")
    .trimEnd();
  if (safe.length > MAX) {
    const dot = safe.lastIndexOf(".");
    const ext = dot > 0 && safe.length - dot <= 6 ? safe.slice(dot) : "";
    safe = `${safe.slice(0, MAX - ext.length).trimEnd()}${ext}`;
  }
  // Nothing readable left (e.g. "???.xlsx"): a plain name with the same kind of file.
  if (!/[\p{L}\p{N}]/u.test(safe.replace(/\.[^.]*$/, "")))
    return /\.xlsx$/i.test(safe) ? "bestand.xlsx" : "bestand.csv";
  return safe;
}
