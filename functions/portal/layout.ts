/**
 * The page frame of every portal page: Dutch, NL Design System (Utrecht) components, a skip
 * link, landmarks, and navigation by role. Templates use `hono/html`, which escapes every value.
 */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { PortalUser } from "./types.ts";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const NAV: Record<PortalUser["role"], { href: string; label: string }[]> = {
  location: [
    { href: "/aanleveren", label: "Aanleveren" },
    { href: "/leveringen", label: "Mijn leveringen" },
  ],
  facilitator: [
    { href: "/overzicht", label: "Overzicht leveringen" },
    { href: "/acties", label: "Acties" },
  ],
  igj: [{ href: "/igj", label: "Aanleveringen IGJ" }],
};

export function page(opts: {
  title: string;
  user: PortalUser | null;
  csrf?: string;
  current?: string;
  body: Html;
  scripts?: readonly string[];
}): Html {
  const nav = opts.user ? NAV[opts.user.role] : [];
  return html`<!doctype html>
<html lang="nl" class="utrecht-theme">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${opts.title} – VBM-monitor</title>
    <link rel="stylesheet" href="/static/portal.css" />
    ${(opts.scripts ?? []).map((s) => html`<script type="module" src="${s}"></script>`)}
  </head>
  <body class="utrecht-document utrecht-body">
    <a class="utrecht-link skip-link" href="#inhoud">Naar de inhoud</a>
    <header class="portal-header">
      <p class="portal-name">VBM-monitor</p>
      ${
        opts.user
          ? html`<nav aria-label="Hoofdmenu">
              <ul class="portal-nav">
                ${nav.map(
                  (n) =>
                    html`<li><a class="utrecht-link" href="${n.href}" ${opts.current === n.href ? raw('aria-current="page"') : ""}>${n.label}</a></li>`,
                )}
              </ul>
            </nav>
            <form method="post" action="/uitloggen" class="portal-signout">
              <input type="hidden" name="_csrf" value="${opts.csrf ?? ""}" />
              <span class="portal-user">${opts.user.email}${opts.user.location ? ` (${opts.user.location})` : ""}</span>
              <button type="submit" class="utrecht-button utrecht-button--subtle">Uitloggen</button>
            </form>`
          : ""
      }
    </header>
    <main id="inhoud" class="portal-main" tabindex="-1">
      <h1 class="utrecht-heading-1">${opts.title}</h1>
      ${opts.body}
    </main>
  </body>
</html>`;
}

export function alert(kind: "error" | "info" | "ok" | "warning", text: Html | string): Html {
  return html`<div class="utrecht-alert utrecht-alert--${kind}" role="${kind === "error" ? "alert" : "status"}">
    <div class="utrecht-alert__message"><p class="utrecht-paragraph">${text}</p></div>
  </div>`;
}
