import type { TokenResponse } from './schemas.js';

/**
 * Holds the OAuth2 access token between calls. It is renewed a little before PayPal's `expires_in` runs out
 * (a minute early, or halfway for very short lifetimes) so a request never leaves with a token about to die,
 * and concurrent callers share one token request instead of each fetching their own.
 */
export class AccessTokenCache {
  private cached: { token: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly fetchToken: () => Promise<TokenResponse>,
    private readonly now: () => number,
  ) {}

  get(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    this.pending ??= this.renew().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets a token PayPal rejected; a token renewed meanwhile by another call is kept. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async renew(): Promise<string> {
    const requestedAt = this.now();
    const { access_token, expires_in } = await this.fetchToken();
    const lifetimeMs = expires_in * 1000;
    this.cached = { token: access_token, refreshAt: requestedAt + lifetimeMs - Math.min(60_000, lifetimeMs / 2) };
    return access_token;
  }
}
