import { createRuntime, localConfigFromEnv } from "../compose.ts";
import { UserError } from "../errors.ts";
import type { Role } from "../portal/types.ts";
import { addUser, readUsers, removeUser } from "../portal/users.ts";
import { type Io, readLimits } from "./main.ts";

const ROLES: readonly Role[] = ["location", "facilitator", "igj"];

/** `vbm-monitor serve [--port 8080] [--host 127.0.0.1]`: the portal on the local data dir. */
export async function commandServe(
  dataDir: string,
  values: { port?: string | undefined; host?: string | undefined },
  io: Io,
): Promise<number> {
  const port = Number(values.port ?? "8080");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UserError(`"${values.port}" is geen poortnummer; gebruik bijv. --port 8080.`);
  const host = values.host ?? "127.0.0.1";
  const runtime = createRuntime(localConfigFromEnv(io.env, dataDir));
  const { startPortal } = await import("../portal/server.ts");
  const { deadlineDaysFromEnv } = await import("../core/delivery-matrix.ts");
  const deadlineDays = deadlineDaysFromEnv(io.env);
  const portal = await startPortal({ runtime, port, host, deadlineDays, limits: readLimits(io) }).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code === "EADDRINUSE")
        throw new UserError(`Poort ${port} is al in gebruik; kies een andere met --port.`);
      throw e;
    },
  );
  const users = await readUsers(runtime.store);
  io.out(`Het portaal draait op ${portal.url} (stoppen: Ctrl+C).`);
  if (users.length === 0)
    io.out(
      "Er zijn nog geen gebruikers: maak er een met vbm-monitor users add --email … --role … --password-stdin",
    );
  await new Promise<void>((resolve) => {
    const stop = () => {
      void portal.close().then(resolve);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** `vbm-monitor users add|list|remove`: local portal users (passwords hashed with scrypt). */
export async function commandUsers(
  dataDir: string,
  positionals: string[],
  values: {
    email?: string | undefined;
    role?: string | undefined;
    location?: string | undefined;
    "password-stdin"?: boolean | undefined;
  },
  io: Io,
  readPassword: () => Promise<string> = readStdin,
): Promise<number> {
  const { store } = createRuntime(localConfigFromEnv(io.env, dataDir));
  const action = positionals[0];
  if (action === "list") {
    const users = await readUsers(store);
    if (users.length === 0) io.out("Er zijn geen gebruikers.");
    for (const u of users) io.out(`${u.email}  ${u.role}${u.location ? ` ${u.location}` : ""}`);
    return 0;
  }
  const email = values.email?.trim();
  if (!email) throw new UserError("De optie --email ontbreekt, bijv. --email registratie@locatie.nl.");
  if (action === "remove") {
    if (!(await removeUser(store, email))) throw new UserError(`Er is geen gebruiker ${email}.`);
    io.out(`Gebruiker ${email} is verwijderd.`);
    return 0;
  }
  if (action !== "add") throw new UserError('Gebruik "users add", "users list" of "users remove".');
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role))
    throw new UserError("Geef de rol met --role location, --role facilitator of --role igj.");
  if (!values["password-stdin"])
    throw new UserError(
      "Geef het wachtwoord via de standaardinvoer met --password-stdin (nooit op de opdrachtregel).",
    );
  const location = values.location ? values.location.toUpperCase() : null;
  if (location) {
    const known = (await createRuntime(localConfigFromEnv(io.env, dataDir)).loadLocations()).map(
      (l) => l.code,
    );
    if (known.length > 0 && !known.includes(location))
      throw new UserError(`Locatie ${location} staat niet in de lijst van locaties.`);
  }
  await addUser(store, { email, role, location, password: await readPassword() });
  io.out(`Gebruiker ${email.toLowerCase()} (${role}${location ? ` ${location}` : ""}) is opgeslagen.`);
  return 0;
}
