import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Db } from './pool.js';

/**
 * People who sign in: a merchant's owner and staff, and operators. A user is invited with a one-time set-up token
 * (only its SHA-256 is stored) and chooses a password with it (only its argon2id hash is stored). Removing a user
 * disables it: the row stays for the record and its e-mail is free for a new invitation.
 */

export type UserRole = 'owner' | 'staff' | 'operator';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  merchantId: string | null;
  /** invited: the set-up link was not used yet; active: a password is set. */
  status: 'invited' | 'active';
  createdAt: string;
  createdBy: string;
  lastSignInAt: string | null;
}

/** A user as authentication sees it: with its merchant's name and its password hash (null until set up). */
export interface UserCredentials {
  user: UserView;
  merchantName: string | null;
  passwordHash: string | null;
}

/** Two active users cannot share an e-mail (compared case-insensitively). */
export class EmailTaken extends Error {}

const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);

export function toUserView(r: Record<string, unknown>): UserView {
  return {
    id: String(r.id),
    email: String(r.email),
    name: String(r.name ?? ''),
    role: r.role as UserRole,
    merchantId: (r.merchant_id as string | null) ?? null,
    status: r.password_hash ? 'active' : 'invited',
    createdAt: iso(r.created_at) ?? '',
    createdBy: String(r.created_by),
    lastSignInAt: iso(r.last_sign_in_at),
  };
}

export interface NewUser {
  email: string;
  name?: string;
  role: UserRole;
  merchantId: string | null;
  createdBy: string;
  /** The set-up token's hash and when it stops working. */
  setup?: { tokenHash: string; expiresAt: Date };
  /** A password hash set at once (the development runtime's demo users), instead of a set-up link. */
  passwordHash?: string;
}

export async function createUser(client: pg.ClientBase | Db, input: NewUser): Promise<UserView> {
  const id = `usr_${randomBytes(10).toString('hex')}`;
  try {
    const { rows } = await client.query(
      `INSERT INTO users (id, email, name, role, merchant_id, created_by, setup_token_hash, setup_expires_at, password_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [
        id,
        input.email,
        input.name ?? '',
        input.role,
        input.merchantId,
        input.createdBy,
        input.setup?.tokenHash ?? null,
        input.setup?.expiresAt ?? null,
        input.passwordHash ?? null,
      ],
    );
    return toUserView(rows[0]);
  } catch (error) {
    if ((error as { code?: string; constraint?: string }).constraint === 'users_email') throw new EmailTaken();
    throw error;
  }
}

/** An active user by e-mail (any case), with what signing in needs; null when there is none. */
export async function findUserByEmail(db: Db, email: string): Promise<UserCredentials | null> {
  const { rows } = await db.query(
    `SELECT u.*, m.name AS merchant_name FROM users u LEFT JOIN merchants m ON m.id = u.merchant_id
     WHERE lower(u.email) = lower($1) AND u.disabled_at IS NULL`,
    [email],
  );
  const r = rows[0];
  return r
    ? {
        user: toUserView(r),
        merchantName: (r.merchant_name as string | null) ?? null,
        passwordHash: (r.password_hash as string | null) ?? null,
      }
    : null;
}

export async function getUser(db: Db, id: string): Promise<UserView | null> {
  const { rows } = await db.query('SELECT * FROM users WHERE id = $1 AND disabled_at IS NULL', [id]);
  return rows[0] ? toUserView(rows[0]) : null;
}

export async function listUsers(db: Db, owner: { merchantId: string } | { operators: true }): Promise<UserView[]> {
  const { rows } =
    'merchantId' in owner
      ? await db.query('SELECT * FROM users WHERE merchant_id = $1 AND disabled_at IS NULL ORDER BY created_at, id', [
          owner.merchantId,
        ])
      : await db.query(`SELECT * FROM users WHERE role = 'operator' AND disabled_at IS NULL ORDER BY created_at, id`);
  return rows.map(toUserView);
}

/** Gives an invited user a new set-up token (the previous link stops working). */
export async function replaceSetupToken(
  client: pg.ClientBase | Db,
  userId: string,
  setup: { tokenHash: string; expiresAt: Date },
): Promise<UserView | null> {
  const { rows } = await client.query(
    `UPDATE users SET setup_token_hash = $2, setup_expires_at = $3 WHERE id = $1 AND disabled_at IS NULL RETURNING *`,
    [userId, setup.tokenHash, setup.expiresAt],
  );
  return rows[0] ? toUserView(rows[0]) : null;
}

/**
 * Uses a set-up token: sets the password (and the name, when given) of the user it belongs to and forgets the
 * token, in one statement, so that a link works once even when used twice at the same moment. Null when the token
 * is unknown, used or expired. Every session the user had is ended (a set-up link also resets a password).
 */
export async function completeSetup(
  client: pg.ClientBase | Db,
  tokenHash: string,
  passwordHash: string,
  name: string | undefined,
): Promise<UserCredentials | null> {
  const { rows } = await client.query(
    `UPDATE users u SET password_hash = $2, name = coalesce($3, u.name), setup_token_hash = NULL, setup_expires_at = NULL
     WHERE setup_token_hash = $1 AND setup_expires_at > now() AND disabled_at IS NULL
     RETURNING u.*, (SELECT name FROM merchants m WHERE m.id = u.merchant_id) AS merchant_name`,
    [tokenHash, passwordHash, name ?? null],
  );
  const r = rows[0];
  if (!r) return null;
  await client.query('DELETE FROM sessions WHERE user_id = $1', [r.id]);
  return { user: toUserView(r), merchantName: (r.merchant_name as string | null) ?? null, passwordHash };
}

/** Sets a password directly (the development runtime's demo users); ends the user's sessions. */
export async function setPassword(client: pg.ClientBase | Db, userId: string, passwordHash: string): Promise<void> {
  await client.query(
    'UPDATE users SET password_hash = $2, setup_token_hash = NULL, setup_expires_at = NULL WHERE id = $1',
    [userId, passwordHash],
  );
  await client.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
}

export async function recordSignIn(db: Db, userId: string): Promise<void> {
  await db.query('UPDATE users SET last_sign_in_at = now() WHERE id = $1', [userId]);
}

/** Disables a user and ends its sessions at once; null when there is no such active user. */
export async function disableUser(client: pg.ClientBase | Db, id: string, by: string): Promise<UserView | null> {
  const { rows } = await client.query(
    `UPDATE users SET disabled_at = now(), disabled_by = $2, setup_token_hash = NULL, setup_expires_at = NULL
     WHERE id = $1 AND disabled_at IS NULL RETURNING *`,
    [id, by],
  );
  if (!rows[0]) return null;
  await client.query('DELETE FROM sessions WHERE user_id = $1', [id]);
  return toUserView(rows[0]);
}
