import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { recordAudit, type AuditActor } from '../db/audit.js';
import type { Db } from '../db/pool.js';
import { tokenHash } from '../db/token-hash.js';
import { createUser, replaceSetupToken, type UserRole, type UserView } from '../db/users.js';
import { HttpError } from './errors.js';

/**
 * Set-up links: how a person gets an account. No e-mail is sent: whoever invites gets the link once, in the answer,
 * and hands it over. The link carries a 256-bit random token in its fragment (`/setup#token=…`), so that it is
 * neither sent to a server when opened nor written to an access log; the platform keeps only the token's SHA-256,
 * and the audit log records the invitation without the token.
 */

export interface Invitation {
  user: UserView;
  setupLink: string;
  setupExpiresAt: string;
}

export interface InvitationContext {
  /** Where the console is reached: PUBLIC_BASE_URL, else the origin the request came to. */
  baseUrl: string;
  ttlMs: number;
  actor: AuditActor;
}

function newSetupToken(ttlMs: number): { token: string; hash: string; expiresAt: Date } {
  const token = `stp_${randomBytes(32).toString('base64url')}`;
  return { token, hash: tokenHash(token), expiresAt: new Date(Date.now() + ttlMs) };
}

/** The page that completes a set-up (the console's), without the token: what the audit log keeps. */
function setupPage(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/setup`;
}

function invitation(user: UserView, ctx: InvitationContext, setup: { token: string; expiresAt: Date }): Invitation {
  return {
    user,
    setupLink: `${setupPage(ctx.baseUrl)}#token=${setup.token}`,
    setupExpiresAt: setup.expiresAt.toISOString(),
  };
}

/** Creates the user with a set-up link and audits it, in the caller's transaction. */
export async function inviteUser(
  client: pg.ClientBase,
  input: { email: string; name?: string; role: UserRole; merchantId: string | null },
  ctx: InvitationContext,
): Promise<Invitation> {
  const setup = newSetupToken(ctx.ttlMs);
  const user = await createUser(client, {
    ...input,
    createdBy: ctx.actor.name,
    setup: { tokenHash: setup.hash, expiresAt: setup.expiresAt },
  });
  await audit(client, 'user.invite', user, ctx, setup.expiresAt);
  return invitation(user, ctx, setup);
}

/** A new set-up link for an existing user (lost link, forgotten password): the previous link stops working. */
export async function reissueSetupLink(
  client: pg.ClientBase,
  user: UserView,
  ctx: InvitationContext,
): Promise<Invitation> {
  const setup = newSetupToken(ctx.ttlMs);
  const updated = await replaceSetupToken(client, user.id, { tokenHash: setup.hash, expiresAt: setup.expiresAt });
  if (!updated) throw new HttpError(404, 'NOT_FOUND', 'User not found');
  await audit(client, 'user.setup_link', updated, ctx, setup.expiresAt);
  return invitation(updated, ctx, setup);
}

async function audit(
  client: pg.ClientBase | Db,
  action: 'user.invite' | 'user.setup_link',
  user: UserView,
  ctx: InvitationContext,
  expiresAt: Date,
): Promise<void> {
  await recordAudit(client, {
    actor: ctx.actor,
    action,
    merchantId: user.merchantId,
    target: user.id,
    details: {
      email: user.email,
      role: user.role,
      setupPage: setupPage(ctx.baseUrl),
      expiresAt: expiresAt.toISOString(),
    },
    key: `${action}:${user.id}:${randomBytes(8).toString('hex')}`,
  });
}
