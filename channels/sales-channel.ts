import { z } from 'zod';
import { ChannelRejected } from '../activities/channels/errors.js';
import type { ShopAccess, ShopClient, ShopConnector } from '../activities/channels/gateway.js';
import type { ShopOrderEvent } from './shop-order-event.js';

/**
 * How a shop platform's webhooks reach the platform: `POST /webhooks/<type>/<connection id>`, signed on the raw
 * bytes, with the topic and a delivery id in headers. Header names are written as the platform documents them
 * (matched without regard to case).
 */
export interface WebhookProtocol {
  signatureHeader: string;
  topicHeader: string;
  /** Repeated deliveries carry the same id; without one, the body's hash stands in. */
  deliveryHeader: string;
  /** The topics acted on, as the merchant subscribes them (shown in the API docs). */
  topics: readonly string[];
  verify(rawBody: Buffer, signature: string | undefined, secrets: readonly string[]): boolean;
  /** The signature header the shop sends with these bytes under this secret (what `verify` accepts). */
  sign(rawBody: Buffer | string, secret: string): string;
  /** The unsigned "are you there" call some platforms send when a webhook is saved: answered 200, nothing stored. */
  isPing?(rawBody: Buffer, contentType: string | undefined): boolean;
  /** Pure: the delivery's meaning for the platform, or why it is ignored or cannot be mapped. */
  map(topic: string, payload: unknown): ShopOrderEvent;
}

/**
 * A shop platform the merchants connect (Shopify, WooCommerce…): everything the platform knows of it lives in
 * its folder, channels/<type>/, and the registry (registry.ts) lists it. Routes, the shop gateway, the API docs
 * and the database's list of channel types are derived from the registry. Its simulator lives under simulators/
 * (production code never loads one) and is paired with it by `type` in the development and test set-ups.
 */
export interface SalesChannel extends ShopConnector {
  /** Lower-case: the webhook path segment, the stored connection type and the orders' `channel`. */
  readonly type: string;
  /** As merchants and operators read it: "WooCommerce". */
  readonly label: string;
  /** The API credentials a merchant posts to connect a shop (write-only, stored sealed). */
  readonly credentials: z.ZodObject;
  readonly webhook: WebhookProtocol;
}

/** The registered channels: never empty, as the types built from them require (z.enum, z.discriminatedUnion). */
export type SalesChannels = readonly [SalesChannel, ...SalesChannel[]];

/** `f` over every channel, keeping the list non-empty. */
export function mapChannels<T>(channels: SalesChannels, f: (channel: SalesChannel) => T): [T, ...T[]] {
  const [first, ...rest] = channels;
  return [f(first), ...rest.map(f)];
}

interface SalesChannelDefinition<C extends z.ZodObject> {
  type: string;
  label: string;
  credentials: C;
  webhook: WebhookProtocol;
  /** A client for one shop, from credentials already checked against `credentials`. */
  connect(credentials: z.output<C>, shop: { shopUrl: string; timeoutMs: number }): ShopClient;
}

/** Builds a channel module; the stored credentials are checked against the channel's schema before each use. */
export function defineSalesChannel<C extends z.ZodObject>(definition: SalesChannelDefinition<C>): SalesChannel {
  const { connect, ...channel } = definition;
  return {
    ...channel,
    shop({ shopUrl, credentials, timeoutMs }: ShopAccess): ShopClient {
      const parsed = definition.credentials.safeParse(credentials);
      if (!parsed.success) {
        // A refusal, not a retry: no attempt will make them readable; the merchant has to reconnect the shop.
        throw new ChannelRejected(
          `The stored ${definition.label} credentials are not usable: ${z.prettifyError(parsed.error)}`,
          null,
        );
      }
      return connect(parsed.data, { shopUrl, timeoutMs });
    },
  };
}
