import { z } from 'zod';
import { withSecretReplay } from './secret-fields.js';

/** The request and answer shapes of users and sessions (api/routes/sessions.ts, api/routes/users.ts). */

export const UserRole = z.enum(['owner', 'staff', 'operator']).meta({
  description:
    "owner: everything of its merchant; staff: the merchant's orders and channels, not money, keys or users; operator: what an operator key can do, audited under the user's e-mail",
});

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: UserRole,
    merchantId: z.string().nullable().meta({ description: 'null for operators' }),
    status: z.enum(['invited', 'active']).meta({ description: 'invited: the set-up link has not been used yet' }),
    createdAt: z.string(),
    createdBy: z.string(),
    lastSignInAt: z.string().nullable(),
  })
  .meta({ id: 'User' });

export const UserList = z.object({ items: z.array(User) }).meta({ id: 'UserList' });

/** A password someone chooses: long enough to resist guessing, short enough to hash quickly. */
export const NewPassword = z
  .string()
  .min(10, 'at least 10 characters')
  .max(256, 'at most 256 characters')
  .meta({ description: '10 to 256 characters; only its argon2id hash is stored' });

export const SignIn = z
  .object({
    email: z.string().trim().min(1).max(254),
    password: z.string().min(1).max(1024),
  })
  .strict()
  .meta({ id: 'SignIn' });

export const SignedIn = z
  .object({ user: User })
  .meta({ id: 'SignedIn', description: 'The session is the `__Host-session` cookie set with this answer' });

export const CompleteSetup = z
  .object({
    token: z.string().min(20).max(200).meta({ description: 'The part of the set-up link after `#token=`' }),
    password: NewPassword,
    name: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .meta({ id: 'CompleteSetup' });

export const Me = z
  .object({
    user: User.nullable().meta({ description: 'The signed-in person; null for an API key' }),
    merchant: z
      .object({ id: z.string(), name: z.string() })
      .nullable()
      .meta({ description: 'The merchant acted for; null for operators' }),
    principal: z.object({
      via: z.enum(['session', 'api_key']),
      role: UserRole.meta({ description: 'A merchant API key acts with the owner role' }),
      root: z.boolean().meta({ description: 'The root operator key (OPERATOR_API_KEY)' }),
      name: z.string().meta({ description: "The operator's name or e-mail, or the merchant's name" }),
      keyId: z.string().nullable().meta({ description: 'The API key used; null for a session' }),
    }),
  })
  .meta({ id: 'Me' });

export const CreateUser = z
  .object({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(100).optional(),
    role: UserRole.optional().meta({
      description:
        'Owners invite staff (the default for them). Operators invite operators (their default), or an owner or staff of `merchantId`',
    }),
    merchantId: z.string().min(1).max(64).optional().meta({ description: 'Operators only: the merchant to invite to' }),
  })
  .strict()
  .meta({ id: 'CreateUser' });

const setupLink = z.string().meta({
  secret: true,
  description:
    'The one-time set-up link (the token is after `#token=`): shown once, only its hash is stored (masked in a replay); hand it to the person. It works once, until setupExpiresAt',
  example: 'https://platform.example/setup#token=…',
});

export const UserInvited = withSecretReplay(z.object({ user: User, setupLink, setupExpiresAt: z.string() })).meta({
  id: 'UserInvited',
  description: 'A new set-up link replaces any previous one; completing it sets (or resets) the password',
});

/** What POST /v1/merchants adds when given an `ownerEmail`. */
export const MerchantOwner = {
  owner: User.optional(),
  setupLink: setupLink.optional(),
  setupExpiresAt: z.string().optional(),
};
