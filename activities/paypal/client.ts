import type { z } from 'zod';
import { AccessTokenCache } from './access-token.js';
import { parseInput, type ApiCall } from './api-call.js';
import { fromPayPalValue, toPayPalValue } from './amounts.js';
import { declinedFrom, PayPalConfigError, PayPalDeclined, PayPalTransientError } from './errors.js';
import {
  ChargeInputSchema,
  OrderSchema,
  RefundInputSchema,
  RefundSchema,
  TokenResponseSchema,
  type Capture,
  type Order,
} from './schemas.js';
import { PayPalTransport } from './transport.js';
import { PayPalVault, type PayPalPaymentToken, type PayPalSetupToken, type PayPalSetupTokenInput } from './vault.js';
import type { FetchLike } from '../http/exchange.js';

export {
  PayPalConfigError,
  PayPalDeclined,
  PayPalError,
  PayPalTransientError,
  type PayPalTransientKind,
} from './errors.js';
export type { PayPalPaymentToken, PayPalSetupToken, PayPalSetupTokenInput } from './vault.js';

export interface PayPalChargeInput {
  /** Business idempotency key, e.g. "order:ord_x:paypal:1": the same key never charges twice. */
  requestKey: string;
  /** Our order reference; PayPal refuses a second payment under the same one (DUPLICATE_INVOICE_ID). */
  invoiceId: string;
  /** The merchant's saved PayPal account (a Vault v3 payment token id, from createPaymentToken). */
  vaultId: string;
  /** Integer minor units (cents). */
  amount: number;
  currency: string;
  description?: string;
}

export interface PayPalCharge {
  paypalOrderId: string;
  captureId: string;
  amount: number;
  currency: string;
  /**
   * The capture's status. COMPLETED normally; PENDING when PayPal holds the funds for review (the capture id
   * is final, the money settles later). A repeated charge of an already refunded payment shows its refund status.
   */
  status: string;
}

export interface PayPalClientOptions {
  /** https://api-m.sandbox.paypal.com, https://api-m.paypal.com, or the simulator's url. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Limit for each HTTP exchange; a charge makes up to four (token, create, capture, order lookup). */
  timeoutMs: number;
  /** Replaces the shared HTTP helper's fetch (tests replaying recorded answers). */
  fetchImpl?: FetchLike;
  now?: () => number;
}

/** Capture statuses under which no money moved. */
const failedCaptureStatuses = new Set(['DECLINED', 'FAILED']);

/**
 * Saves a merchant's PayPal account (Payment Method Tokens v3), charges it with the merchant not present and refunds
 * such charges (Orders v2, Payments v2). It makes no retries of its own: it throws PayPalTransientError for what is
 * worth retrying, and every request that changes something carries a PayPal-Request-Id derived from the caller's
 * key, so a retry of the whole call (a Temporal activity attempt) replays what already happened instead of doing
 * it again.
 */
export class PayPalClient {
  private readonly transport: PayPalTransport;
  private readonly tokens: AccessTokenCache;
  private readonly basicAuth: string;
  private readonly vault: PayPalVault;

  constructor(opts: PayPalClientOptions) {
    if (!(opts.timeoutMs > 0))
      throw new PayPalConfigError(`timeoutMs must be a positive number of milliseconds, got ${opts.timeoutMs}`);
    if (!opts.clientId || !opts.clientSecret)
      throw new PayPalConfigError('PayPal clientId and clientSecret are required');
    const now = opts.now ?? Date.now;
    this.transport = new PayPalTransport(opts.baseUrl.replace(/\/+$/, ''), opts.timeoutMs, opts.fetchImpl, now);
    this.basicAuth = `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64')}`;
    this.tokens = new AccessTokenCache(() => this.requestToken(), now);
    this.vault = new PayPalVault((call) => this.api(call));
  }

  /**
   * Starts saving the merchant's PayPal account: a setup token (PayPal-Request-Id `<requestKey>:setup`) whose
   * approveUrl the merchant's browser must visit. PayPal sends the browser back to returnUrl or cancelUrl with
   * approval_token_id (the setup token id) appended.
   */
  createSetupToken(input: PayPalSetupTokenInput): Promise<PayPalSetupToken> {
    return this.vault.createSetupToken(input);
  }

  /** PAYER_ACTION_REQUIRED (not approved, or cancelled), APPROVED, or VAULTED once exchanged. */
  getSetupToken(id: string): Promise<{ id: string; status: string }> {
    return this.vault.getSetupToken(id);
  }

