import { type HttpClient, type HttpResponse, type RequestOptions } from '../../dev/http-client.js';

/**
 * What a browser on the console's page does with the API: keeps the `__Host-session` cookie the API sets (and drops
 * it when the API clears it) and sends it back, with the page's Origin, on every request. Real sockets throughout;
 * the test chooses the Origin to play a page on another site.
 */
export class BrowserSession {
  cookie: string | null = null;
  /** The last Set-Cookie of the session cookie, as the API sent it. */
  setCookie: string | null = null;
  readonly origin: string;

  constructor(
    readonly api: HttpClient,
    origin?: string,
  ) {
    this.origin = origin ?? new URL(api.baseUrl).origin;
  }

  async request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { origin: this.origin, ...opts.headers };
    if (this.cookie) headers.cookie = `__Host-session=${this.cookie}`;
    const res = await this.api.request<T>(method, path, { ...opts, headers });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('__Host-session='));
    if (set) {
      this.setCookie = set;
      const value = /^__Host-session=([^;]*)/.exec(set)?.[1] ?? '';
      this.cookie = value && !/Expires=Thu, 01 Jan 1970/i.test(set) ? value : null;
    }
    return res;
  }

  get<T = any>(path: string, opts?: RequestOptions) {
    return this.request<T>('GET', path, opts);
  }
  post<T = any>(path: string, body: unknown = {}, opts: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...opts, body });
  }
  put<T = any>(path: string, body: unknown = {}, opts: RequestOptions = {}) {
    return this.request<T>('PUT', path, { ...opts, body });
  }
  delete<T = any>(path: string, opts?: RequestOptions) {
    return this.request<T>('DELETE', path, opts);
  }

  signIn(email: string, password: string) {
    return this.post('/v1/sessions', { email, password });
  }

  /** Completes a set-up link (its token is the fragment) with a password: the browser is then signed in. */
  setUp(setupLink: string, password: string, name?: string) {
    const token = new URL(setupLink).hash.replace(/^#token=/, '');
    return this.post('/v1/setup', { token, password, ...(name ? { name } : {}) });
  }
}
