import { hash, verify } from '@node-rs/argon2';

/**
 * Passwords are kept as argon2id hashes (PHC strings, salt included) with OWASP's recommended parameters:
 * 19 MiB of memory, 2 passes, 1 lane (about 50 ms on this machine). Nothing else about a password is stored.
 */
const PARAMETERS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMETERS);
}

/** A hash of nothing anyone knows, made once: an unknown e-mail is checked against it, so it takes as long. */
let dummy: Promise<string> | undefined;

/**
 * Whether `password` matches `stored`. Without a stored hash (an unknown e-mail, a user who has not set a password
 * yet) the password is checked against a dummy hash and the answer is false: the time taken does not tell that
 * the account does not exist. A malformed stored hash is a mismatch, never an error the caller could tell apart.
 */
export async function checkPassword(stored: string | null, password: string): Promise<boolean> {
  dummy ??= hashPassword(`no user ${Math.random()}`);
  const against = stored ?? (await dummy);
  const matches = await verify(against, password).catch(() => false);
  return stored !== null && matches;
}