  /** Exchanges the approved setup token for the vault id that `charge` takes. */
  createPaymentToken(input: { requestKey: string; setupTokenId: string }): Promise<PayPalPaymentToken> {
    return this.vault.createPaymentToken(input);
  }

  /** Forgets the saved account on PayPal; resolves too when PayPal no longer knows it. */
  deletePaymentToken(id: string): Promise<void> {
    return this.vault.deletePaymentToken(id);
  }

  /**
   * Charges `amount` to the vaulted account: creates an order (PayPal-Request-Id `<requestKey>:create`) and
   * captures it (`<requestKey>:capture`). Called again with the same key after a lost answer, it returns the
   * first charge. Throws PayPalDeclined when PayPal refuses the payment, including DUPLICATE_INVOICE_ID (see below)
   * and a vault id PayPal no longer knows (INVALID_RESOURCE_ID: the merchant deleted it or never saved it).
   */
  async charge(input: PayPalChargeInput): Promise<PayPalCharge> {
    const request = parseInput(ChargeInputSchema, input);
    const value = toPayPalValue(request.amount, request.currency);
    // DUPLICATE_INVOICE_ID is left as the PayPalDeclined PayPal sent. It means another request (another key, or
    // this key after PayPal forgot its request id) already paid this invoice, and Orders v2 cannot look a payment
    // up by invoice id, so the client cannot prove which capture that was. Reporting success without a capture
    // id would leave nothing to refund; reporting a decline lets a person check PayPal before charging again.
    let order = await this.createOrder(request.requestKey, request.vaultId, {
      intent: 'CAPTURE',
      purchase_units: [
        {
          reference_id: 'default',
          invoice_id: request.invoiceId,
          custom_id: request.requestKey,
          ...(request.description ? { description: request.description } : {}),
          amount: { currency_code: request.currency, value },
        },
      ],
      payment_source: { paypal: { vault_id: request.vaultId } },
    });

    switch (order.status) {
      case 'APPROVED':
        order = await this.capture(order.id, request.requestKey);
        break;
      case 'COMPLETED':
        // Some vaulted flows capture at creation: the capture is already in the order.
        break;
      case 'CREATED':
      case 'PAYER_ACTION_REQUIRED':
        throw new PayPalDeclined(
          'PAYER_ACTION_REQUIRED',
          `PayPal order ${order.id} needs the merchant to approve it, which a saved account charge cannot do`,
        );
      default:
        throw new PayPalDeclined(
          `ORDER_${order.status}`,
          `PayPal order ${order.id} is ${order.status} and cannot be captured`,
        );
    }
    return this.chargeOf(order, request);
  }

  /** Refunds (part of) a capture, with PayPal-Request-Id `<requestKey>:refund`: the same key refunds once. */
  async refund(input: {
    requestKey: string;
    captureId: string;
    amount: number;
    currency: string;
  }): Promise<{ refundId: string; status: string }> {
    const request = parseInput(RefundInputSchema, input);
    const refund = await this.api({
      method: 'POST',
      path: `/v2/payments/captures/${encodeURIComponent(request.captureId)}/refund`,
      requestId: `${request.requestKey}:refund`,
      schema: RefundSchema,
      body: { amount: { currency_code: request.currency, value: toPayPalValue(request.amount, request.currency) } },
    });
    if (refund.status === 'FAILED' || refund.status === 'CANCELLED') {
      const reason = refund.status_details?.reason;
      throw new PayPalDeclined(
        `REFUND_${refund.status}`,
        `PayPal refund ${refund.id} ended ${refund.status}${reason ? ` (${reason})` : ''}`,
      );
    }
    return { refundId: refund.id, status: refund.status };
  }

  /**
   * The status of a charge's capture as PayPal reports it now: how a PENDING capture (funds held for review) is
   * followed until it is COMPLETED or DECLINED. A read: safe to repeat.
   */
  async captureStatus(paypalOrderId: string): Promise<string> {
    const order = await this.getOrder(paypalOrderId);
    const capture = captureIn(order);
    if (!capture)
      throw new PayPalTransientError(
        'bad_response',
        `PayPal order ${order.id} is ${order.status} but shows no capture`,
      );
    return capture.status;
  }

