import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { html } from "hono/html";
import { secureHeaders } from "hono/secure-headers";
import { defaultReadLimits } from "../core/read/types.ts";
import { alert, type Html, page } from "./layout.ts";
import { facilitatorActionRoutes } from "./routes/actions.ts";
import { facilitatorRoutes } from "./routes/facilitator.ts";
import { igjRoutes } from "./routes/igj.ts";
import { locationRoutes } from "./routes/location.ts";
import { clearSessionCookie, createSignInLimiter, csrfToken, csrfValid, sessionCookie } from "./session.ts";
import type { PortalDeps, PortalUser, Role } from "./types.ts";

export type PortalEnv = { Variables: { user: PortalUser | null; csrf: string } };
export type PortalApp = Hono<PortalEnv>;
export type PortalContext = Context<PortalEnv>;

/** Where each role lands after signing in. */
export const HOME: Record<Role, string> = { location: "/aanleveren", facilitator: "/overzicht", igj: "/igj" };

/** Renders a full page for the signed-in user (status 200 unless given). */
export function render(
  c: PortalContext,
  title: string,
  body: Html,
  opts: { status?: number; current?: string; scripts?: string[] } = {},
) {
  return c.html(
    page({ title, user: c.get("user"), csrf: c.get("csrf"), body, ...opts }),
    (opts.status ?? 200) as 200,
  );
}

/**
 * The signed-in user with one of `roles`, or a response (sign-in redirect, 403) to return instead:
 * `const user = await requireRole(c, "location"); if (user instanceof Response) return user;`
 */
export async function requireRole(c: PortalContext, ...roles: Role[]): Promise<PortalUser | Response> {
  const user = c.get("user");
  if (!user) return c.redirect(`/inloggen?terug=${encodeURIComponent(new URL(c.req.url).pathname)}`, 303);
  if (!roles.includes(user.role))
    return render(c, "Geen toegang", alert("error", "U heeft geen toegang tot deze pagina."), {
      status: 403,
    });
  return user;
}

/**
 * The portal app. Every route checks the role on the server (and, for a location, that the
 * location asked for is the user's own); every state-changing request needs the browser's CSRF
 * token; responses carry a strict Content Security Policy (no inline script or style, no other
 * origins).
 */
