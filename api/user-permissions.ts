import type { UserRole, UserView } from '../db/users.js';
import type { Principal } from './auth.js';
import { HttpError } from './errors.js';

/**
 * Who may invite and manage whom. Owners (and merchant API keys, which act with the owner's rights) invite and
 * remove their merchant's staff; operators (keys or users) invite operators, and an owner or staff for a merchant.
 * Staff never reach these routes (api/roles.ts). Pure, so that the rules are tested on their own.
 */

export interface InvitationRequest {
  role?: UserRole | undefined;
  merchantId?: string | undefined;
}

const forbidden = (message: string): HttpError => new HttpError(403, 'ROLE_FORBIDDEN', message);

/** The role and merchant of the user `p` is inviting, or a 403/422 saying why it may not. */
export function invitationScope(p: Principal, req: InvitationRequest): { role: UserRole; merchantId: string | null } {
  if (p.kind === 'merchant') {
    const role = req.role ?? 'staff';
    if (role !== 'staff') throw forbidden('Owners invite staff; an operator invites owners and operators');
    if (req.merchantId !== undefined && req.merchantId !== p.merchantId)
      throw forbidden('Owners invite to their own merchant; leave merchantId out');
    return { role, merchantId: p.merchantId };
  }
  const role = req.role ?? 'operator';
  if (role === 'operator') {
    if (req.merchantId !== undefined)
      throw new HttpError(422, 'VALIDATION_FAILED', 'merchantId: operators belong to no merchant', [
        { path: 'merchantId', message: 'operators belong to no merchant' },
      ]);
    return { role, merchantId: null };
  }
  if (req.merchantId === undefined)
    throw new HttpError(
      422,
      'VALIDATION_FAILED',
      `merchantId: required to invite an ${role === 'owner' ? 'owner' : 'staff member'}`,
      [{ path: 'merchantId', message: 'required for an owner or staff' }],
    );
  return { role, merchantId: req.merchantId };
}

/**
 * Whether `p` may see and manage `user` (remove it, issue it a new set-up link): an owner its merchant's staff,
 * an operator anyone. Nobody manages their own account this way (an owner cannot lock its merchant out).
 */
export function mayManage(p: Principal, user: UserView): boolean {
  if (p.user?.id === user.id) return false;
  if (p.kind === 'operator') return true;
  return user.merchantId === p.merchantId && user.role === 'staff';
}
