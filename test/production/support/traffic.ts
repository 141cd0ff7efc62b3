import { HttpClient, type HttpResponse } from '../../../dev/http-client.js';

/**
 * Clients of a replicated API the way a load balancer serves them: requests go round-robin to the replicas; a
 * refused connection (a replica that died) or a 5xx is retried on the next replica with the same Idempotency-Key.
 * Every 5xx and refused connection is recorded with its time, so that the test can tell those inside an outage
 * window from those outside.
 */
export interface Failure {
  at: number;
  api: string;
  what: string;
  status: number | null;
}

export interface Window {
  what: string;
  from: number;
  to: number;
}

export class Traffic {
  readonly serverErrors: Failure[] = [];
  readonly refused: Failure[] = [];
  /** 409 IDEMPOTENCY_KEY_IN_USE: the twin of this request died with its replica; retried until its claim expires. */
  readonly keyInUse: Failure[] = [];
  private next = 0;
  private readonly clients: HttpClient[];

  constructor(
    urls: string[],
    private readonly giveUpAfterMs = 240_000,
  ) {
    this.clients = urls.map((url) => new HttpClient(url));
  }

  async send(
    method: string,
    path: string,
    opts: { key: string; body?: unknown; idempotencyKey?: string },
  ): Promise<HttpResponse & { retried: boolean }> {
    const deadline = Date.now() + this.giveUpAfterMs;
    let retried = false;
    for (let attempt = 0; ; attempt += 1) {
      const client = this.clients[this.next++ % this.clients.length]!;
      const what = `${method} ${path.replace(/ord_[\w]+/, ':id')}`;
      try {
        const res = await client.request(method, path, {
          key: opts.key,
          ...(opts.body !== undefined ? { body: opts.body } : {}),
          ...(opts.idempotencyKey ? { headers: { 'Idempotency-Key': opts.idempotencyKey } } : {}),
        });
        // A request with the same key that a killed replica left unfinished: its claim is taken over after a while.
        if (
          res.status === 409 &&
          (res.body as { error?: { code?: string } } | null)?.error?.code === 'IDEMPOTENCY_KEY_IN_USE'
        ) {
          this.keyInUse.push({ at: Date.now(), api: client.baseUrl, what, status: 409 });
        } else if (res.status < 500) return { ...res, retried };
        else
          this.serverErrors.push({
            at: Date.now(),
            api: client.baseUrl,
            what: `${what} → ${res.status} ${res.text.slice(0, 160)}`,
            status: res.status,
          });
      } catch (error) {
        this.refused.push({
          at: Date.now(),
          api: client.baseUrl,
          what: `${what}: ${(error as Error).message}`,
          status: null,
        });
      }
      retried = true;
      if (Date.now() > deadline) throw new Error(`${method} ${path}: no answer below 500 for ${this.giveUpAfterMs} ms`);
      await new Promise((r) => setTimeout(r, Math.min(2_000, 200 * 2 ** Math.min(attempt, 4))));
    }
  }
}

export function inside(at: number, windows: Window[]): boolean {
  return windows.some((w) => at >= w.from && at <= w.to);
}
