import type { Listening } from './listen.js';

/**
 * A shop simulator as the development and test set-ups use it: the stand-in for one sales channel (paired with
 * the platform's channel module by `type`), the credentials it accepts, and how to point its webhooks at the
 * platform. The platform's production code never loads one.
 */
export interface ShopSandbox {
  /** The sales channel it stands in for (channels/<type>/). */
  type: string;
  /** API credentials the sandbox shop accepts, in the shape the channel's credentials schema takes. */
  credentials: Readonly<Record<string, string>>;
  /** Its port under `npm start`: this environment variable, else the default. */
  port: { variable: string; default: number };
  /**
   * Starts a shop. `clockSeed` (seconds since the epoch) makes its order ids start where no earlier run's did:
   * the shop keeps no state, but the platform remembers the orders it sent.
   */
  start(opts: { host: string; port: number; clockSeed?: number }): Promise<Listening>;
  /** The body of a paid order's webhook as the shop sends it (the fuzzer mutates it). */
  paidOrderPayload(): unknown;
  /** Where the shop sends its webhooks, signed with this secret. */
  configureWebhooks(shopUrl: string, webhook: { url: string; secret: string }): Promise<void>;
}