export function createPortalApp(deps: PortalDeps): PortalApp {
  const app = new Hono<PortalEnv>();
  const now = deps.now ?? (() => new Date());
  const limiter = createSignInLimiter();
  const uploadOrigin =
    deps.upload.kind === "presigned-post" ? [deps.upload.origin ?? "https://*.amazonaws.com"] : [];

  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'", ...uploadOrigin],
        workerSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'", ...uploadOrigin],
      },
      strictTransportSecurity: deps.https ? "max-age=63072000; includeSubDomains" : false,
      referrerPolicy: "no-referrer",
      crossOriginEmbedderPolicy: false,
    }),
  );

  const maxBytes = (deps.limits ?? defaultReadLimits).maxBytes;
  // Before anything reads a body: no request larger than the largest file the ingest accepts
  // (plus room for the multipart envelope) is read into memory.
  app.use(
    "*",
    bodyLimit({
      maxSize: maxBytes + 1024 * 1024,
      onError: (c) =>
        c.html(
          page({
            title: "Bestand te groot",
            user: null,
            body: alert(
              "error",
              `Het bestand is te groot: het mag hoogstens ${Math.round(maxBytes / 1024 / 1024)} MB zijn. Lever per kwartaal één bestand aan, zonder extra kolommen.`,
            ),
          }),
          413,
        ),
    }),
  );

  app.use("*", async (c, next) => {
    c.set("user", await deps.identity.identify(c.req.raw));
    const { token, setCookie } = csrfToken(deps.sessionSecret, c.req.raw, deps.https);
    c.set("csrf", token);
    if (c.req.method === "POST") {
      const header = c.req.header("x-csrf-token");
      const type = c.req.header("content-type") ?? "";
      let submitted = header ?? null;
      if (
        !submitted &&
        (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data"))
      ) {
        const body = await c.req.parseBody();
        submitted = typeof body._csrf === "string" ? body._csrf : null;
      }
      if (!csrfValid(deps.sessionSecret, c.req.raw, submitted))
        return render(
          c,
          "Verlopen formulier",
          alert(
            "error",
            "Dit formulier is verlopen of niet vanaf deze site verstuurd. Laad de pagina opnieuw en probeer het nog eens.",
          ),
          { status: 403 },
        );
    }
    await next();
    if (setCookie) c.header("Set-Cookie", setCookie, { append: true });
  });

  app.get("/static/:file", (c) => {
    const asset = deps.assets?.get(c.req.param("file"));
    if (!asset) return c.notFound();
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": asset.type,
      "Cache-Control": "no-cache",
    });
  });

  app.get("/", (c) => {
    const user = c.get("user");
    return c.redirect(user ? HOME[user.role] : "/inloggen", 303);
  });

  const signInPage = (c: PortalContext, problem?: string, status = 200) =>
    render(
      c,
      "Inloggen",
      html`${problem ? alert("error", problem) : ""}
        <form method="post" action="/inloggen" class="portal-form" novalidate>
          <input type="hidden" name="_csrf" value="${c.get("csrf")}" />
          <input type="hidden" name="terug" value="${c.req.query("terug") ?? ""}" />
          <div class="utrecht-form-field utrecht-form-field--text">
            <label class="utrecht-form-label" for="email">E-mailadres</label>
            <input class="utrecht-textbox" id="email" name="email" type="email" autocomplete="username" required />
          </div>
          <div class="utrecht-form-field utrecht-form-field--text">
            <label class="utrecht-form-label" for="wachtwoord">Wachtwoord</label>
            <input class="utrecht-textbox" id="wachtwoord" name="wachtwoord" type="password" autocomplete="current-password" required />
          </div>
          <div><button type="submit" class="utrecht-button utrecht-button--primary-action">Inloggen</button></div>
        </form>`,
      { status },
    );

  app.get("/inloggen", (c) => {
    if (deps.identity.signInUrl) return c.redirect(deps.identity.signInUrl(), 303);
    return signInPage(c);
  });

  app.post("/inloggen", async (c) => {
    if (!deps.identity.signIn) return c.notFound();
    const body = await c.req.parseBody();
    const email = String(body.email ?? "")
      .trim()
      .toLowerCase();
    const password = String(body.wachtwoord ?? "");
    const client = c.req.header("x-forwarded-for")?.split(",")[0]?.trim() ?? "local";
    const keys = [`email:${email}`, `client:${client}`];
    if (limiter.blocked(keys))
      return signInPage(c, "Te veel mislukte pogingen. Wacht een kwartier en probeer het dan opnieuw.", 429);
    const user = email && password ? await deps.identity.signIn(email, password) : null;
    if (!user) {
      limiter.failed(keys);
      return signInPage(c, "Het e-mailadres of het wachtwoord klopt niet.", 401);
    }
    limiter.succeeded(keys);
    const back = String(body.terug ?? "");
    c.header("Set-Cookie", sessionCookie(deps.sessionSecret, user, now(), deps.https), { append: true });
    return c.redirect(back.startsWith("/") && !back.startsWith("//") ? back : HOME[user.role], 303);
  });

  app.post("/uitloggen", (c) => {
    c.header("Set-Cookie", clearSessionCookie(deps.https), { append: true });
    return c.redirect(deps.identity.signOutUrl?.() ?? "/inloggen", 303);
  });

  locationRoutes(app, deps);
  facilitatorRoutes(app, deps);
  facilitatorActionRoutes(app, deps);
  igjRoutes(app, deps);

  app.notFound((c) =>
    render(c, "Pagina niet gevonden", alert("warning", "Deze pagina bestaat niet."), { status: 404 }),
  );
  app.onError((error, c) => {
    deps.runtime.ports.logger.error("portal request failed", {
      path: new URL(c.req.url).pathname,
      error: error.name,
    });
    return render(
      c,
      "Er ging iets mis",
      alert(
        "error",
        "Er ging iets mis bij het verwerken van uw verzoek. Probeer het opnieuw; blijft het misgaan, meld het dan bij de netwerkbegeleider.",
      ),
      { status: 500 },
    );
  });
  return app;
}
