import { html } from "hono/html";
import { aggregates } from "../../../queries/aggregates.ts";
import { documentKeys } from "../../core/document-keys.ts";
import { type PortalApp, render, requireRole } from "../app.ts";
import { alert } from "../layout.ts";
import type { PortalDeps } from "../types.ts";

/**
 * The inspectorate's pages: the half-yearly exports (aggregates after disclosure control, with
 * their manifest) to download, and how to query `vbm_aggregates` in Athena. Nothing else.
 */

const HALF = /^\d{4}-H[12]$/;
/** A file name of an export: letters, digits, `-`, `_`, one extension; never a path. */
const FILE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}\.(csv|json|txt|md)$/;

const typeOf = (name: string) =>
  name.endsWith(".csv")
    ? "text/csv; charset=utf-8"
    : name.endsWith(".json")
      ? "application/json"
      : "text/plain; charset=utf-8";

/** `igj/<half>/<name>` keys of the reports area, grouped by half year (newest first). */
function exportsByHalf(keys: readonly string[]): { half: string; files: string[] }[] {
  const halves = new Map<string, string[]>();
  for (const key of keys) {
    const [, half = "", name = "", ...rest] = key.split("/");
    if (rest.length > 0 || !HALF.test(half) || !FILE.test(name)) continue;
    halves.set(half, [...(halves.get(half) ?? []), name]);
  }
  return [...halves.entries()]
    .sort(([a], [b]) => b.localeCompare(a))
    .map(([half, files]) => ({
      half,
      files: files.sort((a, b) =>
        a === "manifest.json" ? -1 : b === "manifest.json" ? 1 : a.localeCompare(b),
      ),
    }));
}

const halfText = (half: string) =>
  half.endsWith("H1") ? `januari t/m juni ${half.slice(0, 4)}` : `juli t/m december ${half.slice(0, 4)}`;

export function igjRoutes(app: PortalApp, deps: PortalDeps): void {
  const { store } = deps.runtime;
  const database = deps.runtime.aggregates?.database ?? "vbm_aggregates";

  app.get("/igj", async (c) => {
    const user = await requireRole(c, "igj");
    if (user instanceof Response) return user;
    const halves = exportsByHalf(await store.list("reports", "igj/"));
    const example = `SELECT quarter, location, category, n, suppressed
FROM ${database}.by_type
WHERE quarter BETWEEN '2024-Q1' AND '2024-Q2'
ORDER BY quarter, location, category`;
    return render(
      c,
      "Aanleveringen IGJ",
      html`<section aria-labelledby="kop-exports">
          <h2 class="utrecht-heading-2" id="kop-exports">Halfjaarlijkse aanleveringen</h2>
          <p class="utrecht-paragraph">
            Per halfjaar de cijfers per locatie en landelijk, na bescherming van kleine aantallen. Het manifest
            beschrijft de bestanden en hoe ze gemaakt zijn.
          </p>
          ${
            halves.length === 0
              ? alert("info", "Er zijn nog geen aanleveringen gemaakt.")
              : halves.map(
                  (h) => html`<h3 class="utrecht-heading-3">${h.half} (${halfText(h.half)})</h3>
                    <ul class="utrecht-unordered-list">
                      ${h.files.map(
                        (f) =>
                          html`<li><a class="utrecht-link" href="/igj/bestand/${h.half}/${f}" download>${f}</a></li>`,
                      )}
                    </ul>`,
                )
          }
        </section>
        <section aria-labelledby="kop-athena">
          <h2 class="utrecht-heading-2" id="kop-athena">Zelf cijfers opvragen in Athena</h2>
          <p class="utrecht-paragraph">
            In AWS Athena kunt u de cijfers zelf opvragen. Kies de werkgroep <code>vbm-igj</code> en de database
            <code>${database}</code>. Daarin staan alleen opgetelde cijfers per kwartaal, per locatie en landelijk
            (locatie <code>_national</code>), nooit gegevens over één jongere. Een aantal van 1 tot en met 4 is
            weggelaten: dan is de waarde leeg en staat <code>suppressed</code> op <code>true</code>.
          </p>
          <p class="utrecht-paragraph">De tabellen: ${aggregates.map((a, i) => html`${i > 0 ? ", " : ""}<code>${a.name}</code>`)}.</p>
          <p class="utrecht-paragraph">Een voorbeeld: het aantal maatregelen per categorie in het eerste halfjaar van 2024.</p>
          <pre class="portal-code"><code>${example}</code></pre>
          <p class="utrecht-paragraph">
            Filter altijd op <code>quarter</code>: dan leest Athena alleen die kwartalen en is de vraag snel en goedkoop.
          </p>
        </section>`,
      { current: "/igj" },
    );
  });

  app.get("/igj/bestand/:half/:name", async (c) => {
    const user = await requireRole(c, "igj");
    if (user instanceof Response) return user;
    const half = c.req.param("half");
    const name = c.req.param("name");
    if (!HALF.test(half) || !FILE.test(name)) return c.notFound();
    const obj = await store.get("reports", documentKeys.igj(half, name));
    if (!obj) return c.notFound();
    return c.body(obj.body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": typeOf(name),
      "Content-Disposition": `attachment; filename="igj-${half}-${name}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
  });
}
