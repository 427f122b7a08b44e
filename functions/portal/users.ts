/**
 * Local portal users: `config/users.json` in the config area, passwords hashed with scrypt
 * (node:crypto). Managed with `vbm-monitor users add|list|remove`.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { z } from "zod";
import { locationCode } from "../../schemas/delivery.ts";
import { UserError } from "../errors.ts";
import type { ObjectStore } from "../ports.ts";
import type { PortalUser } from "./types.ts";

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;
const USERS_KEY = "users.json";
/** scrypt cost: N = 2^15, r = 8, p = 1 (about 32 MiB and 50–100 ms per check). */
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export const storedUser = z.object({
  email: z.email(),
  role: z.enum(["location", "facilitator", "igj"]),
  location: locationCode.nullable(),
  /** `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>` */
  password: z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/),
});
export type StoredUser = z.infer<typeof storedUser>;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = stored.split("$");
  const expected = Buffer.from(hash ?? "", "base64");
  const actual = await scrypt(password, Buffer.from(salt ?? "", "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export async function readUsers(store: ObjectStore): Promise<StoredUser[]> {
  const obj = await store.get("config", USERS_KEY);
  if (!obj) return [];
  const parsed = z.array(storedUser).safeParse(JSON.parse(new TextDecoder().decode(obj.body)));
  if (!parsed.success)
    throw new UserError(
      `Het gebruikersbestand (config/${USERS_KEY}) klopt niet; zet het terug uit de back-up.`,
    );
  return parsed.data;
}

async function writeUsers(store: ObjectStore, users: readonly StoredUser[]): Promise<void> {
  await store.put(
    "config",
    USERS_KEY,
    new TextEncoder().encode(`${JSON.stringify(users, null, 2)}\n`),
    "application/json",
  );
}

export async function addUser(
  store: ObjectStore,
  input: { email: string; role: PortalUser["role"]; location: string | null; password: string },
): Promise<void> {
  if (input.password.length < 12)
    throw new UserError("Het wachtwoord is te kort: gebruik minstens 12 tekens.");
  if (input.role === "location" && !input.location)
    throw new UserError("Een gebruiker met de rol location hoort bij een locatie: geef --location XX.");
  if (input.role !== "location" && input.location)
    throw new UserError(
      "Alleen een gebruiker met de rol location hoort bij een locatie; laat --location weg.",
    );
  const users = (await readUsers(store)).filter((u) => u.email.toLowerCase() !== input.email.toLowerCase());
  const user = storedUser.safeParse({
    email: input.email.toLowerCase(),
    role: input.role,
    location: input.location,
    password: await hashPassword(input.password),
  });
  if (!user.success)
    throw new UserError(`"${input.email}" is geen geldig e-mailadres of de locatiecode klopt niet.`);
  await writeUsers(
    store,
    [...users, user.data].sort((a, b) => a.email.localeCompare(b.email)),
  );
}

export async function removeUser(store: ObjectStore, email: string): Promise<boolean> {
  const users = await readUsers(store);
  const rest = users.filter((u) => u.email !== email.toLowerCase());
  if (rest.length === users.length) return false;
  await writeUsers(store, rest);
  return true;
}

/** The user when the password is right; null otherwise (also for an unknown e-mail, in about the same time). */
export async function checkPassword(
  store: ObjectStore,
  email: string,
  password: string,
): Promise<PortalUser | null> {
  const user = (await readUsers(store)).find((u) => u.email === email.trim().toLowerCase());
  const ok = await verifyPassword(password, user?.password ?? DUMMY_HASH);
  return user && ok ? { email: user.email, role: user.role, location: user.location } : null;
}

/** Compared against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password. */
const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
