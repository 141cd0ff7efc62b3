import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitResetMs, retryAfterMs, snippet } from '../../activities/http/answers.js';
import { exchange, HttpUnreachable } from '../../activities/http/exchange.js';
import { freePort } from '../../dev/ports.js';

// The helper every outgoing client goes through, against a real HTTP server on a random port.

let server: Server;
let base: string;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/stall-body') {
      // Headers at once, then a body that never ends: the timeout must cover the body too.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
      return;
    }
    res.setHeader('retry-after', '3');
    res.writeHead(req.url === '/busy' ? 429 : 200).end(`${req.method} ${req.url} ${req.headers['x-test'] ?? ''}`);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const call = (path: string, timeoutMs = 2_000) => ({
  service: 'the test server',
  operation: `GET ${path}`,
  method: 'GET',
  url: `${base}${path}`,
  headers: { 'x-test': 'yes' },
  timeoutMs,
});

/** What the call threw (it must throw). */
const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => expect.unreachable('the call should fail'),
    (err: unknown) => err,
  );

describe('exchange', () => {
  it('answers status, headers and the whole body, whatever the status', async () => {
    const answer = await exchange(call('/busy'));
    expect(answer).toMatchObject({ status: 429, text: 'GET /busy yes' });
    expect(answer.headers.get('retry-after')).toBe('3');
  });

  it('keeps connections open between calls', async () => {
    const before = connections;
    for (let i = 0; i < 10; i++) await exchange(call(`/n${i}`));
    expect(connections - before).toBeLessThan(10);
  });

  it('a body that stalls after the headers is a timeout naming the service and the operation', async () => {
    const err = await failure(exchange(call('/stall-body', 300)));
    expect(err).toBeInstanceOf(HttpUnreachable);
    expect(err).toMatchObject({
      kind: 'timeout',
      message: 'the test server did not answer GET /stall-body within 300 ms',
    });
  });

  it('nobody listening is a network failure carrying the socket error', async () => {
    const port = await freePort();
    const err = await failure(exchange({ ...call('/'), url: `http://127.0.0.1:${port}/` }));
    expect(err).toMatchObject({ kind: 'network' });
    expect((err as Error).message).toMatch(/^Could not reach the test server for GET \/: .*ECONNREFUSED/);
  });
});

describe('reading answers', () => {
  const headers = (values: Record<string, string>) => new Headers(values);
  const now = () => Date.parse('2025-03-01T12:00:00Z');

  it.each([
    ['3', 3_000],
    ['2.0', 2_000],
    ['0.25', 250],
    ['Sat, 01 Mar 2025 12:00:05 GMT', 5_000],
    ['Sat, 01 Mar 2025 11:00:00 GMT', 0],
    ['soon', null],
    ['', null],
  ])('Retry-After %j → %j ms', (value, expected) => {
    expect(retryAfterMs(headers(value ? { 'retry-after': value } : {}), now)).toBe(expected);
  });

  it('X-Ratelimit-Reset is an epoch second, or seconds from now when small', () => {
    expect(rateLimitResetMs(headers({ 'x-ratelimit-reset': String(now() / 1000 + 7) }), now)).toBe(7_000);
    expect(rateLimitResetMs(headers({ 'x-ratelimit-reset': '4' }), now)).toBe(4_000);
    expect(rateLimitResetMs(headers({}), now)).toBeNull();
    expect(rateLimitResetMs(headers({ 'x-ratelimit-reset': '0' }), now)).toBeNull();
  });

  it('an error body is cut to its words', () => {
    expect(snippet('<html><body><h1>502</h1>\n<p>Bad   gateway</p></body></html>')).toBe('502 Bad gateway');
    expect(snippet('')).toBe('(empty body)');
    expect(snippet('x'.repeat(250))).toBe(`${'x'.repeat(200)}…`);
  });
});