  private async createOrder(requestKey: string, vaultId: string, body: unknown): Promise<Order> {
    try {
      return await this.api({
        method: 'POST',
        path: '/v2/checkout/orders',
        requestId: `${requestKey}:create`,
        schema: OrderSchema,
        body,
      });
    } catch (err) {
      // PayPal answers a vault id it does not know with 404 INVALID_RESOURCE_ID pointing at the field: for the
      // merchant that is a refusal (link PayPal again), not a broken integration.
      if (err instanceof PayPalConfigError && err.status === 404 && err.field?.endsWith('/vault_id')) {
        throw declinedFrom(
          err,
          `PayPal does not know the saved PayPal account ${vaultId} (deleted or never saved): the merchant has to link PayPal again`,
        );
      }
      throw err;
    }
  }

  private async capture(orderId: string, requestKey: string): Promise<Order> {
    try {
      return await this.api({
        method: 'POST',
        path: `/v2/checkout/orders/${encodeURIComponent(orderId)}/capture`,
        requestId: `${requestKey}:capture`,
        schema: OrderSchema,
        body: {},
      });
    } catch (err) {
      // Our own earlier capture of this order (its request id forgotten by PayPal, or sent before a lost answer).
      if (err instanceof PayPalDeclined && err.issue === 'ORDER_ALREADY_CAPTURED') return this.getOrder(orderId);
      throw err;
    }
  }

  private getOrder(orderId: string): Promise<Order> {
    return this.api({ method: 'GET', path: `/v2/checkout/orders/${encodeURIComponent(orderId)}`, schema: OrderSchema });
  }

  private async chargeOf(order: Order, request: z.infer<typeof ChargeInputSchema>): Promise<PayPalCharge> {
    let capture = captureIn(order);
    if (!capture) {
      // A minimal representation leaves captures out; the order itself has them.
      order = await this.getOrder(order.id);
      capture = captureIn(order);
    }
    if (!capture)
      throw new PayPalTransientError(
        'bad_response',
        `PayPal order ${order.id} is ${order.status} but shows no capture`,
      );
    if (failedCaptureStatuses.has(capture.status)) {
      const reason = capture.status_details?.reason;
      throw new PayPalDeclined(
        `CAPTURE_${capture.status}`,
        `PayPal capture ${capture.id} ended ${capture.status}${reason ? ` (${reason})` : ''}`,
      );
    }
    const currency = capture.amount?.currency_code;
    const amount = capture.amount && currency ? fromPayPalValue(capture.amount.value, currency) : undefined;
    if (amount === undefined || currency === undefined) {
      throw new PayPalTransientError('bad_response', `PayPal capture ${capture.id} has no readable amount`);
    }
    if (amount !== request.amount || currency !== request.currency) {
      throw new PayPalConfigError(
        `Request key ${request.requestKey} already paid ${capture.amount?.value} ${currency} (PayPal order ${order.id}), not ${toPayPalValue(request.amount, request.currency)} ${request.currency}: a request key must not be reused for another amount`,
      );
    }
    return { paypalOrderId: order.id, captureId: capture.id, amount, currency, status: capture.status };
  }

  /** Runs an authenticated call; a 401 gets one more try with a fresh token, since tokens can be revoked early. */
  private async api<T>(call: ApiCall<T>): Promise<T> {
    const token = await this.tokens.get();
    try {
      return await this.transport.send(this.authorized(call, token));
    } catch (err) {
      if (!(err instanceof PayPalConfigError && err.status === 401)) throw err;
      this.tokens.invalidate(token);
      return this.transport.send(this.authorized(call, await this.tokens.get()));
    }
  }

  private authorized<T>(call: ApiCall<T>, token: string) {
    return {
      method: call.method,
      path: call.path,
      schema: call.schema,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        // PayPal answers some POSTs with only id, status and links unless asked for the whole resource.
        Prefer: 'return=representation',
        ...(call.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(call.requestId ? { 'PayPal-Request-Id': call.requestId } : {}),
      },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    };
  }

  private requestToken() {
    return this.transport.send({
      method: 'POST',
      path: '/v1/oauth2/token',
      schema: TokenResponseSchema,
      headers: {
        Authorization: this.basicAuth,
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
  }
}

/** The capture that moved money, if any; else the last attempt, whose status explains why none did. */
function captureIn(order: Order): Capture | undefined {
  const captures = (order.purchase_units ?? []).flatMap((unit) => unit.payments?.captures ?? []);
  return captures.find((c) => !failedCaptureStatuses.has(c.status)) ?? captures.at(-1);
}
