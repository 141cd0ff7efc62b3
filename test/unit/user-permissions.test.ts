import { describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth.js';
import type { UserView } from '../../db/users.js';
import { staffMayReach } from '../../api/roles.js';
import { invitationScope, mayManage } from '../../api/user-permissions.js';

const signedIn = (id: string, role: 'owner' | 'staff' | 'operator') => ({
  id,
  email: `${id}@x.example`,
  name: '',
  role,
  sessionHash: 'h',
});
const owner: Principal = {
  kind: 'merchant',
  merchantId: 'mer_a',
  name: 'A',
  keyId: 'usr_o',
  user: signedIn('usr_o', 'owner'),
};
const merchantKey: Principal = { kind: 'merchant', merchantId: 'mer_a', name: 'A', keyId: 'key_1' };
const operatorUser: Principal = {
  kind: 'operator',
  operator: 'f@x',
  keyId: 'usr_f',
  root: false,
  user: signedIn('usr_f', 'operator'),
};
const root: Principal = { kind: 'operator', operator: 'root', keyId: 'root', root: true };
const user = (id: string, role: UserView['role'], merchantId: string | null): UserView => ({
  id,
  email: `${id}@x.example`,
  name: '',
  role,
  merchantId,
  status: 'active',
  createdAt: '',
  createdBy: '',
  lastSignInAt: null,
});

describe('who staff may reach', () => {
  it('orders (with their sub-routes), channels, products, sales channels, carriers, events, me and signing out', () => {
    for (const path of [
      '/v1/orders',
      '/v1/orders/ord_0123456789abcdef01234567/resend',
      '/v1/orders/import',
      '/v1/orders/bulk/resend',
      '/v1/channels',
      '/v1/channels/chc_abcdefghijkl/deliveries',
      '/v1/products',
      '/v1/sales-channels',
      '/v1/carriers',
      '/v1/events',
      '/v1/me',
      '/v1/sessions',
      '/v1/sessions/current',
    ])
      expect(staffMayReach(path), path).toBe(true);
  });

  it('not money, keys, users, settings, operator routes, nor anything added later', () => {
    for (const path of [
      '/v1/wallet',
      '/v1/wallet/top-ups',
      '/v1/settings',
      '/v1/settings/paypal/link',
      '/v1/api-keys',
      '/v1/users',
      '/v1/users/usr_0123/setup-link',
      '/v1/finance/top-ups',
      '/v1/audit',
      '/v1/merchants',
      '/v1/ordersx',
      '/v1/some-new-route',
      '/V1/WALLET',
    ])
      expect(staffMayReach(path), path).toBe(false);
  });
});

describe('who invites whom', () => {
  it('owners and merchant keys invite staff of their own merchant', () => {
    expect(invitationScope(owner, {})).toEqual({ role: 'staff', merchantId: 'mer_a' });
    expect(invitationScope(merchantKey, { role: 'staff', merchantId: 'mer_a' })).toEqual({
      role: 'staff',
      merchantId: 'mer_a',
    });
    for (const req of [{ role: 'owner' as const }, { role: 'operator' as const }, { merchantId: 'mer_b' }])
      expect(() => invitationScope(owner, req)).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('operators invite operators by default, owners and staff of a named merchant', () => {
    expect(invitationScope(root, {})).toEqual({ role: 'operator', merchantId: null });
    expect(invitationScope(operatorUser, { role: 'owner', merchantId: 'mer_b' })).toEqual({
      role: 'owner',
      merchantId: 'mer_b',
    });
    expect(() => invitationScope(root, { role: 'staff' })).toThrow(expect.objectContaining({ status: 422 }));
    expect(() => invitationScope(root, { role: 'operator', merchantId: 'mer_b' })).toThrow(
      expect.objectContaining({ status: 422 }),
    );
  });
});

describe('who manages whom', () => {
  it("an owner its merchant's staff, not owners, not another merchant's, not itself", () => {
    expect(mayManage(owner, user('usr_s', 'staff', 'mer_a'))).toBe(true);
    expect(mayManage(owner, user('usr_o2', 'owner', 'mer_a'))).toBe(false);
    expect(mayManage(owner, user('usr_s2', 'staff', 'mer_b'))).toBe(false);
    expect(mayManage(owner, user('usr_o', 'owner', 'mer_a'))).toBe(false);
  });

  it('an operator anyone but itself', () => {
    expect(mayManage(root, user('usr_f', 'operator', null))).toBe(true);
    expect(mayManage(operatorUser, user('usr_o', 'owner', 'mer_a'))).toBe(true);
    expect(mayManage(operatorUser, user('usr_f', 'operator', null))).toBe(false);
  });
});
