import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/**
 * Webhook deliveries out of the shop, signed and labelled as Shopify does. A delivery keeps its id, body and
 * headers for good, so a redelivery is byte-for-byte the same request: what Shopify's at-least-once retries
 * look like to the platform. The signature is computed here with node:crypto, independently of the platform's
 * verifier, so a mistake in one cannot hide a mistake in the other.
 */

export interface WebhookConfig {
  shopDomain: string;
  webhookUrl: string | null;
  webhookSecret: string | null;
  apiVersion: string;
}

export type SignatureMode = 'valid' | 'wrong' | 'missing';

export interface DeliveryAttempt {
  at: string;
  url: string | null;
  status: number | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  eventId: string;
  topic: string;
  /** The exact bytes sent (UTF-8 JSON). */
  body: string;
  signature: SignatureMode;
  /** Fixed at the first real send and reused by every redelivery; null until then. */
  headers: Record<string, string> | null;
  /** The platform's HTTP status on the latest attempt; null when it was not sent or got no answer. */
  status: number | null;
  error: string | null;
  attempts: DeliveryAttempt[];
  createdAt: string;
}

export interface DeliverySummary {
  id: string;
  topic: string;
  status: number | null;
  error?: string;
}

/** Shopify gives a webhook endpoint 5 seconds to answer. */
const answerTimeoutMs = 5000;

export class WebhookSender {
  private deliveries: Delivery[] = [];

  constructor(
    private readonly config: WebhookConfig,
    private readonly now: () => number,
  ) {}

  list(): readonly Delivery[] {
    return this.deliveries;
  }

  async send(
    topic: string,
    body: string,
    opts: { deliveryId?: string | undefined; signature?: SignatureMode } = {},
  ): Promise<Delivery> {
    const delivery: Delivery = {
      id: opts.deliveryId ?? randomUUID(),
      eventId: randomUUID(),
      topic,
      body,
      signature: opts.signature ?? 'valid',
      headers: null,
      status: null,
      error: null,
      attempts: [],
      createdAt: new Date(this.now()).toISOString(),
    };
    this.deliveries.push(delivery);
    await this.attempt(delivery);
    return delivery;
  }

  /** Sends the latest delivery with this id again, to the URL configured now. Undefined when there is none. */
  async redeliver(id: string): Promise<Delivery | undefined> {
    const delivery = this.deliveries.findLast((d) => d.id === id);
    if (delivery) await this.attempt(delivery);
    return delivery;
  }

  reset(): void {
    this.deliveries = [];
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const url = this.config.webhookUrl;
    const result = await this.post(delivery, url);
    delivery.status = result.status;
    delivery.error = result.error;
    delivery.attempts.push({ at: new Date(this.now()).toISOString(), url, ...result });
  }

  private async post(delivery: Delivery, url: string | null): Promise<{ status: number | null; error: string | null }> {
    if (url === null) return { status: null, error: 'not sent: no webhook URL configured (PUT /_admin/config)' };
    if (delivery.headers === null) {
      const signature = this.sign(delivery);
      if (signature === null)
        return { status: null, error: 'not sent: no webhook secret configured (PUT /_admin/config)' };
      delivery.headers = this.headers(delivery, signature);
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(answerTimeoutMs),
      });
      // Drained so the connection is released; Shopify ignores what the endpoint answers beyond the status.
      await response.arrayBuffer();
      return { status: response.status, error: null };
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      return { status: null, error: timedOut ? `no answer within ${answerTimeoutMs} ms` : describe(err) };
    }
  }

  /** Undefined for an unsigned delivery, null when a valid signature is wanted but there is no secret yet. */
  private sign(delivery: Delivery): string | undefined | null {
    switch (delivery.signature) {
      case 'missing':
        return undefined;
      case 'wrong':
        // Well-formed but made with a secret nobody holds, like a request from someone who guessed the format.
        return hmac(delivery.body, randomBytes(32).toString('hex'));
      case 'valid':
        return this.config.webhookSecret === null ? null : hmac(delivery.body, this.config.webhookSecret);
    }
  }

  private headers(delivery: Delivery, signature: string | undefined): Record<string, string> {
    return {
      'Content-Type': 'application/json',
      'User-Agent': 'Shopify-Captain-Hook',
      'X-Shopify-Topic': delivery.topic,
      ...(signature === undefined ? {} : { 'X-Shopify-Hmac-SHA256': signature }),
      'X-Shopify-Shop-Domain': this.config.shopDomain,
      'X-Shopify-Webhook-Id': delivery.id,
      'X-Shopify-API-Version': this.config.apiVersion,
      'X-Shopify-Triggered-At': delivery.createdAt,
      'X-Shopify-Event-Id': delivery.eventId,
    };
  }
}

export function summary(delivery: Delivery): DeliverySummary {
  return {
    id: delivery.id,
    topic: delivery.topic,
    status: delivery.status,
    ...(delivery.error === null ? {} : { error: delivery.error }),
  };
}

function hmac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message;
}
