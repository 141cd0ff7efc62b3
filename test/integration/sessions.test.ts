import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from '../support/browser-session.js';
import { openEventStream, type EventStream } from '../support/event-stream.js';
import { createMerchant, financeKey, orderInput } from '../support/fixtures.js';
import { describeScan, scanDatabaseForSecrets } from '../support/secrets-scan.js';
import { OPERATOR_KEY, startStack, type Stack } from '../support/stack.js';

/**
 * Users and sessions on the real stack: set-up links, sign-in with the `__Host-session` cookie, who am I, wrong
 * passwords and their limits, sign-out (here and everywhere), idle and absolute expiry, staff's limits, cross-site
 * requests refused, operator users audited by e-mail, and no token or password at rest.
 */
const ACCOUNT_FAILURES = 3;
const IP_FAILURES = 25;
let stack: Stack;
/** Sessions that end fast: idle after 2 s, absolutely after 6 s. */
let shortLived: Stack;
beforeAll(async () => {
  [stack, shortLived] = await Promise.all([
    startStack({
      env: {
        SIGN_IN_FAILURE_LIMIT: String(ACCOUNT_FAILURES),
        AUTH_FAILURE_LIMIT: String(IP_FAILURES),
        AUTH_FAILURE_WINDOW: '1h',
      },
    }),
    startStack({ env: { SESSION_IDLE_TIMEOUT: '2s', SESSION_MAX_AGE: '6s' } }),
  ]);
});
afterAll(async () => {
  await stack?.stop();
  await shortLived?.stop();
});

/** Every secret the scenario created, by name, for the scan at the end. */
const secrets: Record<string, string> = {};
const PASSWORD = 'correct horse battery staple';
const email = (who: string): string => `${who}-${randomBytes(3).toString('hex')}@shop.example`;
/** A different client address for each use (the API believes X-Forwarded-For from loopback, as from a proxy). */
const fromAddress = (): Record<string, string> => ({ 'x-forwarded-for': `10.9.${rnd()}.${rnd()}` });
const rnd = (): number => Math.floor(Math.random() * 250) + 1;
/** The token of a set-up link (its fragment): what must never be stored. */
const tokenOf = (setupLink: string): string => new URL(setupLink).hash.replace(/^#token=/, '');

/** An operator creates a merchant with its owner's e-mail; the owner completes the link in a browser. */
async function merchantWithOwner(s: Stack, ownerEmail = email('owner')) {
  const created = await s.api.post('/v1/merchants', { name: 'Session shop', ownerEmail }, { key: OPERATOR_KEY });
  expect(created.status, created.text).toBe(201);
  const owner = new BrowserSession(s.api);
  const setUp = await owner.setUp(created.body.setupLink, PASSWORD, 'Olivia Owner');
  expect(setUp.status, setUp.text).toBe(201);
  secrets[`setup link of ${ownerEmail}`] = tokenOf(created.body.setupLink);
  secrets[`session of ${ownerEmail}`] = owner.cookie!;
  return { merchant: { id: created.body.id as string, key: created.body.apiKey as string }, owner, ownerEmail };
}

describe('set-up links', () => {
  it('an operator creates a merchant with an owner e-mail: a one-time link, audited without its token, masked in a replay', async () => {
    const ownerEmail = email('owner');
    const idem = { key: OPERATOR_KEY, headers: { 'idempotency-key': `merchant-${ownerEmail}` } };
    const created = await stack.api.post('/v1/merchants', { name: 'Link shop', ownerEmail }, idem);
    expect(created.status, created.text).toBe(201);
    expect(created.body.owner).toMatchObject({ email: ownerEmail, role: 'owner', status: 'invited' });
    expect(created.body.setupLink).toMatch(/\/setup#token=stp_[A-Za-z0-9_-]{43}$/);
    secrets['setup link (merchant owner)'] = tokenOf(created.body.setupLink);

    const replay = await stack.api.post('/v1/merchants', { name: 'Link shop', ownerEmail }, idem);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.secretsShownOnce).toEqual(expect.arrayContaining(['apiKey', 'setupLink']));
    expect(replay.body.setupLink).not.toBe(created.body.setupLink);

    const audit = await stack.api.get(`/v1/audit?merchantId=${created.body.id}&action=user.invite`, {
      key: OPERATOR_KEY,
    });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      actor: 'root',
      target: created.body.owner.id,
      details: { email: ownerEmail, role: 'owner' },
    });
    expect(audit.body.items[0].details.setupPage).toMatch(/\/setup$/);
    expect(JSON.stringify(audit.body.items[0])).not.toContain(tokenOf(created.body.setupLink));

    // The link works once: it sets the password and signs the browser in.
    const browser = new BrowserSession(stack.api);
    const done = await browser.setUp(created.body.setupLink, PASSWORD, 'Olivia Owner');
    expect(done.status, done.text).toBe(201);
    expect(done.body.user).toMatchObject({ email: ownerEmail, name: 'Olivia Owner', status: 'active' });
    expect(browser.setCookie).toMatch(
      /^__Host-session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; Expires=.+; HttpOnly; Secure; SameSite=Lax$/,
    );
    const again = await new BrowserSession(stack.api).setUp(created.body.setupLink, 'another password!');
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('SETUP_LINK_INVALID');
    // …and the password is the first one.
    expect((await new BrowserSession(stack.api).signIn(ownerEmail, PASSWORD)).status).toBe(201);
    expect((await new BrowserSession(stack.api).signIn(ownerEmail, 'another password!')).status).toBe(401);
  });

  it('an e-mail belongs to one active user (any case): 409 EMAIL_TAKEN, and no merchant is created without its owner', async () => {
    const { ownerEmail } = await merchantWithOwner(stack);
    const before = (await stack.api.get('/v1/audit?action=user.invite&limit=200', { key: OPERATOR_KEY })).body.items
      .length;
    const twice = await stack.api.post(
      '/v1/merchants',
      { name: 'Second shop', ownerEmail: ownerEmail.toUpperCase() },
      { key: OPERATOR_KEY },
    );
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('EMAIL_TAKEN');
    const after = (await stack.api.get('/v1/audit?action=user.invite&limit=200', { key: OPERATOR_KEY })).body.items
      .length;
    expect(after).toBe(before);
  });
});

