import { describe, expect, it } from 'vitest';
import { crossOriginProblem, originOf, type RequestFacts } from '../../api/same-origin.js';

const own = ['http://127.0.0.1:3000', 'https://platform.example'];
const write = (facts: Partial<RequestFacts>): string | null =>
  crossOriginProblem({
    method: 'POST',
    origin: 'http://127.0.0.1:3000',
    contentType: 'application/json',
    hasBody: true,
    ownOrigins: own,
    ...facts,
  });

describe("a session's request: same-origin JSON or refused", () => {
  it('reads need nothing', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS'])
      expect(write({ method, origin: 'https://evil.example', contentType: undefined })).toBeNull();
  });

  it('a write from our own origin with a JSON body goes (any of our origins, any case, with a charset)', () => {
    expect(write({})).toBeNull();
    expect(write({ origin: 'https://PLATFORM.example', contentType: 'application/json; charset=utf-8' })).toBeNull();
    for (const method of ['PUT', 'PATCH', 'DELETE']) expect(write({ method })).toBeNull();
  });

  it('another origin (another site, another port, another scheme, null) is refused', () => {
    for (const origin of ['https://evil.example', 'http://127.0.0.1:3001', 'https://127.0.0.1:3000'])
      expect(write({ origin })).toMatch(/may not act with this site's session/);
    // A withheld origin ("null": no-referrer pages, sandboxed frames) proves nothing by itself.
    expect(write({ origin: 'null' })).toMatch(/must send an Origin header/);
    expect(write({ origin: 'null', originOptional: true })).toMatch(/must send an Origin header/);
    expect(write({ origin: 'null', fetchSite: 'cross-site' })).toMatch(/may not act/);
    expect(write({ origin: 'null', fetchSite: 'same-origin' })).toBeNull();
  });

  it('a write without an Origin is refused, except when signing in (scripts send none)', () => {
    expect(write({ origin: undefined })).toMatch(/must send an Origin header/);
    expect(write({ origin: undefined, originOptional: true })).toBeNull();
    expect(write({ origin: 'https://evil.example', originOptional: true })).toMatch(/may not act/);
  });

  it("without an Origin, the browser's Sec-Fetch-Site must say same-origin", () => {
    expect(write({ origin: undefined, fetchSite: 'same-origin' })).toBeNull();
    for (const fetchSite of ['same-site', 'cross-site', 'none'])
      expect(write({ origin: undefined, fetchSite })).toMatch(/may not act with this site's session/);
    expect(write({ origin: undefined, fetchSite: 'cross-site', originOptional: true })).toMatch(/may not act/);
    // An Origin that is not ours is refused whatever else is said.
    expect(write({ origin: 'https://evil.example', fetchSite: 'same-origin' })).toMatch(/may not act/);
  });

  it('what an HTML form can send is refused: form-encoded, multipart, text/plain, no type at all', () => {
    for (const contentType of [
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain',
      'text/csv',
      undefined,
      'application/jsonx',
    ])
      expect(write({ contentType })).toMatch(/must send a JSON body/);
  });

  it('a DELETE without a body needs no type; with a body it must be JSON', () => {
    expect(write({ method: 'DELETE', contentType: undefined, hasBody: false })).toBeNull();
    expect(write({ method: 'DELETE', contentType: 'text/plain', hasBody: true })).toMatch(/JSON body/);
  });

  it('origins compare as scheme://host:port, lower case', () => {
    expect(originOf('https://Platform.Example/console/')).toBe('https://platform.example');
    expect(originOf('http://127.0.0.1:3000/x?y')).toBe('http://127.0.0.1:3000');
    expect(originOf('not a url')).toBeNull();
    expect(originOf(undefined)).toBeNull();
  });
});
