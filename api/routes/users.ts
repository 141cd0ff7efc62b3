import { Router, type Request } from 'express';
import { z } from 'zod';
import { recordAudit } from '../../db/audit.js';
import { getMerchant } from '../../db/merchants.js';
import { inTransaction, type Db } from '../../db/pool.js';
import { disableUser, EmailTaken, getUser, listUsers, type UserView } from '../../db/users.js';
import { actorOf, principalOf } from '../auth.js';
import { HttpError, notFound } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { inviteUser, reissueSetupLink, type InvitationContext } from '../invitations.js';
import { ownOriginsOf } from '../same-origin.js';
import { CreateUser, UserInvited, UserList } from '../user-schemas.js';
import { invitationScope, mayManage } from '../user-permissions.js';
import { parseBody, parseQuery } from '../validation.js';
import type { Spec } from '../openapi-spec.js';

export const UserQuery = z.object({
  merchantId: z.string().max(64).optional().meta({ description: "Operators: this merchant's users (else operators)" }),
});

export const userSpecs: Spec[] = [
  {
    method: 'get',
    path: '/v1/users',
    summary: "Users: an owner sees its merchant's; an operator sees operators, or a merchant's with `merchantId`",
    query: UserQuery,
    ok: [200, UserList, 'The active and invited users'],
    errors: [401, 403, 404, 422],
  },
  {
    method: 'post',
    path: '/v1/users',
    summary:
      'Invite a person: an owner invites staff; an operator (the root key included) invites operators, or an owner or staff of `merchantId`. The one-time set-up link is in the answer only (no e-mail is sent); the audit log records the invitation without its token',
    body: CreateUser,
    ok: [201, UserInvited, 'Invited'],
    errors: [400, 401, 403, 404, 409, 422],
    idempotent: true,
  },
  {
    method: 'post',
    path: '/v1/users/{id}/setup-link',
    summary:
      'A new set-up link for a user (lost link, forgotten password): the previous one stops working; completing it replaces the password and ends the sessions',
    ok: [201, UserInvited, 'A new link'],
    errors: [401, 403, 404],
    idempotent: true,
  },
  {
    method: 'delete',
    path: '/v1/users/{id}',
    summary: 'Remove a user: an owner its staff, an operator anyone but itself. Its sessions end at once (audited)',
    ok: [204, z.null(), 'Removed'],
    errors: [401, 403, 404],
  },
];

export interface UserRouteOptions {
  publicBaseUrl: string | undefined;
  setupLinkTtlMs: number;
}

/** Where set-up links point, who signs the invitation, and how long the link works. */
export function invitationContext(req: Request, opts: UserRouteOptions): InvitationContext {
  return {
    baseUrl: opts.publicBaseUrl ?? ownOriginsOf(req, undefined)[0] ?? '',
    ttlMs: opts.setupLinkTtlMs,
    actor: actorOf(req),
  };
}

export const emailTaken = (): HttpError =>
  new HttpError(409, 'EMAIL_TAKEN', 'A user with this e-mail exists: issue it a new set-up link instead');

/** Users: owners manage their staff, operators manage operators (and any merchant's users). */
export function userRoutes(db: Db, opts: UserRouteOptions): Router {
  const router = Router();

  const manageable = async (req: Request): Promise<UserView> => {
    const user = await getUser(db, String(req.params.id));
    const p = principalOf(req);
    // Another merchant's users do not exist for an owner; one's own account is not managed here.
    if (!user || (p.kind === 'merchant' && user.merchantId !== p.merchantId)) throw notFound('User');
    if (!mayManage(p, user))
      throw new HttpError(
        403,
        'ROLE_FORBIDDEN',
        p.user?.id === user.id ? 'Your own account is managed by someone else' : 'Owners manage their staff',
      );
    return user;
  };

  router.get('/v1/users', async (req, res) => {
    const p = principalOf(req);
    const q = parseQuery(UserQuery, req);
    if (p.kind === 'merchant') return res.json({ items: await listUsers(db, { merchantId: p.merchantId }) });
    if (q.merchantId && !(await getMerchant(db, q.merchantId))) throw notFound('Merchant');
    res.json({ items: await listUsers(db, q.merchantId ? { merchantId: q.merchantId } : { operators: true }) });
  });

  router.post('/v1/users', idempotent(db, { answer: UserInvited }), async (req, res) => {
    const p = principalOf(req);
    const body = parseBody(CreateUser, req);
    const scope = invitationScope(p, body);
    if (scope.merchantId && p.kind === 'operator' && !(await getMerchant(db, scope.merchantId)))
      throw notFound('Merchant');
    try {
      const invited = await inTransaction(db, (client) =>
        inviteUser(
          client,
          { email: body.email, ...(body.name ? { name: body.name } : {}), ...scope },
          invitationContext(req, opts),
        ),
      );
      res.status(201).json(invited);
    } catch (error) {
      if (error instanceof EmailTaken) throw emailTaken();
      throw error;
    }
  });

  router.post('/v1/users/:id/setup-link', idempotent(db, { answer: UserInvited }), async (req, res) => {
    const user = await manageable(req);
    res
      .status(201)
      .json(await inTransaction(db, (client) => reissueSetupLink(client, user, invitationContext(req, opts))));
  });

  router.delete('/v1/users/:id', async (req, res) => {
    const user = await manageable(req);
    const actor = actorOf(req);
    await inTransaction(db, async (client) => {
      if (!(await disableUser(client, user.id, actor.name))) throw notFound('User');
      await recordAudit(client, {
        actor,
        action: 'user.remove',
        merchantId: user.merchantId,
        target: user.id,
        details: { email: user.email, role: user.role },
        key: `user.remove:${user.id}`,
      });
    });
    res.status(204).end();
  });

  return router;
}