describe('signing in', () => {
  it('sign in sets the session cookie; /v1/me describes the person, an API key, or nobody (401)', async () => {
    const { owner, ownerEmail, merchant } = await merchantWithOwner(stack);
    const browser = new BrowserSession(stack.api);
    const signedIn = await browser.signIn(ownerEmail.toUpperCase(), PASSWORD);
    expect(signedIn.status, signedIn.text).toBe(201);
    expect(signedIn.body.user).toMatchObject({ email: ownerEmail, role: 'owner', merchantId: merchant.id });
    expect(browser.setCookie).toMatch(/HttpOnly; Secure; SameSite=Lax$/);
    expect(browser.cookie).not.toBe(owner.cookie);
    secrets['session (sign-in)'] = browser.cookie!;

    const me = await browser.get('/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { email: ownerEmail, role: 'owner', name: 'Olivia Owner', status: 'active' },
      merchant: { id: merchant.id, name: 'Session shop' },
      principal: { via: 'session', role: 'owner', root: false, keyId: null },
    });
    expect(me.body.user.lastSignInAt).not.toBeNull();
    const byKey = await stack.api.get('/v1/me', { key: merchant.key });
    expect(byKey.body).toMatchObject({
      user: null,
      merchant: { id: merchant.id },
      principal: { via: 'api_key', role: 'owner' },
    });
    const byRoot = await stack.api.get('/v1/me', { key: OPERATOR_KEY });
    expect(byRoot.body).toMatchObject({ user: null, merchant: null, principal: { role: 'operator', root: true } });
    const nobody = await stack.api.get('/v1/me');
    expect(nobody.status).toBe(401);

    // The session works the merchant's routes like its key does.
    expect((await browser.get('/v1/wallet')).status).toBe(200);
    expect((await browser.post('/v1/orders', orderInput())).status).toBeLessThan(300);
  });

  it('a wrong password and an unknown e-mail get the same 401', async () => {
    const { ownerEmail } = await merchantWithOwner(stack);
    const wrong = await new BrowserSession(stack.api).signIn(ownerEmail, 'not the password');
    const unknown = await new BrowserSession(stack.api).signIn(email('nobody'), 'not the password');
    const invited = await stack.api.post(
      '/v1/merchants',
      { name: 'x', ownerEmail: email('invited') },
      { key: OPERATOR_KEY },
    );
    const notSetUp = await new BrowserSession(stack.api).signIn(invited.body.owner.email, 'not the password');
    for (const res of [wrong, unknown, notSetUp]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'Wrong e-mail or password' } });
      expect(res.headers.getSetCookie()).toEqual([]);
    }
  });

  it(`after ${ACCOUNT_FAILURES} wrong passwords the account is refused (429, Retry-After), even the right password, from any address; other accounts go on`, async () => {
    const { ownerEmail } = await merchantWithOwner(stack);
    const other = await merchantWithOwner(stack);
    for (let i = 0; i < ACCOUNT_FAILURES; i++) {
      const res = await new BrowserSession(stack.api).signIn(ownerEmail, `wrong ${i}`);
      expect(res.status).toBe(401);
    }
    const limited = await new BrowserSession(stack.api).post(
      '/v1/sessions',
      { email: ownerEmail, password: PASSWORD },
      { headers: fromAddress() },
    );
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // An e-mail nobody has is limited the same way: the limit does not tell whether an account exists.
    const nobody = email('nobody');
    for (let i = 0; i < ACCOUNT_FAILURES; i++) await new BrowserSession(stack.api).signIn(nobody, `wrong ${i}`);
    expect((await new BrowserSession(stack.api).signIn(nobody, 'wrong')).status).toBe(429);
    expect((await new BrowserSession(stack.api).signIn(other.ownerEmail, PASSWORD)).status).toBe(201);
  });

  it('failed sign-ins are limited per address too (AUTH_FAILURE_LIMIT, shared with wrong API keys)', async () => {
    const address = fromAddress();
    for (let i = 0; i < IP_FAILURES; i++) {
      const res = await new BrowserSession(stack.api).post(
        '/v1/sessions',
        { email: email('spray'), password: 'password1' },
        { headers: address },
      );
      expect(res.status).toBe(401);
    }
    const { ownerEmail } = await merchantWithOwner(stack);
    const limited = await new BrowserSession(stack.api).post(
      '/v1/sessions',
      { email: ownerEmail, password: PASSWORD },
      { headers: address },
    );
    expect(limited.status).toBe(429);
    expect((await stack.api.get('/v1/me', { key: OPERATOR_KEY, headers: address })).status).toBe(429);
    // Another address signs in.
    expect(
      (
        await new BrowserSession(stack.api).post(
          '/v1/sessions',
          { email: ownerEmail, password: PASSWORD },
          { headers: fromAddress() },
        )
      ).status,
    ).toBe(201);
  });
});

