import { createHmac, randomBytes } from 'node:crypto';
import type { WebhookConfig } from './context.js';
import { phpJsonEncode } from './php-json.js';
import type { DeliveryRecord, WooState } from './state.js';

/**
 * Webhooks out, as WooCommerce's `WC_Webhook::deliver` sends them: the payload JSON-encoded by PHP, signed with
 * base64(HMAC-SHA256(exact body, secret)), the X-WC-Webhook-* headers, redirects not followed. The ping sent
 * when a webhook is saved is a bare form body without any of those headers.
 */

export type SignatureMode = 'valid' | 'wrong' | 'missing';

export const hookshotUserAgent = 'WooCommerce/9.4.3 Hookshot (WordPress/6.7.2)';

export class NoDeliveryUrl extends Error {
  constructor() {
    super('No webhook delivery URL is configured: PUT /_admin/config { "webhookUrl": "…" } first');
  }
}

interface OutgoingRequest {
  id: string;
  attempt: number;
  topic: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export class WebhookSender {
  private readonly closing = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly config: () => WebhookConfig,
    private readonly state: WooState,
    private readonly now: () => Date,
    private readonly timeoutMs = 30_000,
  ) {}

  async deliver(
    topic: string,
    payload: unknown,
    opts: { deliveryId?: string | undefined; signature?: SignatureMode | undefined } = {},
  ): Promise<DeliveryRecord> {
    const config = this.config();
    if (!config.deliveryUrl) throw new NoDeliveryUrl();
    const body = phpJsonEncode(payload);
    const id = opts.deliveryId ?? randomBytes(16).toString('hex');
    const dot = topic.indexOf('.');
    const signature = signatureFor(body, config.secret, opts.signature ?? 'valid');
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': hookshotUserAgent,
      'X-WC-Webhook-Source': config.shopUrl,
      'X-WC-Webhook-Topic': topic,
      'X-WC-Webhook-Resource': dot < 0 ? topic : topic.slice(0, dot),
      'X-WC-Webhook-Event': dot < 0 ? '' : topic.slice(dot + 1),
      ...(signature === null ? {} : { 'X-WC-Webhook-Signature': signature }),
      'X-WC-Webhook-ID': String(config.webhookId),
      'X-WC-Webhook-Delivery-ID': id,
    };
    return this.transmit({ id, attempt: 1, topic, url: config.deliveryUrl, headers, body });
  }

  /** Sends a recorded delivery again byte for byte (same delivery id and signature): an at-least-once duplicate. */
  async redeliver(deliveryId: string): Promise<DeliveryRecord | undefined> {
    const sent = this.state.deliveries.filter((d) => d.id === deliveryId);
    const first = sent[0];
    if (!first) return undefined;
    const url = this.config().deliveryUrl ?? first.url;
    return this.transmit({
      id: first.id,
      attempt: sent.length + 1,
      topic: first.topic,
      url,
      headers: first.headers,
      body: first.body,
    });
  }

  async ping(): Promise<DeliveryRecord> {
    const config = this.config();
    if (!config.deliveryUrl) throw new NoDeliveryUrl();
    return this.transmit({
      id: `ping-${randomBytes(8).toString('hex')}`,
      attempt: 1,
      topic: 'ping',
      url: config.deliveryUrl,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': hookshotUserAgent },
      body: `webhook_id=${config.webhookId}`,
    });
  }

  /**
   * Changes made through the REST API are announced after the API has answered, as WooCommerce queues its
   * deliveries. Nothing is sent while no delivery URL is configured, as with a shop without webhooks.
   */
  deliverInBackground(topic: string, payload: unknown): void {
    if (!this.config().deliveryUrl) return;
    const snapshot = structuredClone(payload);
    const sending: Promise<unknown> = new Promise((resolve) => setImmediate(resolve))
      .then(() => this.deliver(topic, snapshot))
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private async transmit(request: OutgoingRequest): Promise<DeliveryRecord> {
    const at = this.now().toISOString();
    let status: number | null = null;
    let error: string | null = null;
    let responseBody = '';
    try {
      const res = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      status = res.status;
      responseBody = (await res.text()).slice(0, 2000);
    } catch (err) {
      error = describeError(err);
    }
    const record: DeliveryRecord = { ...request, headers: { ...request.headers }, status, error, responseBody, at };
    this.state.deliveries.push(record);
    return record;
  }
}

function signatureFor(body: string, secret: string, mode: SignatureMode): string | null {
  if (mode === 'missing') return null;
  // A wrong signature still looks right (base64 of 32 bytes): only the key differs.
  const key = mode === 'valid' ? secret : `not-${secret}`;
  return createHmac('sha256', key).update(body, 'utf8').digest('base64');
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause =
    err.cause instanceof Error ? ` (${(err.cause as NodeJS.ErrnoException).code ?? err.cause.message})` : '';
  return `${err.name}: ${err.message}${cause}`;
}
