import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { checkPassword, hashPassword } from '../api/passwords.js';
import type { Db } from '../db/pool.js';
import { createUser, disableUser, findUserByEmail, setPassword, type UserRole } from '../db/users.js';

export interface DemoUser {
  email: string;
  password: string;
}

/**
 * A demo person `npm start` prints beside the keys, so that the console can be tried at once: its password is
 * generated on the first start and kept in DATA_DIR (like the demo keys), so restarts print the same one. The
 * database keeps only its argon2id hash; a user found with another password or merchant is put right.
 */
export async function ensureDemoUser(
  db: Db,
  input: { email: string; name: string; role: UserRole; merchantId: string | null; passwordFile: string },
): Promise<DemoUser> {
  if (!existsSync(input.passwordFile))
    writeFileSync(input.passwordFile, `demo-${randomBytes(9).toString('base64url')}\n`, { mode: 0o600 });
  const password = readFileSync(input.passwordFile, 'utf8').trim();
  const found = await findUserByEmail(db, input.email);
  if (found && (found.user.role !== input.role || found.user.merchantId !== input.merchantId)) {
    await disableUser(db, found.user.id, 'npm start');
  } else if (found) {
    if (!(await checkPassword(found.passwordHash, password)))
      await setPassword(db, found.user.id, await hashPassword(password));
    return { email: input.email, password };
  }
  await createUser(db, {
    email: input.email,
    name: input.name,
    role: input.role,
    merchantId: input.merchantId,
    createdBy: 'npm start',
    passwordHash: await hashPassword(password),
  });
  return { email: input.email, password };
}