describe('signing out', () => {
  it('sign out ends this browser only; sign out everywhere ends them all', async () => {
    const { ownerEmail } = await merchantWithOwner(stack);
    const [a, b, c] = [new BrowserSession(stack.api), new BrowserSession(stack.api), new BrowserSession(stack.api)];
    for (const browser of [a, b, c]) expect((await browser.signIn(ownerEmail, PASSWORD)).status).toBe(201);
    const stolen = a.cookie!;

    const out = await a.delete('/v1/sessions/current');
    expect(out.status).toBe(204);
    expect(a.cookie).toBeNull();
    // The cookie was cleared, and the token no longer works even if it was kept.
    a.cookie = stolen;
    const after = await a.get('/v1/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('SESSION_ENDED');
    expect((await b.get('/v1/me')).status).toBe(200);

    expect((await b.delete('/v1/sessions')).status).toBe(204);
    expect((await b.get('/v1/me')).status).toBe(401);
    expect((await c.get('/v1/me')).status).toBe(401);
    expect((await stack.api.delete('/v1/sessions', { key: OPERATOR_KEY })).status).toBe(403);
  });

  it('a session unused for SESSION_IDLE_TIMEOUT ends; a session in use ends at SESSION_MAX_AGE', async () => {
    const { ownerEmail } = await merchantWithOwner(shortLived);
    const idle = new BrowserSession(shortLived.api);
    const busy = new BrowserSession(shortLived.api);
    expect((await idle.signIn(ownerEmail, PASSWORD)).status).toBe(201);
    expect((await busy.signIn(ownerEmail, PASSWORD)).status).toBe(201);
    expect(busy.setCookie).toMatch(/Max-Age=6;/);
    const signedInAt = Date.now();
    // The busy browser keeps working past the idle timeout (each request moves its idle expiry forward) until its
    // maximum age; the idle one, left alone, has ended meanwhile while the busy one still worked.
    let idleEnded = false;
    for (;;) {
      const res = await busy.get('/v1/me');
      if (res.status !== 200) {
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('SESSION_ENDED');
        break;
      }
      if (!idleEnded && Date.now() - signedInAt > 3_000) {
        const left = await idle.get('/v1/me');
        expect(left.status).toBe(401);
        expect(left.body.error.code).toBe('SESSION_ENDED');
        expect(idle.cookie).toBeNull();
        idleEnded = true;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(idleEnded).toBe(true);
  });
});

describe('staff', () => {
  it('an owner invites staff; staff work orders and channels but are refused money, keys and users (403)', async () => {
    const { owner, merchant } = await merchantWithOwner(stack);
    const staffEmail = email('staff');
    const invited = await owner.post('/v1/users', { email: staffEmail, name: 'Sam Staff' });
    expect(invited.status, invited.text).toBe(201);
    expect(invited.body.user).toMatchObject({ role: 'staff', merchantId: merchant.id, status: 'invited' });
    secrets['setup link (staff)'] = tokenOf(invited.body.setupLink);
    // Owners invite staff only.
    expect((await owner.post('/v1/users', { email: email('x'), role: 'owner' })).status).toBe(403);
    expect((await owner.post('/v1/users', { email: email('x'), role: 'operator' })).status).toBe(403);

    const staff = new BrowserSession(stack.api);
    expect((await staff.setUp(invited.body.setupLink, PASSWORD)).status).toBe(201);
    expect((await staff.get('/v1/me')).body.principal.role).toBe('staff');
    expect((await staff.get('/v1/orders')).status).toBe(200);
    expect((await staff.get('/v1/channels')).status).toBe(200);
    expect((await staff.get('/v1/products')).status).toBe(200);
    const order = await staff.post('/v1/orders', orderInput());
    expect(order.status, order.text).toBeLessThan(300);

    const refused: [string, string, unknown?][] = [
      ['GET', '/v1/wallet'],
      ['GET', '/v1/wallet/transactions'],
      ['GET', '/v1/wallet/top-ups'],
      ['POST', '/v1/wallet/top-ups', { method: 'bank_transfer', amount: 5_000, currency: 'EUR' }],
      ['GET', '/v1/settings'],
      ['PUT', '/v1/settings/paypal', { enabled: true }],
      ['POST', '/v1/settings/paypal/link', {}],
      ['GET', '/v1/api-keys'],
      ['POST', '/v1/api-keys', { label: 'mine' }],
      ['GET', '/v1/users'],
      ['POST', '/v1/users', { email: email('x') }],
      ['DELETE', `/v1/users/${invited.body.user.id}`],
    ];
    for (const [method, path, body] of refused) {
      const res = await staff.request(method, path, body === undefined ? {} : { body });
      expect({ method, path, status: res.status, code: res.body?.error?.code }).toEqual({
        method,
        path,
        status: 403,
        code: 'ROLE_FORBIDDEN',
      });
    }

    // The live feed tells staff of orders, not of money: a credit to the wallet reaches the owner's stream only.
    const streams = await Promise.all(
      [owner, staff].map((b) =>
        openEventStream(stack.api.baseUrl, null, { headers: { cookie: `__Host-session=${b.cookie}` } }),
      ),
    );
    try {
      const [ownerStream, staffStream] = streams as [EventStream, EventStream];
      const credit = await stack.api.post(
        '/v1/finance/adjustments',
        { merchantId: merchant.id, amount: 700, reason: 'feed test' },
        { key: await financeKey(stack) },
      );
      expect(credit.status).toBe(201);
      await ownerStream.next((e) => e.event === 'wallet');
      const another = await staff.post('/v1/orders', orderInput());
      await staffStream.next((e) => e.event === 'order' && e.data.includes(another.body.id));
      await ownerStream.next((e) => e.event === 'order' && e.data.includes(another.body.id));
      expect(staffStream.events.map((e) => e.event)).not.toContain('wallet');
    } finally {
      for (const s of streams) s.close();
    }

    // The owner sees and removes its staff; the removed person's session ends at once.
    const users = await owner.get('/v1/users');
    expect(users.body.items.map((u: { email: string }) => u.email)).toContain(staffEmail);
    expect((await owner.delete(`/v1/users/${invited.body.user.id}`)).status).toBe(204);
    expect((await staff.get('/v1/orders')).status).toBe(401);
    expect((await new BrowserSession(stack.api).signIn(staffEmail, PASSWORD)).status).toBe(401);
    // An owner cannot remove itself, nor see another merchant's users.
    const me = (await owner.get('/v1/me')).body.user;
    expect((await owner.delete(`/v1/users/${me.id}`)).status).toBe(403);
    const other = await merchantWithOwner(stack);
    const otherOwner = (await other.owner.get('/v1/me')).body.user;
    expect((await owner.delete(`/v1/users/${otherOwner.id}`)).status).toBe(404);
  });
});

describe('cross-site requests', () => {
  it("a session's write from another origin, without an Origin, or not JSON is refused (403 CROSS_ORIGIN); API keys are unchanged", async () => {
    const { owner, merchant, ownerEmail } = await merchantWithOwner(stack);
    const evil = new BrowserSession(stack.api, 'https://evil.example');
    evil.cookie = owner.cookie;
    const cases = [
      await evil.post('/v1/api-keys', { label: 'stolen' }),
      await evil.delete('/v1/sessions'),
      // A cross-site HTML form: form-encoded, from the attacker's page.
      await evil.request('POST', '/v1/api-keys', {
        raw: 'label=stolen',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      // The same form sent from our own origin (say an old browser that sent no Origin, or a plain-text body).
      await owner.request('POST', '/v1/api-keys', {
        raw: 'label=stolen',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      await owner.request('POST', '/v1/api-keys', { raw: '{"label":"x"}', headers: { 'content-type': 'text/plain' } }),
      // A browser that sends no Origin but says the request is cross-site (fetch metadata).
      await owner.api.request('POST', '/v1/api-keys', {
        body: { label: 'stolen' },
        headers: { cookie: `__Host-session=${owner.cookie}`, 'sec-fetch-site': 'cross-site' },
      }),
      await owner.api.request('POST', '/v1/api-keys', {
        body: { label: 'no origin' },
        headers: { cookie: `__Host-session=${owner.cookie}` },
      }),
    ];
    for (const res of cases) {
      expect(res.status, res.text).toBe(403);
      expect(res.body.error.code).toBe('CROSS_ORIGIN');
    }
    // Reading is not a change: a GET needs no Origin (SameSite=Lax keeps the cookie off other sites' subrequests).
    expect((await evil.get('/v1/me')).status).toBe(200);
    // The same request, same-origin JSON, goes; the keys list shows no stolen key.
    expect((await owner.post('/v1/api-keys', { label: 'mine' })).status).toBe(201);
    // A browser that sends no Origin (Chromium with --disable-web-security) but says same-origin goes too.
    const noOrigin = await owner.api.request('POST', '/v1/api-keys', {
      body: { label: 'fetch metadata' },
      headers: { cookie: `__Host-session=${owner.cookie}`, 'sec-fetch-site': 'same-origin' },
    });
    expect(noOrigin.status).toBe(201);
    const keys = (await owner.get('/v1/api-keys')).body.items.map((k: { label: string }) => k.label);
    expect(keys).not.toContain('stolen');
    // An API key is sent on purpose by its holder: any Origin, any body type the route takes.
    const byKey = await stack.api.post(
      '/v1/api-keys',
      { label: 'script' },
      { key: merchant.key, headers: { origin: 'https://evil.example' } },
    );
    expect(byKey.status).toBe(201);

    // Signing in from another site, or by a form, is refused too (it would plant the attacker's session).
    const planted = await new BrowserSession(stack.api, 'https://evil.example').signIn(ownerEmail, PASSWORD);
    expect(planted.status).toBe(403);
    const form = await stack.api.request('POST', '/v1/sessions', {
      raw: `email=${encodeURIComponent(ownerEmail)}&password=${encodeURIComponent(PASSWORD)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(403);
    expect(form.body.error.code).toBe('CROSS_ORIGIN');
  });
});

describe('operators', () => {
  it('the root key invites an operator user, whose money actions are audited under its e-mail; a named key under its name', async () => {
    const operatorEmail = email('finance');
    const invited = await stack.api.post(
      '/v1/users',
      { email: operatorEmail, name: 'Fiona Finance' },
      { key: OPERATOR_KEY },
    );
    expect(invited.status, invited.text).toBe(201);
    expect(invited.body.user).toMatchObject({ role: 'operator', merchantId: null });
    secrets['setup link (operator)'] = tokenOf(invited.body.setupLink);
    const operator = new BrowserSession(stack.api);
    expect((await operator.setUp(invited.body.setupLink, PASSWORD)).status).toBe(201);
    secrets['session (operator)'] = operator.cookie!;
    expect((await operator.get('/v1/me')).body.principal).toMatchObject({
      via: 'session',
      role: 'operator',
      root: false,
    });

    const merchant = await createMerchant(stack);
    const adjusted = await operator.post('/v1/finance/adjustments', {
      merchantId: merchant.id,
      amount: 1_500,
      reason: 'goodwill credit',
    });
    expect(adjusted.status, adjusted.text).toBe(201);
    expect(adjusted.body.adjustment.by).toBe(operatorEmail);
    const byKey = await stack.api.post(
      '/v1/finance/adjustments',
      { merchantId: merchant.id, amount: 500, reason: 'second credit' },
      { key: await financeKey(stack) },
    );
    expect(byKey.status).toBe(201);
    const audit = await operator.get(`/v1/audit?merchantId=${merchant.id}&action=wallet.adjustment`);
    expect(audit.body.items.map((e: { actor: string; amount: number }) => [e.actor, e.amount])).toEqual([
      ['Test Finance', 500],
      [operatorEmail, 1_500],
    ]);
    const invitedBy = await stack.api.get('/v1/audit?action=user.invite&limit=200', { key: OPERATOR_KEY });
    expect(invitedBy.body.items.find((e: { target: string }) => e.target === invited.body.user.id)).toMatchObject({
      actor: 'root',
      details: { email: operatorEmail, role: 'operator' },
    });

    // Operator users list operators, invite owners for existing merchants, and issue new links; not root's keys.
    const operators = await operator.get('/v1/users');
    expect(operators.body.items.map((u: { email: string }) => u.email)).toContain(operatorEmail);
    const ownerInvite = await operator.post('/v1/users', {
      email: email('owner'),
      role: 'owner',
      merchantId: merchant.id,
    });
    expect(ownerInvite.status).toBe(201);
    const relinked = await operator.post(`/v1/users/${ownerInvite.body.user.id}/setup-link`, {});
    expect(relinked.status).toBe(201);
    secrets['setup link (re-issued)'] = tokenOf(relinked.body.setupLink);
    expect((await new BrowserSession(stack.api).setUp(ownerInvite.body.setupLink, PASSWORD)).status).toBe(400);
    expect((await new BrowserSession(stack.api).setUp(relinked.body.setupLink, PASSWORD)).status).toBe(201);
    expect((await operator.post('/v1/operator-keys', { name: 'Sneaky' })).status).toBe(403);
  });
});

describe('the contract', () => {
  it('/openapi.json documents the routes of users and sessions, and the session cookie beside the bearer key', async () => {
    const doc = (await stack.api.get('/openapi.json')).body;
    for (const [path, method] of [
      ['/v1/sessions', 'post'],
      ['/v1/setup', 'post'],
      ['/v1/me', 'get'],
      ['/v1/sessions/current', 'delete'],
      ['/v1/sessions', 'delete'],
      ['/v1/users', 'get'],
      ['/v1/users', 'post'],
      ['/v1/users/{id}/setup-link', 'post'],
      ['/v1/users/{id}', 'delete'],
    ] as const)
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    expect(doc.components.securitySchemes.session).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: '__Host-session',
    });
    expect(doc.paths['/v1/wallet'].get.security).toEqual([{ apiKey: [] }, { session: [] }]);
    expect(doc.paths['/v1/sessions'].post.security).toBeUndefined();
    expect(doc.components.schemas.CreateMerchant.properties.ownerEmail).toBeDefined();
    expect(doc.components.schemas.MerchantCreated.properties.setupLink).toBeDefined();
  });
});

describe('at rest', () => {
  it('no session token, set-up link or password is stored in clear in any table', async () => {
    secrets['password'] = PASSWORD;
    expect(Object.keys(secrets).length).toBeGreaterThan(8);
    const report = await scanDatabaseForSecrets(stack.databaseUrl, secrets);
    console.log(describeScan(report));
    expect(report.read.map((t) => t.table)).toEqual(
      expect.arrayContaining(['users', 'sessions', 'audit_log', 'idempotency_keys', 'rate_limits']),
    );
    expect(report.found).toEqual([]);
  });
});
